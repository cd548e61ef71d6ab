"""A language model as the yes/no reader (`NEWSBOT_READER=local`): it reads each claim's best sentence with
its source and date, and the question, and the log-probabilities of "Yes" and "No" as the first token of
its reply, stacked with the scorer's own estimate, give P(yes) through a logistic model fitted on the gold
sets (`measure/fit_model_reader.py`, written to `model_calibration.json`). One prompt evaluation, no
generation: a read costs what the prompt costs. The stack is there because each reads what the other
misses: the scorer knows the claim checks (a source's own sentence, dates in order), the model paraphrase.

It reads what the claim checks cannot: paraphrase ("fewer porpoises killed" against "two found, eleven the
year before"), a number compared, an actor swapped. Which sentences answer, and whether the evidence
answers at all, stay with the scorer: those are read per sentence, dozens per question, too many for a model
on two cores.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from bot.core.answer.evidence import Ranking
from bot.core.answer.verdict import ClaimEvidence
from bot.core.prompts import render
from bot.core.read import Reader, Scores
from bot.core.read.scorer import logit
from bot.core.request import Request
from bot.core.settings import AnswerSettings

if TYPE_CHECKING:
    from llama_index.core.llms import ChatMessage

CALIBRATION = Path(str(resources.files("bot.core.read"))) / "model_calibration.json"
CHOICES = (("Yes", "yes"), ("No", "no"))


class FirstToken(Protocol):
    """What the reader needs of a model: `LocalLlamaLLM.first_token_logprobs`."""

    def first_token_logprobs(self, messages: Sequence[ChatMessage], choices: Sequence[Sequence[str]]) -> list[float]:
        """The log-probability of each choice as the reply's first token."""
        ...


@dataclass(frozen=True)
class Calibration:
    """P(yes) = σ(margin_weight · (log P("Yes") − log P("No")) + scorer_weight · logit(scorer's P(yes)) + bias)."""

    margin_weight: float
    scorer_weight: float
    bias: float

    @classmethod
    def load(cls, path: Path = CALIBRATION) -> Calibration:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(float(data["margin_weight"]), float(data["scorer_weight"]), float(data["bias"]))

    def probability(self, margin: float, scorer: float) -> float:
        z = self.margin_weight * margin + self.scorer_weight * logit(scorer) + self.bias
        return 1.0 / (1.0 + math.exp(-z))


def evidence_lines(found: Sequence[ClaimEvidence]) -> list[str]:
    """Each claim's best sentence once, numbered, with its source and date (order questions need dates)."""
    lines: list[str] = []
    seen: set[str] = set()
    for evidence in found:
        best = evidence.best
        if best is None or best.text in seen:
            continue
        seen.add(best.text)
        chunk = best.hit.chunk
        lines.append(f"[{len(lines) + 1}] {chunk.source or chunk.title} ({chunk.date or 'undated'}): {best.text}")
    return lines


class ModelReader:
    """The scorer's sentence scores, the model's yes/no read."""

    name = "local"
    originates = True

    def __init__(self, scorer: Reader, model: FirstToken, calibration: Calibration, settings: AnswerSettings) -> None:
        self._scorer = scorer
        self._model = model
        self._calibration = calibration
        self._settings = settings

    def read(self, request: Request, ranking: Ranking) -> Scores:
        return self._scorer.read(request, ranking)

    def margin(self, question: str, found: Sequence[ClaimEvidence]) -> float | None:
        """log P("Yes") − log P("No") for the question over the claims' sentences; None without any."""
        from llama_index.core.llms import ChatMessage, MessageRole

        lines = evidence_lines(found)
        if not lines:
            return None
        prompt = render(self._settings, "read_yes_no", evidence="\n".join(lines), question=question)
        yes, no = self._model.first_token_logprobs([ChatMessage(role=MessageRole.USER, content=prompt)], CHOICES)
        return yes - no

    def yes(self, request: Request, found: Sequence[ClaimEvidence], rules: str | None) -> float:
        scorer = self._scorer.yes(request, found, rules)
        margin = self.margin(request.question, found)
        if margin is None:
            return scorer
        request.notes["yes_margin"] = round(margin, 3)
        return self._calibration.probability(margin, scorer)
