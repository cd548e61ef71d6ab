"""Reading an embedded Chroma store without chromadb's Python client, for processes that only read.

`chromadb.PersistentClient` is a Python layer (validation, telemetry, pydantic models, every embedding
function's module, OpenTelemetry's gRPC exporter) over Chroma's Rust engine, `chromadb_rust_bindings`.
Importing that layer takes ~1 s of CPU, a third of a cold `newsbot ask`; the engine takes ~0.05 s. A
process that only reads (one `newsbot ask`) asks the engine directly, with the arguments
`chromadb.api.rust.RustBindingsAPI` gives it, so it reads the same files the same way: the same ids,
distances, documents and metadata (`tests/index/test_store_embedded.py` compares the two clients).

Only the calls `Store` and `Members` make to read are here; a write is a bug and says so. A process that
writes opens the full client (`read_only=False`): two engines on one path in one process would each keep
their own caches of the same files.
"""

from __future__ import annotations

import json
import resource
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from index.errors import StoreError

TENANT = "default_tenant"
DATABASE = "default_database"
"""chromadb's DEFAULT_TENANT and DEFAULT_DATABASE, where `PersistentClient` keeps every collection."""
MIGRATIONS = "apply"
MIGRATIONS_HASH = "md5"
"""chromadb's defaults for `Settings.migrations` and `Settings.migrations_hash_algorithm` (a test checks)."""


@cache
def _engine(path: str) -> Any:
    """One engine per path and process, as chromadb's `SharedSystemClient` keeps one system per path."""
    import chromadb_rust_bindings as rust

    config = rust.SqliteDBConfig(
        hash_type=rust.MigrationHash.MD5,  # MIGRATIONS_HASH
        migration_mode=rust.MigrationMode.Apply,  # MIGRATIONS
        url=f"{path}/chroma.sqlite3",
    )
    # RustBindingsAPI's cache size: each HNSW index holds 4 data files and a metadata file open.
    files = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    return rust.Bindings(allow_reset=False, sqlite_db_config=config, persist_path=path, hnsw_cache_size=files // 5)


class ReadOnlyClient:
    """The part of chromadb's client API a read-only `Store` uses: `get_collection`."""

    def __init__(self, path: Path) -> None:
        self._engine = _engine(str(path))

    def get_collection(self, name: str, embedding_function: Any = None) -> ReadOnlyCollection:
        """The collection, or LookupError when there is none (the engine's own error for a missing one is
        chromadb's `NotFoundError`, whose import loads the Python client this module exists to avoid: a
        store without wire copies has no members collection, and every `ask` looks for it)."""
        if name not in self.list_collections():
            raise LookupError(f"no collection {name!r}")
        return ReadOnlyCollection(self._engine, self._engine.get_collection(name, TENANT, DATABASE))

    def get_or_create_collection(self, name: str, **_: Any) -> ReadOnlyCollection:
        raise StoreError(f"the store was opened read-only: cannot create collection {name!r}")

    def list_collections(self) -> list[str]:
        """The names of the collections the store holds (chromadb's client returns collections with a `name`)."""
        return [str(c.name) for c in self._engine.list_collections(None, 0, TENANT, DATABASE)]


class ReadOnlyCollection:
    """The reads of `chromadb.Collection` that `Store` and `Members` make, returning the same shapes."""

    def __init__(self, engine: Any, record: Any) -> None:
        self._engine = engine
        self.id = str(record.id)
        self.name = str(record.name)
        self.metadata: dict[str, Any] | None = record.metadata

    def count(self) -> int:
        return int(self._engine.count(self.id, TENANT, DATABASE))

    def get(
        self,
        ids: Sequence[str] | None = None,
        where: dict[str, Any] | None = None,
        limit: int | None = None,
        offset: int | None = None,
        include: Sequence[str] = ("metadatas", "documents"),
    ) -> dict[str, Any]:
        found = self._engine.get(
            self.id,
            list(ids) if ids is not None else None,
            json.dumps(where) if where else None,
            limit,
            offset or 0,
            None,
            list(include),
            TENANT,
            DATABASE,
        )
        return {"ids": found.ids, "documents": found.documents, "metadatas": found.metadatas}

    def query(
        self,
        query_embeddings: Sequence[Sequence[float]],
        n_results: int = 10,
        where: dict[str, Any] | None = None,
        include: Sequence[str] = ("metadatas", "documents", "distances"),
    ) -> dict[str, Any]:
        vectors = [np.asarray(v, dtype=np.float32) for v in query_embeddings]
        found = self._engine.query(
            self.id,
            None,
            vectors,
            n_results,
            json.dumps(where) if where else None,
            None,
            list(include),
            TENANT,
            DATABASE,
        )
        return {
            "ids": found.ids,
            "documents": found.documents,
            "metadatas": found.metadatas,
            "distances": found.distances,
        }

    def _write(self, *_: Any, **__: Any) -> None:
        raise StoreError(f"the store was opened read-only: collection {self.name!r} cannot be written")

    add = update = upsert = delete = modify = _write
