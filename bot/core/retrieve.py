"""Hybrid retrieval: dense (Chroma) and BM25 side by side, fused by reciprocal rank fusion.

Dense search finds paraphrases; BM25 finds rare names and numbers that embeddings blur. RRF needs no
score calibration between the two, and ties are broken by chunk id so results are deterministic.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from bot.core.errors import QuestionError
from bot.core.models import Hit
from index.embed import Embedder
from index.keyword import KeywordIndex
from index.keyword_sync import open_keyword_index, sync_keyword_index
from index.settings import IndexSettings
from index.store import Store

log = logging.getLogger(__name__)

RRF_K = 60
GENERATION_CHECK_S = 2.0


@dataclass(frozen=True)
class Filters:
    """Optional limits on what may be retrieved: ISO dates (inclusive) and an exact source name."""

    since: str | None = None
    until: str | None = None
    source: str | None = None

    def chroma_where(self) -> dict[str, Any] | None:
        clauses: list[dict[str, Any]] = []
        if self.since:
            clauses.append({"date_ord": {"$gte": _ord(self.since)}})
        if self.until:
            clauses.append({"date_ord": {"$lte": _ord(self.until)}})
            clauses.append({"date_ord": {"$gt": 0}})
        if self.source:
            clauses.append({"source": self.source})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def _ord(date: str) -> int:
    digits = date.replace("-", "")
    if len(digits) != 8 or not digits.isdigit():
        raise QuestionError(f"dates are YYYY-MM-DD, got {date!r}")
    return int(digits)


class HybridRetriever:
    """Dense + keyword retrieval over one store; refreshes its keyword index when the store changes."""

    def __init__(self, settings: IndexSettings, store: Store, embedder: Embedder) -> None:
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self._keyword: KeywordIndex | None = None
        self._checked_at = 0.0
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bm25")

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
        filters = filters or Filters()
        candidates = max(top_k * 3, 20)
        keyword = self.keyword_index()
        since = _ord(filters.since) if filters.since else 0
        until = _ord(filters.until) if filters.until else 0
        keyword_future = self._pool.submit(
            keyword.search, question, candidates, since=since, until=until, source=filters.source
        )
        vector = self.embedder.embed_query(question)
        dense = self.store.query(vector, candidates, filters.chroma_where())
        keyword_hits = keyword_future.result()

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
        ranked = sorted(scores, key=lambda i: (-scores[i], i))[:top_k]
        missing = [i for i in ranked if i not in chunks]
        if missing:
            chunks.update({c.id: c for c in self.store.get(missing)})
        return [
            Hit(chunks[i], scores[i], dense_rank.get(i), keyword_rank.get(i), similarity.get(i))
            for i in ranked
            if i in chunks
        ]
