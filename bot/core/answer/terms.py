"""Question terms and their weights: the lexical half of extractive scoring and of quote picking."""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.core.text import STOPWORDS, stemmer, stems, words

_WH = frozenset(["which", "what", "whose"])
_SAME_THING = (
    ("CEO", "chief executive"),
    ("CFO", "chief financial officer"),
    ("CTO", "chief technology officer"),
    ("COO", "chief operating officer"),
    ("EU", "European Union"),
    ("UK", "United Kingdom"),
)
_SPELLINGS = [[tuple(stems(form)) for form in group] for group in _SAME_THING]


def with_synonyms(present: set[str]) -> set[str]:
    """`present` with the other spelling of each abbreviation it holds in full or short ("CEO" and "chief
    executive"): a question asking for one is not refused because the articles write the other."""
    out = set(present)
    for spellings in _SPELLINGS:
        if any(form and all(s in present for s in form) for form in spellings):
            out.update(s for form in spellings for s in form)
    return out


@dataclass(frozen=True)
class QuestionTerms:
    """Stemmed question terms with IDF-like weights; `key` are the names and numbers among them."""

    weights: dict[str, float]
    key: frozenset[str]
    answer_type: frozenset[str] = frozenset()

    @classmethod
    def build(cls, question: str, documents: Sequence[Iterable[str]]) -> QuestionTerms:
        """Weights are IDF over `documents` (stem sets), boosted for names and tokens with digits."""
        n = max(len(documents), 1)
        df: Counter[str] = Counter()
        for doc in documents:
            df.update(set(doc))
        tokens = words(question)
        key_raw = {
            w.lower()
            for i, w in enumerate(tokens)
            if (any(c.isdigit() for c in w) or (w[:1].isupper() and i > 0) or (w.isupper() and len(w) > 1))
            and w.lower() not in STOPWORDS
        }
        key = frozenset(stemmer().stemWords(sorted(key_raw))) if key_raw else frozenset()
        # "which city", "what date": the word after the wh-word names the answer's type, and the
        # sentence holding the answer rarely repeats it.
        heads = [b.lower() for a, b in itertools.pairwise(tokens) if a.lower() in _WH and b.lower() not in STOPWORDS]
        answer_type = frozenset(stemmer().stemWords(heads)) if heads else frozenset()
        weights = {}
        for stem in stems(question):
            idf = math.log(1 + n / (1 + df.get(stem, 0)))
            weights[stem] = idf + (1.0 if stem in key else 0.0)
        return cls(weights, key, answer_type)

    def coverage(self, present: set[str]) -> float:
        """Weighted share of question terms found in `present` (1.0 when the question has none)."""
        total = sum(self.weights.values())
        if total == 0:
            return 1.0
        return sum(w for t, w in self.weights.items() if t in present) / total

    def missing_share(self, present: set[str]) -> float:
        """Weighted share of the question's content terms (answer-type words aside) absent from `present`."""
        asked = {t: w for t, w in self.weights.items() if t not in self.answer_type}
        total = sum(asked.values())
        return sum(w for t, w in asked.items() if t not in present) / total if total else 0.0

    def key_coverage(self, present: set[str]) -> float:
        if not self.key:
            return 1.0
        return len(self.key & present) / len(self.key)
