"""Citation verification: every sentence of a model's reply is checked against the evidence it cites.

Small models often cite the wrong number, and any model can write a sentence nothing supports. A marker
stands only when its evidence supports the sentence (`score` ≥ `SUPPORTED`); otherwise it moves to the
evidence that does, or is dropped. A sentence with no supporting evidence is removed, so every quote the
user sees supports the sentence that cites it. Support is 0.6 × cosine (the retrieval embedder) + 0.4 ×
the share of the sentence's terms the evidence holds — the measure the yes/no verdicts use. Scores in
the grey zone [`JUDGE_FROM`, `SUPPORTED`) go to a yes/no judge when one is configured (the local model).
A topical sentence can score well and still add a fact: a number the cited evidence does not hold makes
it unsupported, and so does a name whose words are neither in that evidence, its publication, its title nor
the question, unless the judge accepts it. A name a sentence opens on is usually who did what, which the
cited sentence itself must say: for it the title, which names the story, is not enough ("China has been
lobbying" citing "the US has been lobbying" in an article titled "China's Huawei …").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bot.core.answer.evidence import Candidate, sentence_vectors
from bot.core.citations.markers import claims, normalise
from bot.core.models import Correction
from bot.core.settings import AnswerSettings
from bot.core.text import STOPWORDS, stems
from index.embed import Embedder

SUPPORTED = 0.45
"""A sentence is supported by evidence scoring at least this (or by the judge, in the grey zone)."""
JUDGE_FROM = 0.30
JUDGE_BUDGET: int = AnswerSettings.model_fields["judge_budget"].default
"""At most this many judge calls per reply unless told otherwise: `NEWSBOT_JUDGE_BUDGET`'s default, which
says why (one value, owned by the setting)."""
MIN_TERMS = 2
"""A sentence with fewer content terms states nothing checkable ("Yes.", "However:"): it is removed."""
_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
_NAME = re.compile(r"\b[A-Z][A-Za-z'’-]+")
_WORDS = re.compile(r"[A-Za-z][A-Za-z-]*")
_VERDICT = re.compile(r"^\s*(yes|no)\b[\s,.;:!—–-]*", re.IGNORECASE)

Judge = Callable[[str, str], bool]
"""(sentence, evidence text) → does the evidence support the sentence?"""


@dataclass(frozen=True)
class Verified:
    """The reply after verification: text with markers as evidence numbers, the model's yes/no, changes."""

    text: str
    verdict: str | None
    corrections: list[Correction]


def split_verdict(reply: str) -> tuple[str | None, str]:
    """A leading "Yes"/"No" of the reply, and the rest."""
    match = _VERDICT.match(reply)
    if not match:
        return None, reply
    rest = reply[match.end() :]
    return match.group(1).lower(), rest[:1].upper() + rest[1:]


@dataclass
class _Check:
    """One reply's verification state: the question's words, and the judge calls spent.

    Created per `verify` call, never kept on the `Verifier`: one verifier serves every Slack worker, and
    two replies checked at once must not see each other's names or budget.
    """

    known: frozenset[str]
    proper: frozenset[str]
    """Words the evidence, its titles and the question write only capitalised: names, so a reply sentence
    that opens on one is checked for it too."""
    asked: int = 0


