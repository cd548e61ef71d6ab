"""Hybrid retrieval: dense (Chroma) and BM25 side by side, fused by reciprocal rank fusion.

Dense search finds paraphrases; BM25 finds rare names and numbers that embeddings blur. RRF needs no
score calibration between the two, and ties are broken by chunk id so results are deterministic.

Readers' feedback (`index.feedback`) is applied after fusion and before the cut: a hidden article is never
returned, every other one's fused score is multiplied by 1 + its bounded boost (recorded in `Hit.boost`).

A front end may confine every retrieval of one request (including the extra ones the plan makes with
filters of its own) with `retrieval_scope`: a context variable, so it belongs to the request's thread and
never to the shared retriever; it can also observe each retrieval's hits (Slack's progress updates).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any

from bot.core.errors import QuestionError
from bot.core.models import Hit
from index.embed import Embedder
from index.feedback import FeedbackStore, Weights
from index.keyword import KeywordIndex
from index.keyword_sync import open_keyword_index, sync_keyword_index
from index.settings import IndexSettings
from index.store import Store
from index.store.schema import MEMBER

log = logging.getLogger(__name__)

RRF_K = 60
GENERATION_CHECK_S = 2.0


@dataclass(frozen=True)
class Filters:
    """Optional limits on what may be retrieved: ISO dates (inclusive), an exact source name, and a set of
    allowed sources (a Slack channel's, say). `source` and `sources` together allow their intersection.
    `carried`: the articles whose chunks hold a story an allowed source carried only as a wire copy (a copy
    is stored as a member of its story, not embedded again); the retriever fills it in."""

    since: str | None = None
    until: str | None = None
    source: str | None = None
    sources: tuple[str, ...] = ()
    carried: tuple[str, ...] = ()

    def allowed(self) -> tuple[str, ...] | None:
        """The sources a hit may come from, or None for any."""
        if self.source and self.sources:
            return (self.source,) if self.source in self.sources else (_NOTHING,)
        if self.source:
            return (self.source,)
        return tuple(dict.fromkeys(self.sources)) or None

    def within(self, scope: Filters | None) -> Filters:
        """These filters confined to `scope`: the later `since`, the earlier `until`, the sources of both."""
        if scope is None:
            return self
        since = max(filter(None, (self.since, scope.since)), default=None)
        until = min(filter(None, (self.until, scope.until)), default=None)
        mine, theirs = self.allowed(), scope.allowed()
        if mine is None or theirs is None:
            sources = mine if theirs is None else theirs
        else:
            sources = tuple(s for s in mine if s in theirs)
        if sources is None:
            return replace(self, since=since, until=until, source=None, sources=())
        return Filters(since=since, until=until, source=None, sources=sources or (_NOTHING,))

    def chroma_where(self) -> dict[str, Any] | None:
        clauses: list[dict[str, Any]] = []
        if self.since:
            clauses.append({"date_ord": {"$gte": _ord(self.since)}})
        if self.until:
            clauses.append({"date_ord": {"$lte": _ord(self.until)}})
            clauses.append({"date_ord": {"$gt": 0}})
        allowed = self.allowed()
        if allowed is not None:
            by_source = {"source": allowed[0]} if len(allowed) == 1 else {"source": {"$in": list(allowed)}}
            if self.carried:
                by_source = {"$or": [by_source, {"article_id": {"$in": list(self.carried)}}]}
            clauses.append(by_source)
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


_NOTHING = "\x00no source\x00"
"""A source no article has: an empty intersection of allowed sources retrieves nothing."""

OnHits = Callable[[str, list[Hit]], None]


@dataclass(frozen=True)
class _Scope:
    filters: Filters | None
    on_hits: OnHits | None


_SCOPE: ContextVar[_Scope | None] = ContextVar("newsbot_retrieval_scope", default=None)


@contextmanager
def retrieval_scope(filters: Filters | None = None, on_hits: OnHits | None = None) -> Iterator[None]:
    """Confine every retrieval made inside the block (in this thread or context) to `filters`, and hand
    each one's (query, hits) to `on_hits`. Used around one request's `Pipeline.answer`."""
    token = _SCOPE.set(_Scope(filters, on_hits))
    try:
        yield
    finally:
        _SCOPE.reset(token)


def _ord(date: str) -> int:
    digits = date.replace("-", "")
    if len(digits) != 8 or not digits.isdigit():
        raise QuestionError(f"dates are YYYY-MM-DD, got {date!r}")
    return int(digits)


class HybridRetriever:
    """Dense + keyword retrieval over one store; refreshes its keyword index when the store changes."""

    def __init__(
        self, settings: IndexSettings, store: Store, embedder: Embedder, feedback: FeedbackStore | None = None
    ) -> None:
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self.feedback = feedback or FeedbackStore.for_settings(settings)
        self._keyword: KeywordIndex | None = None
        self._checked_at = 0.0
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bm25")
        self._carried: dict[tuple[str, tuple[str, ...]], tuple[str, ...]] = {}

    def keyword_index(self) -> KeywordIndex:
        """The BM25 index, caught up with the store's latest write at most every GENERATION_CHECK_S.

        An ingest on this data dir has already written it; otherwise the catch-up reads the store's change
        log and costs what the new write changed (`index.keyword_sync`).
        """
        with self._lock:
            now = time.monotonic()
            if self._keyword is not None and now - self._checked_at < GENERATION_CHECK_S:
                return self._keyword
            if self._keyword is None:
                self._keyword = open_keyword_index(self.settings)
            self._checked_at = now
            return sync_keyword_index(self.store, self._keyword)

    def retrieve(self, question: str, top_k: int, filters: Filters | None = None) -> list[Hit]:
        scope = _SCOPE.get()
        filters = (filters or Filters()).within(scope.filters if scope else None)
        hits = self._retrieve(question, top_k, self._with_copies(filters))
        if scope is not None and scope.on_hits is not None:
            try:
                scope.on_hits(question, hits)
            except Exception:
                log.debug("a retrieval observer failed", exc_info=True)
        return hits

    def _with_copies(self, filters: Filters) -> Filters:
        """`filters` that also let through the stories an allowed source carried only as a copy: "according
        to Paper B" finds the wire story Paper B ran, whose sentences are stored once, under the first copy
        (an edited copy's added sentences are Paper B's own chunks and pass by source anyway). Looked up
        once per index generation and set of sources."""
        allowed = filters.allowed()
        if allowed is None or allowed == (_NOTHING,) or filters.carried:
            return filters
        key = (self.keyword_index().generation or "", allowed)
        with self._lock:
            carried = self._carried.get(key)
        if carried is None:
            stories = sorted({m.story_id for m in self.store.members.scan(where={"source": {"$in": list(allowed)}})})
            rows = self.store.scan(False, {"story_id": {"$in": stories}}) if stories else iter(())
            # The first copies' chunks: another copy's added sentences are that outlet's, not this one's.
            carried = tuple(sorted({str(meta["article_id"]) for _, _, meta in rows if not meta.get(MEMBER)} - {""}))
            with self._lock:
                self._carried = {k: v for k, v in self._carried.items() if k[0] == key[0]} | {key: carried}
        return replace(filters, carried=carried) if carried else filters

    def _keyword_search(
        self, keyword: KeywordIndex, question: str, k: int, filters: Filters
    ) -> list[tuple[str, float]]:
        """BM25 hits under the filters; several allowed sources (and the articles carrying their copies) are
        searched one by one and merged by score (one index, so their BM25 scores compare)."""
        since = _ord(filters.since) if filters.since else 0
        until = _ord(filters.until) if filters.until else 0
        allowed = filters.allowed()
        if allowed is None or (len(allowed) == 1 and not filters.carried):
            source = allowed[0] if allowed else None
            return keyword.search(question, k, since=since, until=until, source=source)
        merged = [hit for s in allowed for hit in keyword.search(question, k, since=since, until=until, source=s)]
        if filters.carried:
            merged += keyword.search(question, k, since=since, until=until, articles=filters.carried)
        best: dict[str, float] = {}
        for chunk_id, score in merged:
            best[chunk_id] = max(score, best.get(chunk_id, score))
        return sorted(best.items(), key=lambda item: (-item[1], item[0]))[:k]

    def _weights(self) -> Weights:
        try:
            return self.feedback.weights()
        except Exception as error:  # feedback is advice: a locked or damaged file never stops an answer
            log.warning("could not read readers' feedback (%s): answering without it", type(error).__name__)
            return Weights({}, frozenset())

    def _retrieve(self, question: str, top_k: int, filters: Filters) -> list[Hit]:
        candidates = max(top_k * 3, 20)
        keyword = self.keyword_index()
        keyword_future = self._pool.submit(self._keyword_search, keyword, question, candidates, filters)
        vector = self.embedder.embed_query(question)
        dense = self.store.query(vector, candidates, filters.chroma_where())
        keyword_hits = keyword_future.result()
        weights = self._weights()

        scores: dict[str, float] = {}
        dense_rank: dict[str, int] = {}
        keyword_rank: dict[str, int] = {}
        chunks = {}
        similarity = {}
        for rank, (chunk, sim) in enumerate(dense, start=1):
            dense_rank[chunk.id] = rank
            chunks[chunk.id] = chunk
            similarity[chunk.id] = sim
            scores[chunk.id] = scores.get(chunk.id, 0.0) + 1.0 / (RRF_K + rank)
        for rank, (chunk_id, _) in enumerate(keyword_hits, start=1):
            keyword_rank[chunk_id] = rank
            scores[chunk_id] = scores.get(chunk_id, 0.0) + 1.0 / (RRF_K + rank)
        boosts: dict[str, float] = {}
        for chunk_id in list(scores):
            article_id = _article_of(chunk_id, chunks)
            if article_id in weights.hidden:
                del scores[chunk_id]
            elif (boost := weights.boost(article_id)) != 0.0:
                boosts[chunk_id] = boost
                scores[chunk_id] *= 1.0 + boost
        ranked = sorted(scores, key=lambda i: (-scores[i], i))[:top_k]
        missing = [i for i in ranked if i not in chunks]
        if missing:
            chunks.update({c.id: c for c in self.store.get(missing)})
        return [
            Hit(chunks[i], scores[i], dense_rank.get(i), keyword_rank.get(i), similarity.get(i), boosts.get(i, 0.0))
            for i in ranked
            if i in chunks and chunks[i].article_id not in weights.hidden
        ]


def _article_of(chunk_id: str, chunks: dict[str, Any]) -> str:
    """The article of a chunk: from its metadata when dense search returned it, else from its id
    (`{article_id}:{n}`), which keyword hits carry alone."""
    chunk = chunks.get(chunk_id)
    return str(chunk.article_id) if chunk is not None else chunk_id.rsplit(":", 1)[0]
