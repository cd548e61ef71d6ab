"""The reader seam: how well each evidence sentence answers the question, and how likely a yes/no claim is.

Retrieval finds the evidence; reading it is the step that decides what newsbot says. One interface, chosen
by `NEWSBOT_READER` (`make_reader`):
- `scorer` (default, offline): a logistic model over general features (`features`), its weights fitted by
  `measure/fit_reader.py` on the shipped gold sets and committed (`weights.json`);

A reader holds no per-question state: the request carries it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from bot.core.answer.evidence import Candidate, Ranking
from bot.core.answer.verdict import ClaimEvidence
from bot.core.request import Request
from bot.core.settings import AnswerSettings


class Reader(Protocol):
    """Scores evidence for a request; every score is a calibrated probability in [0, 1]."""

    name: str

    def answers(self, request: Request, ranking: Ranking, scored: Sequence[Candidate]) -> np.ndarray:
        """P(the sentence answers the question), for each of `scored` (the ranking's shortlist)."""
        ...

    def answerable(self, request: Request, ranking: Ranking, answers: np.ndarray) -> float:
        """P(the retrieved evidence answers the question at all), from `answers` (one per sentence of
        `ranking.ranked`, in that order)."""
        ...

    def yes(self, request: Request, found: Sequence[ClaimEvidence], rules: str | None) -> float:
        """P(the answer to the yes/no question is yes), given each claim's best sentence and what the claim
        rules read from them (`rules`: "yes", "no" or None)."""
        ...


def make_reader(settings: AnswerSettings) -> Reader:
    """The reader `NEWSBOT_READER` names (settings validate the name)."""
    from bot.core.read.scorer import WEIGHTS, LearnedReader

    return LearnedReader.load(settings.reader_weights or WEIGHTS)


__all__ = ["Reader", "make_reader"]
