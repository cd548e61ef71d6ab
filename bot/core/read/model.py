"""A language model as a reader (`NEWSBOT_READER=local`, or `openai:<model>` through `remote`): the model reads,
and the log-probabilities of "Yes" and "No" as the first token of its reply (one prompt evaluation, no
generation) are stacked with the scorer's own estimate by a logistic model fitted on the gold sets
(`measure/fit_model_reader.py`, written to `model_calibration.json`). Two reads, each one short prompt:
- whether the best sentence answers the question (`read_answers`): P(the evidence answers it at all). The
  scorer's features cannot tell an on-topic sentence from an answer ("What religion was X?" against a
  sentence that mentions X); the model reads the pair;
- a yes/no question over each claim's best sentence with its source and date (`read_yes_no`): P(yes). It
  reads paraphrase ("fewer porpoises killed" against "two found, eleven the year before"); the scorer knows
  the claim checks (a source's own sentence, dates in order).
Which sentences answer, and in what order, stays with the scorer: that is read per sentence, dozens per
question, too many for a model on two cores.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from bot.core.answer.evidence import Candidate, Ranking
from bot.core.answer.verdict import ClaimEvidence
from bot.core.logistic import logit
from bot.core.prompts import render
from bot.core.read import Reader, Scores
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
class Stack:
    """σ(margin_weight · (log P("Yes") − log P("No")) + scorer_weight · logit(the scorer's estimate) + bias)."""

    margin_weight: float
    scorer_weight: float
    bias: float

    def probability(self, margin: float, scorer: float) -> float:
        z = self.margin_weight * margin + self.scorer_weight * logit(scorer) + self.bias
        return 1.0 / (1.0 + math.exp(-z))


@dataclass(frozen=True)
class Calibration:
    """The two stacks: P(the evidence answers the question) and P(yes); and the cut for the first where
    `NEWSBOT_ANSWERABLE_MIN` is unset (chosen end to end on the sets the stacks were fitted on)."""

    answerable: Stack
    yes: Stack
    answerable_min: float = 0.5

    @classmethod
    def load(cls, path: Path = CALIBRATION) -> Calibration:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(Stack(**data["answerable"]), Stack(**data["yes"]), float(data.get("answerable_min", 0.5)))


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
    """The scorer's sentence scores; the model's reads of answerability and of yes/no questions."""

    name = "local"

    def __init__(
        self, scorer: Reader, model: FirstToken, calibration: Calibration, settings: AnswerSettings, name: str = "local"
    ) -> None:
        self.name = name
        self.answerable_min = calibration.answerable_min
        self.originates = settings.reader_yes_no
        self._scorer = scorer
        self._model = model
        self._calibration = calibration
        self._settings = settings

    def read(self, request: Request, ranking: Ranking) -> Scores:
        scores = self._scorer.read(request, ranking)
        if not len(scores.answers):
            return scores
        margin = self.answer_margin(request.question, ranking.ranked[int(np.argmax(scores.answers))])
        request.notes["answer_margin"] = round(margin, 3)
        return Scores(scores.answers, self._calibration.answerable.probability(margin, scores.answerable))

    def answer_margin(self, question: str, best: Candidate) -> float:
        """log P("Yes") − log P("No"): does the scorer's best sentence answer the question?"""
        chunk = best.hit.chunk
        prompt = render(
            self._settings,
            "read_answers",
            source=chunk.source or "unknown source",
            date=chunk.date or "undated",
            title=chunk.title,
            sentence=best.text,
            question=question,
        )
        return self._ask(prompt)

    def margin(self, question: str, found: Sequence[ClaimEvidence]) -> float | None:
        """log P("Yes") − log P("No") for the question over the claims' sentences; None without any."""
        lines = evidence_lines(found)
        if not lines:
            return None
        return self._ask(render(self._settings, "read_yes_no", evidence="\n".join(lines), question=question))

    def _ask(self, prompt: str) -> float:
        from llama_index.core.llms import ChatMessage, MessageRole

        yes, no = self._model.first_token_logprobs([ChatMessage(role=MessageRole.USER, content=prompt)], CHOICES)
        return yes - no

    def yes(self, request: Request, found: Sequence[ClaimEvidence], rules: str | None) -> float:
        """The stacked P(yes) with `NEWSBOT_READER_YES_NO`; else the scorer's, which only confirms the claim
        checks (`originates` follows the setting)."""
        scorer = self._scorer.yes(request, found, rules)
        if not self.originates:
            return scorer
        margin = self.margin(request.question, found)
        if margin is None:
            return scorer
        request.notes["yes_margin"] = round(margin, 3)
        return self._calibration.yes.probability(margin, scorer)
