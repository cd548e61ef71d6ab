"""Answer backends behind one factory chosen by `NEWSBOT_LLM` (`extractive` | `openai:<model>`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from bot.core.models import Answer, Hit, Turn
from index.embed import Embedder
from index.settings import Settings


class Answerer(Protocol):
    """Turns a question and retrieved hits into an Answer; condenses follow-ups for retrieval."""

    name: str

    def answer(self, question: str, hits: list[Hit], *, on_token: Callable[[str], None] | None = None) -> Answer: ...

    def condense(self, history: Sequence[Turn], question: str) -> str: ...


def _extractive(_: str, __: Settings, embedder: Embedder) -> Answerer:
    from bot.core.answer.extractive import ExtractiveAnswerer

    return ExtractiveAnswerer(embedder)


def _openai(model: str, settings: Settings, _: Embedder) -> Answerer:
    from bot.core.answer.llm import LLMAnswerer

    if not model:
        raise ValueError("NEWSBOT_LLM=openai:<model> needs a model, e.g. openai:gpt-4o-mini")
    return LLMAnswerer(settings)


REGISTRY: dict[str, Callable[[str, Settings, Embedder], Answerer]] = {
    "extractive": _extractive,
    "openai": _openai,
}


def make_answerer(settings: Settings, embedder: Embedder) -> Answerer:
    kind, _, model = settings.llm.partition(":")
    if kind not in REGISTRY:
        raise ValueError(f"unknown NEWSBOT_LLM {settings.llm!r}: use extractive or openai:<model>")
    return REGISTRY[kind](model, settings, embedder)


__all__ = ["Answerer", "make_answerer"]
