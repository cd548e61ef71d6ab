"""Answer backends behind one factory, dispatched on the backend `NEWSBOT_LLM` names (parsed in settings)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from bot.core.models import Answer, Turn
from bot.core.request import Request
from bot.core.settings import CoreSettings
from index.embed import Embedder


class Answerer(Protocol):
    """Turns a request (question, understanding, retrieved hits) into an Answer; condenses follow-ups."""

    name: str

    def answer(self, request: Request) -> Answer: ...

    def condense(self, history: Sequence[Turn], question: str) -> str: ...


def _extractive(settings: CoreSettings, embedder: Embedder) -> Answerer:
    from bot.core.answer.extractive import ExtractiveAnswerer
    from bot.core.read.factory import make_reader

    reader = make_reader(settings.answer, access=settings.openai, embedder=embedder.name)
    return ExtractiveAnswerer(embedder, settings.answer, reader)


def _openai(settings: CoreSettings, embedder: Embedder) -> Answerer:
    from bot.core.answer.llm import LLMAnswerer

    return LLMAnswerer(settings, embedder)


def _local(settings: CoreSettings, embedder: Embedder) -> Answerer:
    from bot.core.answer.extractive import ExtractiveAnswerer
    from bot.core.answer.judge import model_judge
    from bot.core.answer.llm import LLMAnswerer
    from bot.core.answer.local_llm import LocalLlamaLLM
    from bot.core.answer.local_model import model_path
    from bot.core.read.factory import make_reader

    answer = settings.answer
    path = model_path(answer.local_model, answer.model_dir)
    llm = LocalLlamaLLM.from_settings(path, answer)
    judge = model_judge(llm, answer)
    reader = make_reader(answer, llm, settings.openai, embedder.name)
    hybrid = ExtractiveAnswerer(embedder, answer, reader)
    return LLMAnswerer(
        settings, embedder, llm, name=f"local:{path.name}", judge=judge, extractive=hybrid, reader=reader
    )


REGISTRY: dict[str, Callable[[CoreSettings, Embedder], Answerer]] = {
    "extractive": _extractive,
    "openai": _openai,
    "local": _local,
}


def make_answerer(settings: CoreSettings, embedder: Embedder) -> Answerer:
    return REGISTRY[settings.backend.kind](settings, embedder)


__all__ = ["Answerer", "make_answerer"]
