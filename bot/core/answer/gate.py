"""The decisions after reading: which sentences answer, whether to answer at all, and whether to say yes or no.

Both answerers use them: the extractive one refuses on them, and an LLM answerer refuses on them without
calling the model (a model shown evidence that lacks the answer tends to answer anyway, and costs seconds).
Each decision compares a calibrated probability from the reader (`bot.core.read`) with a setting that
`newsbot eval` can sweep (`NEWSBOT_ANSWERABLE_MIN`, `NEWSBOT_VERDICT_MIN`). One rule stays a rule, the
anchors: a question that names something no retrieved article holds is about something else, however well
other sentences score (`bot.core.understand.anchors` says which names count; `NEWSBOT_ANCHOR_PHRASES` turns
the phrase check off, for the eval to measure it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from bot.core.answer import verdict
from bot.core.answer.evidence import Candidate, Ranking
from bot.core.answer.verdict import ClaimEvidence
from bot.core.read import Reader
from bot.core.request import Request
from bot.core.settings import AnswerSettings
from bot.core.understand import anchors
from bot.core.understand.question import Understanding

SEMANTIC_WEIGHT = 0.55
"""Meaning's share in the order sentences are shortlisted and embedded in; the reader then scores every
shortlisted sentence with meaning and words as separate features, so this sets no cut-off."""


@dataclass(frozen=True)
class Reading:
    """The shortlist as the reader scored it: `answers[i]` is P(`ranking.ranked[i]` answers the question);
    `ranked` the same sentences best first, each with that probability as its `score`; `answerable` the
    reader's P(the evidence answers the question at all)."""

    ranking: Ranking
    answers: np.ndarray
    ranked: list[Candidate]
    answerable: float
    cut: float
    """The reader's own cut for `answerable` (`Reader.answerable_min`)."""


def read(reader: Reader, request: Request, ranking: Ranking) -> Reading:
    """The shortlist scored by the reader. Feedback weighs in as it does in retrieval: a sentence's score is
    P(it answers) × (1 + its article's boost), so a down-weighted article is quoted only when nothing else
    answers as well (`index/feedback.py` bounds the boost)."""
    scores = reader.read(request, ranking)
    rescored = [
        replace(c, score=float(p) * (1.0 + c.hit.boost)) for c, p in zip(ranking.ranked, scores.answers, strict=True)
    ]
    ranked = sorted(rescored, key=lambda c: (-c.score, c.hit.chunk.id, c.start))
    return Reading(ranking, scores.answers, ranked, scores.answerable, reader.answerable_min)


def answerable(request: Request, reading: Reading, settings: AnswerSettings) -> bool:
    """Whether the reader's P(the evidence answers the question) reaches `answerable_min` (unset: the
    reader's own cut); the estimate is recorded on the request, so `--json` shows it."""
    if not reading.ranked:
        return False
    request.notes["answerable"] = round(reading.answerable, 3)
    cut = settings.answerable_min if settings.answerable_min is not None else reading.cut
    return reading.answerable >= cut


def decide_verdict(
    reader: Reader, request: Request, found: Sequence[ClaimEvidence], settings: AnswerSettings
) -> str | None:
    """ "yes" or "no" where the reader's calibrated P(yes) or P(no) reaches `verdict_min`, else None (the
    answer then shows what each source says and that it does not settle the question). A reader that reads
    the sentences itself (`Reader.originates`: the model) may settle what the claim checks leave open, a
    paraphrase they cannot match; the scorer only confirms the checks' own verdict (`verdict.decide`). Both
    are recorded on the request, so `--json` shows them."""
    understanding = request.understanding
    assert understanding.yes_no is not None
    rules = verdict.decide(understanding.yes_no, list(found))
    p_yes = reader.yes(request, found, rules)
    request.notes["p_yes"] = round(p_yes, 3)
    request.notes["checks_say"] = rules
    said = "yes" if p_yes >= settings.verdict_min else "no" if 1.0 - p_yes >= settings.verdict_min else None
    return said if reader.originates or said == rules else None


def unanchored(ranking: Ranking, understanding: Understanding, settings: AnswerSettings) -> bool:
    """Whether the retrieved text lacks something the question rests on (`bot.core.understand.anchors`): a
    publication that is not indexed, the name that qualifies the answer, a model number; and, with
    `anchor_phrases`, a name, quoted term or model that no retrieved sentence or title holds as a phrase.
    Checked before any verdict: no claim about what Bloomberg said is supported by other publications'
    sentences, and no sentence about the Ten Years' Treaty answers a question about the Nine Years' Treaty.
    The phrase check is for questions one article answers: a yes/no question or one naming several sources
    draws on several articles, whose names are spread over chunks that are not all retrieved (on the dev
    split it refused 33 such answerable questions and no unanswerable one)."""
    found = understanding.anchors
    if anchors.missing(found, ranking.retrieved):
        return True
    if not settings.anchor_phrases or understanding.yes_no is not None or len(understanding.sources) > 1:
        return False
    return bool(anchors.unheld(found, ranking.texts))
