"""The chain every front end calls: condense → understand → retrieve → expand → answer, returning the backend's Answer.

The question becomes one `Request` before anything is retrieved; the answerer builds the `Answer` from it
(question, understanding, timings), so nothing here patches what the backend returned.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from functools import cached_property

from bot.core import plan
from bot.core.answer import Answerer, make_answerer
from bot.core.errors import QuestionError
from bot.core.models import Answer, Hit, Turn
from bot.core.request import Request
from bot.core.retrieve import Filters, HybridRetriever
from bot.core.settings import CoreSettings
from bot.core.understand.intent import OverviewIntent
from bot.core.understand.question import Understander, Understanding
from index.catalog import catalog_for
from index.embed import Embedder, make_embedder
from index.store import Store, open_store

__all__ = ["Filters", "Pipeline", "QuestionError"]

READER_CHECK_S = 2.0


class Pipeline:
    """Built once per process and shared: the store, embedder and answerer are loaded lazily."""

    def __init__(
        self,
        settings: CoreSettings,
        *,
        embedder: Embedder | None = None,
        answerer: Answerer | None = None,
        read_only: bool = False,
    ) -> None:
        """`read_only`: nothing in this process writes the store (one `newsbot ask`), so it opens read-only."""
        self.settings = settings
        self._read_only = read_only
        self._embedder = embedder
        self._answerer = answerer
        self._init_lock = threading.RLock()
        self._understander: Understander | None = None
        self._understood_at = 0.0
        self._understander_lock = threading.Lock()

    def warm(self) -> Pipeline:
        """Load the embedder, store, keyword index and answerer now, once, under a lock.

        Servers call this before taking traffic, so concurrent first questions neither wait for nor
        race on model loading.
        """
        with self._init_lock:
            self.retriever.keyword_index()
            self.understander()
            _ = self.answerer
        return self

    @cached_property
    def embedder(self) -> Embedder:
        return self._embedder or make_embedder(self.settings.index, self.settings.openai)

    @cached_property
    def intent(self) -> OverviewIntent | None:
        return OverviewIntent.load(self.embedder, self.settings.answer.overview_intent_min)

    @cached_property
    def answerer(self) -> Answerer:
        return self._answerer or make_answerer(self.settings, self.embedder)

    @cached_property
    def store(self) -> Store:
        return open_store(self.settings.index, self.embedder, create=False, read_only=self._read_only)

    @cached_property
    def retriever(self) -> HybridRetriever:
        return HybridRetriever(self.settings.index, self.store, self.embedder)

    def understander(self) -> Understander:
        """Question understanding against what is indexed now (re-read when an ingest changed the store)."""
        with self._understander_lock:
            now = time.monotonic()
            if self._understander is None or now - self._understood_at >= READER_CHECK_S:
                generation = self.store.generation()
                if self._understander is None or self._understander.catalog.generation != generation:
                    catalog = catalog_for(self.store, self.settings.index, generation)
                    self._understander = Understander(catalog, self.intent)
                self._understood_at = now
            return self._understander

    def understand(self, question: str) -> Understanding:
        return self.understander().understand(question)

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

    def request(
        self,
        question: str,
        *,
        history: Sequence[Turn] = (),
        top_k: int | None = None,
        filters: Filters | None = None,
        on_token: Callable[[str], None] | None = None,
    ) -> Request:
        """The request for `question`: checked, condensed against `history`, understood once."""
        started = time.perf_counter()
        question = self.check_question(question)
        # The user's words were checked above; a condensed question may be longer and is ours.
        standalone = self.answerer.condense(history, question) if history else question
        request = Request(
            question,
            self.understand(standalone),
            standalone=standalone,
            top_k=top_k or self.settings.answer.top_k,
            filters=filters or Filters(),
            history=tuple(history),
            on_token=on_token,
            started=started,
        )
        request.timed("understand")
        return request

    def retrieved(
        self,
        question: str,
        *,
        history: Sequence[Turn] = (),
        top_k: int | None = None,
        filters: Filters | None = None,
        on_token: Callable[[str], None] | None = None,
    ) -> Request:
        """The request understood and retrieved for (the general query, then what the understanding calls
        for): what an answerer reads, and what the fit scripts read as the answerers do."""
        request = self.request(question, history=history, top_k=top_k, filters=filters, on_token=on_token)
        return self._expanded(request, self.retriever.retrieve(request.standalone, request.top_k, request.filters))

    def answer(
        self,
        question: str,
        *,
        history: Sequence[Turn] = (),
        top_k: int | None = None,
        filters: Filters | None = None,
        on_token: Callable[[str], None] | None = None,
    ) -> Answer:
        """Understand, retrieve, and answer."""
        request = self.retrieved(question, history=history, top_k=top_k, filters=filters, on_token=on_token)
        return self.answerer.answer(request)

    def answer_from_hits(self, question: str, hits: list[Hit], *, top_k: int | None = None) -> Answer:
        """Answer `question` from `hits` retrieved elsewhere (the eval), adding what its understanding calls for."""
        return self.answerer.answer(self._expanded(self.request(question, top_k=top_k), hits))

    def _expanded(self, request: Request, hits: list[Hit]) -> Request:
        """`request` with `hits` and what its understanding adds to them (`plan.expand`)."""
        request.hits = plan.expand(request.understanding, hits, request.filters, request.top_k, self._retrieve)
        request.timed("retrieve")
        return request

    def _retrieve(self, query: str, k: int, filters: Filters) -> list[Hit]:
        return self.retriever.retrieve(query, k, filters)
