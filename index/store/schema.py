"""What a chunk looks like in Chroma: flat scalar metadata, and the collection-level state keys.

Every chunk carries its article's content hash, chunk count and source path, so the manifest and the
keyword index can be rebuilt from the store alone and a half-written article is recognisable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from index.models import Chunk

WRITING = "writing"
"""The collection's `state` while an ingest writes; anything else (`clean`) means the last write finished."""


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as read back from the store, with the bookkeeping fields ingest needs."""

    chunk: Chunk
    content_hash: str
    n_chunks: int
    source_path: str


def chunk_metadata(chunk: Chunk, content_hash: str, n_chunks: int, source_path: str, seq: int = 0) -> dict[str, Any]:
    """Flat scalar metadata (Chroma allows no None and no lists); `seq` is the write that added it."""
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
        "seq": seq,
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
