"""A conversation: the history a follow-up is condensed against. The REPL keeps one per user;
Slack rebuilds one from the thread on every message, so its workers hold no state."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.models import Answer, Turn
from bot.core.pipeline import Filters, Pipeline

MAX_TURNS = 10


class ChatSession:
    def __init__(self, pipeline: Pipeline, filters: Filters | None = None, top_k: int | None = None) -> None:
        self.pipeline = pipeline
        self.filters = filters
        self.top_k = top_k
        self.history: list[Turn] = []
        self.last_answer: Answer | None = None

    def ask(self, text: str, on_token: Callable[[str], None] | None = None) -> Answer:
        answer = self.pipeline.answer(
            text, history=self.history[-MAX_TURNS:], top_k=self.top_k, filters=self.filters, on_token=on_token
        )
        # The standalone form is what later follow-ups should build on.
        self.history.append(Turn(answer.standalone_question or answer.question, answer.answer))
        self.last_answer = answer
        return answer

    def reset(self) -> None:
        self.history.clear()
        self.last_answer = None
