"""Pure scoring functions: no pipeline, no I/O, so each metric can be checked by hand on tiny cases.

Everything returns a fraction in 0..1 (or None when the denominator is empty, so "no data" never
looks like a score of zero).
"""

from __future__ import annotations

import math
import re
import string
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_ARTICLES = frozenset({"a", "an", "the"})
_PUNCTUATION = re.compile(f"[{re.escape(string.punctuation)}‘’“”«»–—…]")
_YES = frozenset({"yes", "true"})
_NO = frozenset({"no", "false"})
# Two quotes "overlap" when one holds the other or they share a run this long: about one clause.
MIN_SHARED_CHARS = 30


@dataclass(frozen=True)
class RetrievedSpan:
    """The part of a retrieved chunk that scoring needs: where it sits in which article, and its text."""

    article_id: str
    start: int
    end: int
    text: str


def normalize_answer(text: str) -> str:
    """SQuAD-style: lower-case, punctuation and the articles a/an/the removed, whitespace collapsed."""
    words = _PUNCTUATION.sub(" ", text.lower()).split()
    return " ".join(w for w in words if w not in _ARTICLES)


def squash_whitespace(text: str) -> str:
    """Drop all whitespace so a loader's fix of "boycott.The" or a line break never hides a quote."""
    return "".join(text.split())


def _contains_phrase(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return n > 0 and any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def yes_no_stance(text: str) -> str | None:
    """ "yes", "no", or None when the text says neither or hedges with both."""
    words = set(normalize_answer(text).split())
    says_yes, says_no = bool(words & _YES), bool(words & _NO)
    if says_yes == says_no:
        return None
    return "yes" if says_yes else "no"


def is_yes_no(answers: Sequence[str]) -> bool:
    """True when every accepted answer is a bare yes/no (or true/false)."""
    normalized = [normalize_answer(a) for a in answers]
    return bool(normalized) and all(a in _YES | _NO for a in normalized)


def answer_correct(answer: str, accepted: Sequence[str]) -> bool:
    """Whole-phrase normalised match; for yes/no gold answers the stance must match exactly."""
    if is_yes_no(accepted):
        gold = {yes_no_stance(a) for a in accepted}
        stance = yes_no_stance(answer)
        return stance is not None and stance in gold
    words = normalize_answer(answer).split()
    return any(_contains_phrase(words, normalize_answer(a).split()) for a in accepted)


def verdict_correct(verdict: str | None, accepted: Sequence[str]) -> bool | None:
    """Whether a yes/no verdict matches the gold answer; None when there is no verdict or no yes/no gold."""
    if verdict is None or not is_yes_no(accepted):
        return None
    return verdict in {yes_no_stance(a) for a in accepted}


_LENIENT_SKIP = _ARTICLES | {"of", "and", "or", "in", "on", "to", "for", "by"}


def lenient_correct(answer: str, accepted: Sequence[str]) -> bool:
    """MultiHop-RAG's lenient reading, for comparison with published figures: any word of any gold answer
    (articles and connectives aside) appears in the answer. Far looser than `answer_correct`."""
    words = set(normalize_answer(answer).split())
    return any(w in words for a in accepted for w in normalize_answer(a).split() if w not in _LENIENT_SKIP)


def token_f1(answer: str, accepted: Sequence[str]) -> float:
    """Best SQuAD token F1 of the answer against any accepted answer."""
    predicted = normalize_answer(answer).split()
    best = 0.0
    for gold_text in accepted:
        gold = normalize_answer(gold_text).split()
        common = sum((Counter(predicted) & Counter(gold)).values())
        if common:
            precision, recall = common / len(predicted), common / len(gold)
            best = max(best, 2 * precision * recall / (precision + recall))
    return best


def hit_at_k(ranked_article_ids: Sequence[str | None], gold: Iterable[str], k: int) -> float:
    """1.0 when any of the first k retrieved chunks belongs to a gold article."""
    gold_ids = set(gold)
    return float(any(a in gold_ids for a in ranked_article_ids[:k]))


def reciprocal_rank(ranked_article_ids: Sequence[str | None], gold: Iterable[str], k: int = 10) -> float:
    """1/rank of the first chunk from a gold article within the first k, else 0."""
    gold_ids = set(gold)
    for rank, article_id in enumerate(ranked_article_ids[:k], start=1):
        if article_id in gold_ids:
            return 1.0 / rank
    return 0.0


def merged_texts(spans: Iterable[RetrievedSpan]) -> list[str]:
    """Texts of retrieved chunks, with chunks of one article that touch or overlap joined by offsets.

    A gap of up to two characters still counts as touching: that is the whitespace a chunker trims.
    """
    by_article: dict[str, list[RetrievedSpan]] = {}
    for span in spans:
        by_article.setdefault(span.article_id, []).append(span)
    merged: list[str] = []
    for article_spans in by_article.values():
        ordered = sorted(article_spans, key=lambda s: (s.start, s.end))
        text, end = ordered[0].text, ordered[0].end
        for span in ordered[1:]:
            if span.start > end + 2:
                merged.append(text)
                text, end = span.text, span.end
            elif span.end > end:
                overlap = max(0, end - span.start)
                text, end = text + " " + span.text[overlap:], span.end
        merged.append(text)
    return merged


def evidence_recall(quotes: Sequence[str], spans: Sequence[RetrievedSpan]) -> float | None:
    """Share of gold quotes found inside the retrieved text, whitespace ignored; None without quotes."""
    if not quotes:
        return None
    haystacks = [squash_whitespace(t) for t in merged_texts(spans)]
    found = sum(any(squash_whitespace(q) in h for h in haystacks) for q in quotes)
    return found / len(quotes)


def quotes_overlap(quote: str, gold_quote: str, min_shared: int = MIN_SHARED_CHARS) -> bool:
    """True when one quote holds the other, or they share a run of at least `min_shared` characters."""
    a, b = squash_whitespace(quote), squash_whitespace(gold_quote)
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    shorter, longer = sorted((a, b), key=len)
    if len(shorter) < min_shared:
        return False
    return any(shorter[i : i + min_shared] in longer for i in range(len(shorter) - min_shared + 1))


def citation_supported(
    citation_article_id: str | None, quote: str, gold_articles: Iterable[str], gold_quotes: Sequence[str]
) -> bool:
    """A citation is right when it points into a gold article or its quote overlaps gold evidence."""
    if citation_article_id is not None and citation_article_id in set(gold_articles):
        return True
    return any(quotes_overlap(quote, g) for g in gold_quotes)


def mean(values: Iterable[float | None]) -> float | None:
    """Mean of the known values; None when there are none."""
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def percentile(values: Sequence[float], p: float) -> float | None:
    """The p-th percentile (0..100) with linear interpolation, as numpy's default; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * p / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
