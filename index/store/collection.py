"""The vector store: one Chroma collection plus the checks and bookkeeping newsbot needs around it.

Chroma is the source of truth for what is indexed (see `index.store.schema`). The collection's metadata
records the embedder (checked on open) and a `generation` that changes on every write, so readers know
when their keyword index is stale.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from functools import cached_property, partial
from typing import Any, TypeVar

import numpy as np

from index.errors import StoreError
from index.models import Chunk
from index.settings import IndexSettings
from index.store import changes
from index.store.connection import connect, describe, is_connection_error, is_slow_request, server_down, with_retries
from index.store.lease import LeaseHolder, WriteLease
from index.store.members import Members, members_name
from index.store.schema import WRITING, chunk_metadata, stored_chunk

T = TypeVar("T")
READ_PAGE = 5000


class Store:
    """One Chroma collection plus the checks and bookkeeping newsbot needs around it."""

    def __init__(
        self, settings: IndexSettings, embedder_name: str, embedder_dim: int, *, create: bool, read_only: bool = False
    ) -> None:
        self.settings = settings
        self.embedder_name = embedder_name
        self.location = describe(settings)
        self._client = connect(settings, read_only=read_only and not create)
        self.collection = self._open_collection(create, embedder_name, embedder_dim)
        self._lease: WriteLease | None = None
        self._pending_seq = 0
        self.members = Members(self._client, settings.collection, self._call)
        """Copies that joined a story (`index.store.members`): never embedded, never queried by vector."""

    @cached_property
    def vector_store(self) -> Any:
        """LlamaIndex's ChromaVectorStore, for writes; imported on first use so queries don't pay for it."""
        from llama_index.vector_stores.chroma import ChromaVectorStore

        return ChromaVectorStore(chroma_collection=self.collection)

    def _call(self, what: str, call: Callable[[], T]) -> T:
        """One Chroma call: retried while a server is away, then a StoreError that says where to look."""
        try:
            return with_retries(what, call) if self.settings.chroma_host else call()
        except Exception as exc:
            if self.settings.chroma_host and is_slow_request(exc):
                raise StoreError(
                    f"the Chroma server at {self.settings.chroma_host}:{self.settings.chroma_port} did not answer "
                    f"within {self.settings.chroma_timeout_s:g} s (NEWSBOT_CHROMA_TIMEOUT) to {what}: is it hung or "
                    "stopped? an interrupted ingest resumes on the next run"
                ) from exc
            if self.settings.chroma_host and is_connection_error(exc):
                raise server_down(self.settings, what, exc) from exc
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
                others = self._other_collections(name)
                held = f"; it holds {', '.join(map(repr, others))}: set NEWSBOT_COLLECTION to use one" if others else ""
                raise StoreError(
                    f"no index yet at {self.location} (collection {name!r}){held}; run `newsbot ingest PATH` first"
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

    def _other_collections(self, name: str) -> list[str]:
        """The article collections this location holds under other names (their stories' member collections
        aside), for the error that says `name` is not one: an eval's index is `eval-<hash>`, not `articles`."""
        try:
            found = self._client.list_collections()
        except Exception:
            return []
        names = {str(getattr(c, "name", c)) for c in found}
        return sorted(names - {name} - {members_name(n) for n in names})

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

    def begin_write(self, wait_s: float = 0.0, touched: Iterable[str] = ()) -> int:
        """Mark the collection as being written, so a crash leaves a visible trace; returns the write's seq.

        `touched` are the articles whose chunks this write may delete: they go into the change log
        (`index.store.changes`) before anything is deleted. On a server, take the write lease first if
        `write_lease` did not already.
        """
        if self.settings.chroma_host:
            if self._lease is None:
                self._lease = WriteLease(self.metadata, self._set_metadata, self.location)
                self._lease.acquire(wait_s)
            else:
                self._lease.renew()
        metadata = self.metadata()
        self._pending_seq, pending = changes.begin(metadata, touched, metadata.get("state") == WRITING)
        self._set_metadata(state=WRITING, **pending)
        return self._pending_seq

    def end_write(self) -> str:
        generation = uuid.uuid4().hex
        released: dict[str, Any] = {}
        if self._lease is not None:
            self._lease.check()
            released = self._lease.released()
            self._lease = None
        published = changes.end(self.metadata())
        self._set_metadata(state="clean", generation=generation, **published, **released)
        self._pending_seq = 0
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

    def changes_since(self, after: int, metadata: dict[str, Any] | None = None) -> changes.Changes | None:
        """What the published writes after seq `after` touched, or None when only a full scan can tell."""
        return changes.changes_since(self.metadata() if metadata is None else metadata, after)

    # -- reads and writes -------------------------------------------------------------------------

    def count(self) -> int:
        return int(self._call("count", self.collection.count))

    def scan(
        self, include_documents: bool = True, where: dict[str, Any] | None = None
    ) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """Every (id, document, metadata) in the collection (or those `where` selects), paged."""
        include = ["metadatas", "documents"] if include_documents else ["metadatas"]
        offset = 0
        while True:
            get = partial(self.collection.get, where=where, include=include, limit=READ_PAGE, offset=offset)
            page = self._call("scan", get)
            ids = page["ids"]
            if not ids:
                return
            documents = page.get("documents") or [""] * len(ids)
            yield from zip(ids, documents, page["metadatas"], strict=True)
            offset += len(ids)

    def scan_written(self, after: int, upto: int) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """The chunks written by the writes with seq in (after, upto]."""
        where = {"$and": [{changes.SEQ: {"$gt": after}}, {changes.SEQ: {"$lte": upto}}]}
        return self.scan(where=where)

    @property
    def pending_seq(self) -> int:
        """The seq of the write in progress (0 outside one)."""
        return self._pending_seq

    def add(
        self,
        chunks: Sequence[Chunk],
        vectors: np.ndarray,
        bookkeeping: Sequence[tuple[str, int, str]],
        extras: Sequence[dict[str, Any]] | None = None,
    ) -> None:
        """Write chunks through LlamaIndex's ChromaVectorStore; `ref_doc_id` is the article id.

        `extras` are further flat metadata per chunk (the story signature, the member flag). A retried add
        may repeat one the server already applied; chunk ids are fixed, so that is harmless.
        """
        from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode

        self._renew_lease()
        nodes = []
        extras = extras or [{}] * len(chunks)
        rows = zip(chunks, vectors, bookkeeping, extras, strict=True)
        for chunk, vector, (content_hash, n_chunks, source_path), extra in rows:
            metadata = chunk_metadata(chunk, content_hash, n_chunks, source_path, self._pending_seq)
            node = TextNode(
                id_=chunk.id,
                text=chunk.text,
                embedding=vector.tolist(),
                metadata={**metadata, **extra},
                excluded_embed_metadata_keys=[],
            )
            node.relationships[NodeRelationship.SOURCE] = RelatedNodeInfo(node_id=chunk.article_id)
            nodes.append(node)
        self._call("add chunks", lambda: self.vector_store.add(nodes))

    def update_metadata(self, updates: dict[str, dict[str, Any]]) -> None:
        """Replace the metadata of existing chunks (id → whole metadata) without touching their vectors."""
        self._renew_lease()
        items = sorted(updates.items())
        for start in range(0, len(items), READ_PAGE):
            batch = items[start : start + READ_PAGE]
            ids, metadatas = [i for i, _ in batch], [m for _, m in batch]
            self._call("update metadata", lambda ids=ids, m=metadatas: self.collection.update(ids=ids, metadatas=m))

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
