"""Incremental ingest: load → chunk → embed → store, touching only what changed.

Order of writes, chosen so that a kill at any point is repaired by the next run:
1. mark the collection "writing";
2. per batch of articles: delete their old chunks, add the new ones (each chunk carries its article's
   hash and chunk count, so a half-written article is recognisable);
3. delete pruned articles;
4. mark the collection clean with a new generation and save the manifest cache.

The keyword index (SQLite FTS5, `index.keyword`) is first caught up with the store, then written through
batch by batch after the store has the chunks, and marked with the new generation at the end. After an
interrupted write it replays the store's change log for this write instead (`index.keyword_sync`), so
it never trusts what a killed run may or may not have written through.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from index.chunk import chunk_article, embedding_text
from index.embed import Embedder, make_embedder
from index.keyword import ChunkRow, KeywordIndex
from index.keyword_sync import open_keyword_index, sync_keyword_index
from index.lock import IngestLock
from index.manifest import IndexedArticle, Manifest, manifest_path
from index.models import Article, Chunk, LoadError
from index.settings import IndexSettings, OpenAISettings
from index.store import Store, open_store

log = logging.getLogger(__name__)

BATCH_CHUNKS = 256


@dataclass
class IngestReport:
    """The `ingest --json` shape (ARCHITECTURE.md, "Contracts")."""

    articles_added: int = 0
    articles_updated: int = 0
    articles_unchanged: int = 0
    articles_removed: int = 0
    chunks_added: int = 0
    chunks_removed: int = 0
    errors: list[LoadError] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["errors"] = [asdict(e) for e in self.errors]
        data["seconds"] = round(self.seconds, 3)
        return data


ProgressHook = Callable[[int, int], None]
"""Called with (articles embedded so far, articles to embed)."""


def ingest(
    inputs: Sequence[str | Path],
    settings: IndexSettings,
    *,
    openai: OpenAISettings | None = None,
    prune: bool = False,
    progress: ProgressHook | None = None,
    embedder: Embedder | None = None,
    wait_s: float = 0.0,
    batch_chunks: int = BATCH_CHUNKS,
) -> IngestReport:
    """Bring the index in line with `inputs`; see the module docstring for the crash-safe order.

    `embedder` defaults to the one `settings.embedder` names (`openai` gives its key and server).
    """
    from index.loaders import load_sources

    started = time.perf_counter()
    report = IngestReport()
    articles: dict[str, Article] = {}
    for item in load_sources(inputs, settings.load_limits, skip=settings.data_dir):
        if isinstance(item, LoadError):
            report.errors.append(item)
        elif item.id in articles and articles[item.id].content_hash == item.content_hash:
            continue  # the same article reached twice (a folder and a file in it): not an error
        elif item.id in articles:
            other = articles[item.id].source_path
            report.errors.append(
                LoadError(item.source_path, f"duplicate article id {item.id} (also in {other}); kept the first")
            )
        else:
            articles[item.id] = item
    with IngestLock(settings.data_dir, wait_s):
        embedder = embedder or make_embedder(settings, openai)
        store = open_store(settings, embedder, create=True)
        with store.write_lease(wait_s):
            manifest = Manifest.load(store, manifest_path(settings))
            keyword = open_keyword_index(settings)
            try:
                sync_keyword_index(store, keyword, verify=True)
                _apply(
                    articles,
                    inputs,
                    manifest,
                    store,
                    keyword,
                    embedder,
                    settings,
                    report,
                    prune,
                    progress,
                    batch_chunks,
                )
            finally:
                keyword.close()
    report.seconds = time.perf_counter() - started
    return report


def _apply(
    articles: dict[str, Article],
    inputs: Sequence[str | Path],
    manifest: Manifest,
    store: Store,
    keyword: KeywordIndex,
    embedder: Embedder,
    settings: IndexSettings,
    report: IngestReport,
    prune: bool,
    progress: ProgressHook | None,
    batch_chunks: int,
) -> None:
    indexed = manifest.articles
    todo: list[Article] = []
    for article in articles.values():
        known = indexed.get(article.id)
        if known is None:
            report.articles_added += 1
            todo.append(article)
        elif known.complete and known.content_hash == article.content_hash:
            report.articles_unchanged += 1
        else:
            report.articles_updated += int(known.complete)
            report.articles_added += int(not known.complete)
            todo.append(article)
    broken = [a for a, s in indexed.items() if not s.complete and a not in articles]
    removed = [a for a, s in indexed.items() if prune and a not in articles and _gone(s, inputs)]
    interrupted = store.was_interrupted()
    if not todo and not broken and not removed and not interrupted and manifest.generation:
        return
    before = keyword.seq
    touched = [a.id for a in todo if a.id in indexed]
    seq = store.begin_write(touched=[*touched, *broken, *removed])
    done = 0
    if progress:
        progress(0, len(todo))
    for batch in _batches(todo, embedder, batch_chunks):
        old_ids = [i for article, _ in batch for i in indexed.get(article.id, IndexedArticle("", 0, "")).chunk_ids]
        report.chunks_removed += len(old_ids)
        store.delete_ids(old_ids)
        chunks = [c for _, cs in batch for c in cs]
        vectors = embedder.embed([embedding_text(c) for c in chunks])
        bookkeeping = [(a.content_hash, len(cs), a.source_path) for a, cs in batch for _ in cs]
        store.add(chunks, vectors, bookkeeping)
        keyword.replace_articles([ChunkRow.from_chunk(c) for c in chunks], seq, emptied=[a.id for a, _ in batch])
        report.chunks_added += len(chunks)
        for article, cs in batch:
            indexed[article.id] = IndexedArticle(article.content_hash, len(cs), article.source_path, {c.id for c in cs})
        done += len(batch)
        if progress:
            progress(done, len(todo))
    for article_id in [*broken, *removed]:
        ids = sorted(indexed.pop(article_id).chunk_ids)
        store.delete_ids(ids)
        report.chunks_removed += len(ids)
    keyword.delete_articles([*broken, *removed], seq)
    report.articles_removed = len(removed)
    generation = store.end_write()
    if interrupted or before != seq - 1:
        sync_keyword_index(store, keyword, after=seq - 1)
    else:
        keyword.mark(generation, seq)
    Manifest(generation, indexed).save(manifest_path(settings))


def _batches(
    articles: Iterable[Article], embedder: Embedder, batch_chunks: int
) -> Iterable[list[tuple[Article, list[Chunk]]]]:
    """Whole articles per batch, so an article's old chunks are replaced in one step."""
    batch: list[tuple[Article, list[Chunk]]] = []
    size = 0
    for article in articles:
        chunks = chunk_article(article, embedder)
        batch.append((article, chunks))
        size += len(chunks)
        if size >= batch_chunks:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _gone(state: IndexedArticle, inputs: Sequence[str | Path]) -> bool:
    """Prune only what the user's inputs cover: a file under an input that no longer yields it, or gone."""
    path = state.source_path
    if not path or "://" in path:
        return any(str(i) == path for i in inputs)
    resolved = Path(path)
    if not resolved.exists():
        return True
    for item in inputs:
        root = Path(item).resolve()
        if resolved == root or root in resolved.parents:
            return True
    return False
