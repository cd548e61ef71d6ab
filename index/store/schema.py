"""What a chunk looks like in Chroma: flat scalar metadata, and the collection-level state keys.

Every chunk carries its article's content hash, chunk count and source path, so the manifest and the
keyword index can be rebuilt from the store alone and a half-written article is recognisable.

Stories (`index.stories`): every chunk carries its `story_id` and `also_in` (the other outlets carrying
the story, a JSON list in one string: Chroma metadata holds scalars only). Chunk 0 of a story's first
copy also carries that copy's MinHash `signature`. A copy that joined a story is not embedded again: it
is one record in the members collection (`MemberRecord`, its full text as the document, so it can be
promoted when the first copy goes), plus chunks of the sentences it adds, flagged `member`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from index.models import Article, Chunk

WRITING = "writing"
"""The collection's `state` while an ingest writes; anything else (`clean`) means the last write finished."""


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as read back from the store, with the bookkeeping fields ingest needs."""

    chunk: Chunk
    content_hash: str
    n_chunks: int
    source_path: str


STORY_ID = "story_id"
ALSO_IN = "also_in"
MEMBER = "member"
SIGNATURE = "signature"


def dump_also_in(outlets: tuple[str, ...] | list[str]) -> str:
    return json.dumps(sorted(set(outlets)), ensure_ascii=False) if outlets else ""


def load_also_in(value: Any) -> tuple[str, ...]:
    try:
        parsed = json.loads(value) if value else []
    except (TypeError, ValueError):
        return ()
    return tuple(str(v) for v in parsed) if isinstance(parsed, list) else ()


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
        STORY_ID: chunk.story_id or "",
        ALSO_IN: dump_also_in(chunk.also_in),
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
        story_id=str(meta.get(STORY_ID) or "") or None,
        also_in=load_also_in(meta.get(ALSO_IN)),
    )
    return StoredChunk(chunk, str(meta["content_hash"]), int(meta["n_chunks"]), str(meta.get("source_path", "")))


@dataclass(frozen=True)
class MemberRecord:
    """A copy that joined a story: the article (full text kept for promotion), its story and first copy.

    `n_chunks` counts the chunks of the sentences it adds (flagged `member` in the main collection).
    """

    article: Article
    story_id: str
    first_id: str
    similarity: float
    n_chunks: int

    def metadata(self, seq: int = 0) -> dict[str, Any]:
        a = self.article
        date = a.date or ""
        return {
            "article_id": a.id,
            STORY_ID: self.story_id,
            "first_id": self.first_id,
            "similarity": round(self.similarity, 4),
            "n_chunks": self.n_chunks,
            "title": a.title,
            "date": date,
            "date_ord": int(date.replace("-", "")) if date else 0,
            "source": a.source,
            "url": a.url,
            "author": a.author,
            "content_hash": a.content_hash,
            "source_path": a.source_path,
            "seq": seq,
        }

    @classmethod
    def from_store(cls, document: str, meta: dict[str, Any]) -> MemberRecord:
        article = Article(
            id=str(meta["article_id"]),
            title=str(meta.get("title", "")),
            text=document,
            date=str(meta.get("date") or "") or None,
            source=str(meta.get("source", "")),
            url=str(meta.get("url", "")),
            author=str(meta.get("author", "")),
            source_path=str(meta.get("source_path", "")),
            content_hash=str(meta.get("content_hash", "")),
        )
        return cls(
            article,
            str(meta.get(STORY_ID, "")),
            str(meta.get("first_id", "")),
            float(meta.get("similarity") or 0.0),
            int(meta.get("n_chunks") or 0),
        )
