"""The vector store: one Chroma collection, embedded (`PersistentClient`) or a server (`HttpClient`).

Chroma is the source of truth for what is indexed. Every chunk carries its article's content hash and
chunk count, so the ingest manifest and the BM25 index can always be rebuilt from it, and a crash
between two writes is detectable (an article whose chunks disagree with its own count).
The collection's metadata records the embedder (checked on open) and a `generation` that changes on
every write, so readers know when their keyword index is stale.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import cached_property, partial
from typing import Any, TypeVar

import numpy as np

from index.lock import LeaseHolder, WriteLease
from index.models import Chunk
from index.settings import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")

WRITING = "writing"
READ_PAGE = 5000


class StoreError(RuntimeError):
    """The store cannot be used as asked; the message says what to do."""


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as read back from the store, with the bookkeeping fields ingest needs."""

    chunk: Chunk
    content_hash: str
    n_chunks: int
    source_path: str


def chunk_metadata(chunk: Chunk, content_hash: str, n_chunks: int, source_path: str) -> dict[str, Any]:
    """Flat scalar metadata (Chroma allows no None and no lists)."""
    date = chunk.date or ""
    return {
        "article_id": chunk.article_id,
        "n": chunk.n,
        "n_chunks": n_chunks,
        "start": chunk.start,
        "end": chunk.end,
        "title": chunk.title,
        "date": date,
        "date_ord": int(date.replace("-", "")) if date else 0,
        "source": chunk.source,
        "url": chunk.url,
        "author": chunk.author,
        "content_hash": content_hash,
        "source_path": source_path,
    }


def stored_chunk(document: str, meta: dict[str, Any]) -> StoredChunk:
    chunk = Chunk(
        article_id=str(meta["article_id"]),
        n=int(meta["n"]),
        text=document,
        start=int(meta["start"]),
        end=int(meta["end"]),
        title=str(meta.get("title", "")),
        date=str(meta.get("date") or "") or None,
        source=str(meta.get("source", "")),
        url=str(meta.get("url", "")),
        author=str(meta.get("author", "")),
    )
    return StoredChunk(chunk, str(meta["content_hash"]), int(meta["n_chunks"]), str(meta.get("source_path", "")))


RETRY_DELAYS_S = (0.5, 1.0, 2.0, 4.0)
"""Waits between attempts against a Chroma server: 5 attempts within ~7.5 s, enough for a restart."""
CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 120.0
"""Chroma's HTTP client waits forever by default; a hung server must not hang a worker."""
_CONNECTION_WORDS = (
    "connect",
    "timeout",
    "timed out",
    "unavailable",
    "refused",
    "reset by peer",
    "broken pipe",
    "readerror",
    "writeerror",
    "remoteprotocolerror",
    "502",
    "503",
    "504",
)


def _with_retries(what: str, call: Callable[[], T], delays: Sequence[float] = RETRY_DELAYS_S) -> T:
    """Bounded retries for a Chroma server that is briefly away; other errors are raised at once."""
    for attempt, delay in enumerate([*delays, None], start=1):
        try:
            return call()
        except Exception as exc:
            if delay is None or not _is_connection_error(exc) or _is_slow_request(exc):
                raise
            log.warning("chroma %s failed (%s); retry %d/%d in %.1fs", what, exc, attempt, len(delays), delay)
            time.sleep(delay)
    raise AssertionError("unreachable")


def _is_connection_error(exc: Exception) -> bool:
    text = f"{type(exc).__name__} {exc}".lower()
    return any(word in text for word in _CONNECTION_WORDS)


def _is_slow_request(exc: Exception) -> bool:
    """A request the server accepted but did not answer in READ_TIMEOUT_S: retrying would multiply the wait."""
    return type(exc).__name__ in {"ReadTimeout", "WriteTimeout"}


def _server_down(settings: Settings, what: str, exc: Exception) -> StoreError:
    return StoreError(
        f"cannot reach the Chroma server at {settings.chroma_host}:{settings.chroma_port} to {what} after "
        f"{len(RETRY_DELAYS_S) + 1} attempts ({exc}); is `chroma run` up? check CHROMA_HOST / CHROMA_PORT"
    )