class Verifier:
    """Shared and stateless between calls: the embedder, the judge and its per-reply budget only."""

    def __init__(self, embedder: Embedder, judge: Judge | None = None, judge_budget: int = JUDGE_BUDGET) -> None:
        self.embedder = embedder
        self.judge = judge
        self.judge_budget = judge_budget

    def verify(self, reply: str, evidence: Sequence[Candidate], known: str = "") -> Verified:
        """`reply` checked against `evidence`; `known` (the question) may supply names a sentence repeats."""
        model_verdict, body = split_verdict(reply.strip())
        text, invalid = normalise(body, len(evidence))
        corrections = [Correction("dropped", "", cited=(n,)) for n in invalid]
        sentences = [c for c in claims(text) if c.text]
        if not sentences or not evidence:
            return Verified("", model_verdict, corrections)
        check = _Check(frozenset(stems(known)), _proper([known, *(f"{c.hit.chunk.title}. {c.text}" for c in evidence)]))
        scores = self._scores([c.text for c in sentences], evidence)
        kept: list[str] = []
        for claim, row in zip(sentences, scores, strict=True):
            cites, correction = self._check(check, claim.text, claim.cites, row, evidence)
            if correction is not None:
                corrections.append(correction)
            if cites:
                kept.append(claim.text.rstrip() + "".join(f"[{n}]" for n in cites))
        return Verified(" ".join(_attach(k) for k in kept), model_verdict, corrections)

    def _scores(self, sentences: list[str], evidence: Sequence[Candidate]) -> np.ndarray:
        """support[i, j]: how well evidence j + 1 supports sentence i."""
        cosine = self.embedder.embed(sentences) @ sentence_vectors(self.embedder, [c.text for c in evidence]).T
        share = np.zeros_like(cosine)
        for i, sentence in enumerate(sentences):
            terms = set(stems(sentence))
            if terms:
                share[i] = [len(terms & c.stems) / len(terms) for c in evidence]
        return 0.6 * cosine + 0.4 * share

    def _supports(self, check: _Check, sentence: str, cited: Sequence[Candidate], score: float) -> tuple[bool, bool]:
        """(supported, asked the judge): by score, then no new numbers, then no new names unless judged."""
        text = " ".join(c.text for c in cited)
        if score < JUDGE_FROM or _new_numbers(sentence, text):
            return False, False
        held = check.known.union(*(c.stems for c in cited), stems(" ".join(c.hit.chunk.source for c in cited)))
        titled = held | set(stems(" ".join(c.hit.chunk.title for c in cited)))
        doubtful = score < SUPPORTED or bool(_new_names(sentence, held, titled, check.proper))
        if not doubtful:
            return True, False
        if self.judge is None or check.asked >= self.judge_budget:
            return False, False
        check.asked += 1
        return self.judge(sentence, text), True

    def _check(
        self, check: _Check, sentence: str, cites: tuple[int, ...], row: np.ndarray, evidence: Sequence[Candidate]
    ) -> tuple[list[int], Correction | None]:
        """The evidence numbers the sentence keeps, and what was changed (None: nothing)."""
        best = float(row.max())
        if len(set(stems(sentence))) < MIN_TERMS:
            return [], Correction("removed", sentence, cites, support=round(best, 3))
        judged = False
        kept = [n for n in cites if float(row[n - 1]) >= JUDGE_FROM]
        if kept:
            top = max(float(row[n - 1]) for n in kept)
            ok, judged = self._supports(check, sentence, [evidence[n - 1] for n in kept], top)
            if ok:
                strong = [n for n in kept if float(row[n - 1]) >= SUPPORTED] or kept
                dropped = tuple(n for n in cites if n not in strong)
                if dropped:
                    return strong, Correction("dropped", sentence, dropped, support=round(best, 3), judged=judged)
                # A marker the score alone would not have kept: recorded, so the judge's effect can be counted.
                return strong, Correction(
                    "kept", sentence, cites, support=round(top, 3), judged=True
                ) if judged else None
        for j in np.argsort(-row):
            n = int(j) + 1
            if n in cites:
                continue
            if float(row[j]) < JUDGE_FROM:
                break
            ok, asked = self._supports(check, sentence, [evidence[j]], float(row[j]))
            judged |= asked
            if ok:
                kind = "moved" if cites else "added"
                return [n], Correction(kind, sentence, cites, to=n, support=round(float(row[j]), 3), judged=judged)
        return [], Correction("removed", sentence, cites, support=round(best, 3), judged=judged)


def _new_numbers(sentence: str, evidence: str) -> set[str]:
    held = {n.replace(",", "").rstrip(".") for n in _NUMBER.findall(evidence)}
    return {n.replace(",", "").rstrip(".") for n in _NUMBER.findall(sentence)} - held


def _proper(texts: Sequence[str]) -> frozenset[str]:
    """Words `texts` write capitalised and never in lower case: names ("China"), not sentence openings that
    also occur inside a sentence ("The", "Officials")."""
    written = [w for text in texts for w in _WORDS.findall(text)]
    lower = {w for w in written if w.islower()}
    return frozenset(w.lower() for w in written if w[0].isupper() and w.lower() not in lower)


def _new_names(sentence: str, held: set[str], titled: set[str], proper: frozenset[str]) -> set[str]:
    """Capitalised words whose stems are not held, word by word ("Ten" is not held by "often"): inside the
    sentence by `titled`, the opening word (only when `proper` says it is a name) by `held`."""
    new = set()
    for m in _NAME.finditer(sentence):
        name = m.group(0)
        if name.lower() in STOPWORDS or (m.start() == 0 and name.lower() not in proper):
            continue
        if not set(stems(name)) <= (titled if m.start() > 0 else held):
            new.add(name)
    return new


def _attach(sentence: str) -> str:
    """Markers go before the sentence's closing punctuation's end: "… Friday.[1]" reads "… Friday [1]."."""
    match = re.match(r"^(.*?)([.!?…]+)((?:\[\d+\])+)$", sentence, re.DOTALL)
    if match:
        return f"{match.group(1)} {match.group(3)}{match.group(2)}"
    markers = re.search(r"((?:\[\d+\])+)$", sentence)
    if markers:
        return f"{sentence[: markers.start()].rstrip()} {markers.group(1)}"
    return sentence
