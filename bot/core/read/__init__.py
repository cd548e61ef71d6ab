"""The reader seam: how well each evidence sentence answers the question, and how likely a yes/no claim is.

Retrieval finds the evidence; reading it is the step that decides what newsbot says. One interface, chosen
by `NEWSBOT_READER` (`factory.make_reader`):
- `scorer` (default, offline): a logistic model over general features (`features`), its weights fitted by
  `measure/fit_reader.py` on the shipped gold sets and committed (`weights.json`);
- `local`: the scorer, and the bundled model reads yes/no questions (`model`), calibrated by
  `measure/fit_model_reader.py` (`model_calibration.json`).

A reader holds no per-question state: the request carries it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from bot.core.answer.evidence import Ranking
from bot.core.answer.verdict import ClaimEvidence
from bot.core.request import Request


@dataclass(frozen=True)
class Scores:
    """One reading of a ranking's shortlist: `answers[i]` is P(`ranking.ranked[i]` answers the question),
    `answerable` P(the retrieved evidence answers it at all)."""

    answers: np.ndarray
    answerable: float


class Reader(Protocol):
    """Scores evidence for a request; every score is a calibrated probability in [0, 1]."""

    name: str
    answerable_min: float
    """The reader's own cut for P(the evidence answers the question), where `NEWSBOT_ANSWERABLE_MIN` is
    unset: each reader's estimate is calibrated on its own, and the cut is chosen with its calibration."""
    originates: bool
    """Whether P(yes) comes from reading the sentences themselves (a model): such a reader may settle what
    the claim checks leave open. The scorer's P(yes) only weighs what the checks found, so it confirms or
    withholds their verdict and never makes one (a claim no sentence supports is no "yes" however the
    rest scores)."""

    def read(self, request: Request, ranking: Ranking) -> Scores:
        """The shortlist (`ranking.ranked`) and the question scored in one pass, so whatever the reader
        computes per sentence (features, a model's forward pass) is computed once."""
        ...

    def yes(self, request: Request, found: Sequence[ClaimEvidence], rules: str | None) -> float:
        """P(the answer to the yes/no question is yes), given each claim's best sentence and what the claim
        rules read from them (`rules`: "yes", "no" or None)."""
        ...


__all__ = ["Reader", "Scores"]
