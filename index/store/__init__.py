"""The store: one Chroma collection (embedded or a server), its chunk schema and its write lease.

`open_store` is the one way to get a `Store`; every caller goes through it.
"""

from __future__ import annotations

from index.embed.base import Embedder
from index.errors import StoreError
from index.settings import IndexSettings
from index.store.collection import Store
from index.store.schema import WRITING, StoredChunk

__all__ = ["WRITING", "Store", "StoreError", "StoredChunk", "open_store"]


def open_store(settings: IndexSettings, embedder: Embedder, *, create: bool, read_only: bool = False) -> Store:
    """The collection `settings` name, checked against `embedder`; `create` makes it on first ingest.

    `read_only` is for a process that never writes the store (one `newsbot ask`): an embedded store is then
    read without chromadb's Python client, whose import is most of a cold start (`index.store.embedded`).
    """
    return Store(settings, embedder.name, embedder.dim, create=create, read_only=read_only)
