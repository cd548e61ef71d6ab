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


def open_store(settings: IndexSettings, embedder: Embedder, *, create: bool) -> Store:
    """The collection `settings` name, checked against `embedder`; `create` makes it on first ingest."""
    return Store(settings, embedder.name, embedder.dim, create=create)
