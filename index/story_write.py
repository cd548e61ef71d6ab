"""Writing the copies of a story: chunks of the sentences a copy adds, and repairs after a killed write.

A copy that joined a story is embedded only where it adds sentences (`chunk_spans` over the runs
`index.stories.novel_spans` found). A copy a killed write left half-written is redone from its members
record, which holds its whole text; a record whose copy a killed promotion already made a first copy
is dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from index.chunk import chunk_article
from index.embed import Embedder
from index.manifest import IndexedArticle
from index.models import Article, Chunk
from index.store import Store
from index.story_plan import StoryPlan


def member_batches(
    plan: StoryPlan,
    embedder: Embedder,
    batch_chunks: int,
    stamp: Callable[[Chunk, StoryPlan], Chunk],
    *,
    recopied: bool = False,
) -> Iterable[list[tuple[Article, list[Chunk]]]]:
    """Copies that joined a story: only the runs of sentences they add are chunked (and then embedded). With
    `recopied`, only the copies planned again because their first copy was edited; else only the others."""
    batch: list[tuple[Article, list[Chunk]]] = []
    size = 0
    again = set(plan.recopied)
    for record, spans in plan.members:
        if (record.article.id in again) != recopied:
            continue
        chunks = [stamp(c, plan) for c in chunk_spans(record.article, spans, embedder)]
        batch.append((record.article, chunks))
        size += max(len(chunks), 1)
        if size >= batch_chunks:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def chunk_spans(article: Article, spans: list[tuple[int, int]], embedder: Embedder) -> list[Chunk]:
    """Chunks of the given runs of an article's text, numbered 0.. and offset into the whole text."""
    chunks: list[Chunk] = []
    for start, end in spans:
        part = replace(article, text=article.text[start:end])
        for chunk in chunk_article(part, embedder):
            chunks.append(replace(chunk, n=len(chunks), start=chunk.start + start, end=chunk.end + start))
    return chunks


def redo_from_records(store: Store, article_ids: list[str]) -> list[Article]:
    return [record.article for record in store.members.get(article_ids).values()]


def drop_stale_records(store: Store, indexed: dict[str, IndexedArticle]) -> None:
    """Records of copies that a killed write had already promoted to first copies."""
    stale = [r.article.id for r in store.members.scan() if not indexed.get(r.article.id, _NONE).member]
    store.members.delete(stale)


_NONE = IndexedArticle("", 0, "", member=True)
