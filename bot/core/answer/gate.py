"""The refusal gate: whether the retrieved evidence can hold the answer at all, before anything is written.

Both answerers use it: the extractive one refuses on it, and an LLM answerer refuses on it without calling
the model (a model shown evidence that lacks the answer tends to answer anyway, and costs seconds).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.answer.evidence import Ranking
from bot.core.understand import anchors
from bot.core.understand import answer_type as types
from bot.core.understand.question import Understanding


@dataclass(frozen=True)
class Thresholds:
    """Refusal and selection cut-offs.

    Calibrated on ../shared/eval/multihop-rag-dev (137 answerable, 13 unanswerable questions): a best
    sentence scoring under 0.27, or retrieved text holding none of the question's names and numbers,
    refuses 13/13 unanswerable questions and 6/137 answerable ones. Short questions (at most 10 content
    terms; every multihop question is longer) are specific: when over a quarter of their weighted terms
    appear nowhere in the retrieved text, the articles are about something else (measure/gold/seeds: 4 of 5
    unanswerable refused, no answerable one).
    """

    min_score: float = 0.27
    min_key_coverage: float = 0.01
    short_question_terms: int = 10
    max_missing_share: float = 0.25
    semantic_weight: float = 0.55
    companion_ratio: float = 0.85


DEFAULTS = Thresholds()


def refuses(ranking: Ranking, kind: str, limits: Thresholds = DEFAULTS) -> bool:
    """Refuse when the retrieved text lacks the question's names, or a short, specific question's words,
    or the kind of answer asked for; or when even the best sentence scores low."""
    if not ranking.ranked:
        return True
    terms, retrieved = ranking.terms, ranking.retrieved
    if terms.key_coverage(retrieved) < limits.min_key_coverage or ranking.ranked[0].score < limits.min_score:
        return True
    specific = len(terms.weights) <= limits.short_question_terms
    if specific and terms.missing_share(retrieved) > limits.max_missing_share:
        return True
    typed_kinds = {types.NUMBER, types.DATE, types.PERSON}
    return specific and kind in typed_kinds and not any(c.typed for c in ranking.candidates)


def unanchored(ranking: Ranking, understanding: Understanding | None) -> bool:
    """Whether the retrieved text lacks something the question rests on (`bot.core.understand.anchors`): a
    publication that is not indexed, the name that qualifies the answer, a model number. Checked before any
    verdict: no claim about what Bloomberg said is supported by other publications' sentences."""
    return understanding is not None and bool(anchors.missing(understanding.anchors, ranking.retrieved))
