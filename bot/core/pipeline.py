"""The chain every front end calls: condense → retrieve → understand → expand → answer, timed, returning one Answer."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from functools import cached_property

from bot.core import plan
from bot.core.answer import Answerer, make_answerer
from bot.core.errors import QuestionError
from bot.core.models import Answer, Hit, Turn
from bot.core.retrieve import Filters, HybridRetriever
from bot.core.settings import CoreSettings
from bot.core.understand.question import Reader, Understanding
from index.catalog import catalog_for
from index.embed import Embedder, make_embedder
from index.store import Store, open_store

__all__ = ["Filters", "Pipeline", "QuestionError"]

READER_CHECK_S = 2.0


class Pipeline:
    """Built once per process and shared: the store, embedder and answerer are loaded lazily."""

    def __init__(
        self, settings: CoreSettings, *, embedder: Embedder | None = None, answerer: Answerer | None = None
    ) -> None:
        self.settings = settings
        self._embedder = embedder
        self._answerer = answerer
        self._init_lock = threading.RLock()
        self._reader: Reader | None = None
        self._reader_checked = 0.0
        self._reader_lock = threading.Lock()

    def warm(self) -> Pipeline:
        """Load the embedder, store, keyword index and answerer now, once, under a lock.

        Servers call this before taking traffic, so concurrent first questions neither wait for nor
        race on model loading.
        """
        with self._init_lock:
            self.retriever.keyword_index()
            self.reader()
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

    def reader(self) -> Reader:
        """Question understanding against what is indexed now (re-read when an ingest changed the store)."""
        with self._reader_lock:
            now = time.monotonic()
            if self._reader is None or now - self._reader_checked >= READER_CHECK_S:
                generation = self.store.generation()
                if self._reader is None or self._reader.catalog.generation != generation:
                    self._reader = Reader(catalog_for(self.store, self.settings.index, generation))
                self._reader_checked = now
            return self._reader

    def understand(self, question: str) -> Understanding:
        return self.reader().understand(question)

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
        top_k = top_k or self.settings.answer.top_k
        hits = self.retriever.retrieve(standalone, top_k, filters)
        retrieved = time.perf_counter()
        answer = self.answer_from_hits(standalone, hits, filters=filters, top_k=top_k, on_token=on_token)
        answer.question = question
        answer.standalone_question = standalone if standalone != question else None
        answer.timings_ms = {
            "retrieve": round((retrieved - started) * 1000, 2),
            **{k: v for k, v in answer.timings_ms.items() if k != "total"},
            "total": round((time.perf_counter() - started) * 1000, 2),
        }
        return answer

    def answer_from_hits(
        self,
        question: str,
        hits: list[Hit],
        *,
        filters: Filters | None = None,
        top_k: int | None = None,
        on_token: Callable[[str], None] | None = None,
    ) -> Answer:
        """Understand `question`, add the retrievals it calls for to `hits` (the general ones), and answer."""
        started = time.perf_counter()
        understanding = self.understand(question)
        explicit = filters or Filters()
        expanded = plan.expand(understanding, hits, explicit, top_k or self.settings.answer.top_k, self._retrieve)
        planned = time.perf_counter()
        answer = self.answerer.answer(question, expanded, understanding=understanding, on_token=on_token)
        answer.backend = answer.backend or self.answerer.name
        answer.understood = {**understanding.to_dict(), **answer.understood}
        answer.timings_ms = {
            "understand": round((planned - started) * 1000, 2),
            "generate": round((time.perf_counter() - planned) * 1000, 2),
        }
        return answer

    def _retrieve(self, query: str, k: int, filters: Filters) -> list[Hit]:
        return self.retriever.retrieve(query, k, filters)
