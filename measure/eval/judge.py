"""The optional LLM judge: LlamaIndex's `CorrectnessEvaluator` with the configured LLM backend.

The extractive backend has no model to judge with, so asking for a judge then is an explained no,
never a silent skip; the deterministic metrics do not depend on it.
"""

from __future__ import annotations

from collections.abc import Callable

from llama_index.core.llms import LLM

from bot.core.models import Answer
from bot.settings import Settings
from measure.eval.dataset import Query
from measure.eval.summary import Verdict

Judge = Callable[[Query, Answer], Verdict]


class JudgeUnavailable(RuntimeError):
    """No LLM backend is configured (or it is not one the judge can use)."""


def make_judge(settings: Settings) -> Judge:
    """A function that grades one answer against the gold answers (score 1..5, passing at 4)."""
    from llama_index.core.evaluation import CorrectnessEvaluator

    evaluator = CorrectnessEvaluator(llm=_make_llm(settings))

    def judge(query: Query, answer: Answer) -> Verdict:
        try:
            result = evaluator.evaluate(
                query=query.question, response=answer.answer, reference=" / ".join(query.answers)
            )
        except Exception as error:  # a judge failure must not lose the deterministic run
            return Verdict(None, False, f"judge failed: {type(error).__name__}: {error}")
        return Verdict(result.score, bool(result.passing), result.feedback or "")

    return judge


def _make_llm(settings: Settings) -> LLM:
    """The answerer's own LLM factory, so the judge talks to the same model and server."""
    if settings.backend.kind == "extractive":
        raise JudgeUnavailable(
            "--judge needs an LLM backend; NEWSBOT_LLM is 'extractive'. Set NEWSBOT_LLM=openai:<model> "
            "(with OPENAI_API_KEY, or OPENAI_BASE_URL for a local server). The other metrics are computed."
        )
    from bot.core.answer.llm import make_llm
    from index.errors import NewsbotError

    try:
        return make_llm(settings)
    except NewsbotError as error:
        raise JudgeUnavailable(f"--judge: {error}") from error