class Store:
    """One Chroma collection plus the checks and bookkeeping newsbot needs around it."""

    def __init__(self, settings: Settings, embedder_name: str, embedder_dim: int, *, create: bool) -> None:
        self.settings = settings
        self.embedder_name = embedder_name
        self.location = self._describe(settings)
        self._client = self._connect(settings)
        self.collection = self._open_collection(create, embedder_name, embedder_dim)
        self._lease: WriteLease | None = None

    @cached_property
    def vector_store(self) -> Any:
        """LlamaIndex's ChromaVectorStore, for writes; imported on first use so queries don't pay for it."""
        from llama_index.vector_stores.chroma import ChromaVectorStore

        return ChromaVectorStore(chroma_collection=self.collection)

    @staticmethod
    def _describe(settings: Settings) -> str:
        if settings.chroma_host:
            return f"chroma server http://{settings.chroma_host}:{settings.chroma_port}"
        return str((settings.data_dir / "chroma").resolve())

    @staticmethod
    def _connect(settings: Settings) -> Any:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        if settings.chroma_host:
            try:
                client = _with_retries(
                    "connect",
                    lambda: chromadb.HttpClient(
                        host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
                    ),
                )
            except Exception as exc:
                raise _server_down(settings, "connect", exc) from exc
            _set_http_timeouts(client)
            return client
        path = settings.data_dir / "chroma"
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)

    def _call(self, what: str, call: Callable[[], T]) -> T:
        """One Chroma call: retried while a server is away, then a StoreError that says where to look."""
        try:
            return _with_retries(what, call) if self.settings.chroma_host else call()
        except Exception as exc:
            if self.settings.chroma_host and _is_connection_error(exc):
                raise _server_down(self.settings, what, exc) from exc
            raise

    def _open_collection(self, create: bool, embedder_name: str, embedder_dim: int) -> Any:
        name = self.settings.collection
        try:
            collection = self._call(
                "open the collection", lambda: self._client.get_collection(name, embedding_function=None)
            )
        except StoreError:
            raise
        except Exception as exc:
            if not create:
                raise StoreError(
                    f"no index yet at {self.location} (collection {name!r}); run `newsbot ingest PATH` first"
                ) from exc
            metadata = {"hnsw:space": "cosine", "embedder": embedder_name, "dim": embedder_dim}
            collection = self._call(
                "create the collection",
                lambda: self._client.get_or_create_collection(name, metadata=metadata, embedding_function=None),
            )
        recorded = (collection.metadata or {}).get("embedder")
        if recorded and recorded != embedder_name:
            raise StoreError(
                f"the index at {self.location} was built with embedder {recorded!r} "
                f"({(collection.metadata or {}).get('dim')} dims) but NEWSBOT_EMBEDDER gives {embedder_name!r}; "
                f"re-ingest with NEWSBOT_EMBEDDER={recorded.split(':')[0]} or use another --data-dir"
            )
        return collection

    # -- collection state -------------------------------------------------------------------------

    def metadata(self) -> dict[str, Any]:
        fresh = self._call(
            "read metadata", lambda: self._client.get_collection(self.settings.collection, embedding_function=None)
        )
        return dict(fresh.metadata or {})

    def generation(self) -> str:
        return str(self.metadata().get("generation", ""))

    def _set_metadata(self, **values: Any) -> None:
        metadata = {k: v for k, v in self.metadata().items() if not k.startswith("hnsw:")}
        metadata.update(values)
        self._call("write metadata", lambda: self.collection.modify(metadata=metadata))

    @contextmanager
    def write_lease(self, wait_s: float = 0.0) -> Iterator[None]:
        """Hold the server-side write lease around a whole ingest, planning included (no-op when embedded).

        Ingests on other machines do not share our flock; with the lease taken before the manifest is
        read, a plan can never be made from a generation that another writer is about to replace.
        """
        if self.settings.chroma_host and self._lease is None:
            lease = WriteLease(self.metadata, self._set_metadata, self.location)
            lease.acquire(wait_s)
            self._lease = lease
        try:
            yield
        except BaseException:
            with suppress(Exception):
                self._release_lease()
            raise
        self._release_lease()

    def begin_write(self, wait_s: float = 0.0) -> None:
        """Mark the collection as being written, so a crash leaves a visible trace.

        On a server, take the write lease first if `write_lease` did not already.
        """
        if self.settings.chroma_host:
            if self._lease is None:
                self._lease = WriteLease(self.metadata, self._set_metadata, self.location)
                self._lease.acquire(wait_s)
            else:
                self._lease.renew()
        self._set_metadata(state=WRITING)

    def end_write(self) -> str:
        generation = uuid.uuid4().hex
        released: dict[str, Any] = {}
        if self._lease is not None:
            self._lease.check()
            released = self._lease.released()
            self._lease = None
        self._set_metadata(state="clean", generation=generation, **released)
        return generation

    def _release_lease(self) -> None:
        """Free our lease; one another writer has taken over (ours expired) is left alone."""
        lease, self._lease = self._lease, None
        if lease is None:
            return
        holder = LeaseHolder.from_metadata(self.metadata())
        if holder is not None and holder.token == lease.token:
            self._set_metadata(**lease.released())

    def _renew_lease(self) -> None:
        if self._lease is not None:
            self._lease.renew()

    def was_interrupted(self) -> bool:
        return self.metadata().get("state") == WRITING

    # -- reads and writes -------------------------------------------------------------------------

    def count(self) -> int:
        return int(self._call("count", self.collection.count))

    def scan(self, include_documents: bool = True) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """Every (id, document, metadata) in the collection, paged."""
        include = ["metadatas", "documents"] if include_documents else ["metadatas"]
        offset = 0
        while True:
            page = self._call("scan", partial(self.collection.get, include=include, limit=READ_PAGE, offset=offset))
            ids = page["ids"]
            if not ids:
                return
            documents = page.get("documents") or [""] * len(ids)
            yield from zip(ids, documents, page["metadatas"], strict=True)
            offset += len(ids)

    def add(self, chunks: Sequence[Chunk], vectors: np.ndarray, bookkeeping: Sequence[tuple[str, int, str]]) -> None:
        """Write chunks through LlamaIndex's ChromaVectorStore; `ref_doc_id` is the article id.

        A retried add may repeat one the server already applied; chunk ids are fixed, so that is harmless.
        """
        from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode

        self._renew_lease()
        nodes = []
        for chunk, vector, (content_hash, n_chunks, source_path) in zip(chunks, vectors, bookkeeping, strict=True):
            node = TextNode(
                id_=chunk.id,
                text=chunk.text,
                embedding=vector.tolist(),
                metadata=chunk_metadata(chunk, content_hash, n_chunks, source_path),
                excluded_embed_metadata_keys=[],
            )
            node.relationships[NodeRelationship.SOURCE] = RelatedNodeInfo(node_id=chunk.article_id)
            nodes.append(node)
        self._call("add chunks", lambda: self.vector_store.add(nodes))

    def delete_ids(self, ids: Sequence[str]) -> None:
        self._renew_lease()
        for start in range(0, len(ids), READ_PAGE):
            batch = list(ids[start : start + READ_PAGE])
            self._call("delete chunks", lambda batch=batch: self.collection.delete(ids=batch))

    def get(self, ids: Sequence[str]) -> list[Chunk]:
        page = self._call("get", lambda: self.collection.get(ids=list(ids), include=["metadatas", "documents"]))
        found = {
            i: stored_chunk(d, m).chunk
            for i, d, m in zip(page["ids"], page["documents"], page["metadatas"], strict=True)
        }
        return [found[i] for i in ids if i in found]

    def query(self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None) -> list[tuple[Chunk, float]]:
        """Nearest chunks with their cosine similarity (fewer when the collection holds fewer than k)."""
        result = self._call(
            "query",
            lambda: self.collection.query(
                query_embeddings=[vector.tolist()],
                n_results=k,
                where=where or None,
                include=["metadatas", "documents", "distances"],
            ),
        )
        return [
            (stored_chunk(d, m).chunk, 1.0 - float(dist))
            for d, m, dist in zip(result["documents"][0], result["metadatas"][0], result["distances"][0], strict=True)
        ]


def _set_http_timeouts(client: Any) -> None:
    """Bound every request to a Chroma server (the client's default is to wait forever)."""
    import httpx

    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = httpx.Timeout(READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S)
