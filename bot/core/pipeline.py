"""The chain every front end calls: condense → retrieve → answer, timed, returning one Answer."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from functools import cached_property

from bot.core.answer import Answerer, make_answerer
from bot.core.errors import QuestionError
from bot.core.models import Answer, Hit, Turn
from bot.core.retrieve import Filters, HybridRetriever
from bot.core.settings import CoreSettings
from index.embed import Embedder, make_embedder
from index.store import Store, open_store

__all__ = ["Filters", "Pipeline", "QuestionError"]


class Pipeline:
    """Built once per process and shared: the store, embedder and answerer are loaded lazily."""

    def __init__(
        self, settings: CoreSettings, *, embedder: Embedder | None = None, answerer: Answerer | None = None
    ) -> None:
        self.settings = settings
        self._embedder = embedder
        self._answerer = answerer
        self._init_lock = threading.RLock()

    def warm(self) -> Pipeline:
        """Load the embedder, store, keyword index and answerer now, once, under a lock.

        Servers call this before taking traffic, so concurrent first questions neither wait for nor
        race on model loading.
        """
        with self._init_lock:
            self.retriever.keyword_index()
            _ = self.answerer
        return self

    @cached_property
    def embedder(self) -> Embedder:
        return self._embedder or make_embedder(self.settings.index, self.settings.openai)

    @cached_property
    def answerer(self) -> Answerer:
        return self._answerer or make_answerer(self.settings, self.embedder)

    @cached_property
    def store(self) -> Store:
        return open_store(self.settings.index, self.embedder, create=False)

    @cached_property
    def retriever(self) -> HybridRetriever:
        return HybridRetriever(self.settings.index, self.store, self.embedder)

    def check_question(self, question: str) -> str:
        question = question.strip()
        if not question:
            raise QuestionError("the question is empty")
        limit = self.settings.answer.max_question_chars
        if len(question) > limit:
            raise QuestionError(
                f"the question is {len(question)} characters; the limit is {limit} (NEWSBOT_MAX_QUESTION_CHARS)"
            )
        return question

    def retrieve(self, question: str, *, top_k: int | None = None, filters: Filters | None = None) -> list[Hit]:
        return self.retriever.retrieve(self.check_question(question), top_k or self.settings.answer.top_k, filters)

    def answer(
        self,
        question: str,
        *,
        history: Sequence[Turn] = (),
        top_k: int | None = None,
        filters: Filters | None = None,
        on_token: Callable[[str], None] | None = None,
    ) -> Answer:
        started = time.perf_counter()
        question = self.check_question(question)
        standalone = self.answerer.condense(history, question) if history else question
        # The user's words were checked above; a condensed question may be longer and is ours.
        hits = self.retriever.retrieve(standalone, top_k or self.settings.answer.top_k, filters)
        retrieved = time.perf_counter()
        answer = self.answer_from_hits(standalone, hits, on_token=on_token)
        answer.question = question
        answer.standalone_question = standalone if standalone != question else None
        answer.timings_ms = {
            "retrieve": round((retrieved - started) * 1000, 2),
            "generate": answer.timings_ms.get("generate", 0.0),
            "total": round((time.perf_counter() - started) * 1000, 2),
        }
        return answer

    def answer_from_hits(
        self, question: str, hits: list[Hit], *, on_token: Callable[[str], None] | None = None
    ) -> Answer:
        started = time.perf_counter()
        answer = self.answerer.answer(question, hits, on_token=on_token)
        answer.backend = answer.backend or self.answerer.name
        answer.timings_ms = {"generate": round((time.perf_counter() - started) * 1000, 2)}
        return answer
