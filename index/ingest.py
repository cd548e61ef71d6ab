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
from dataclasses import asdict, dataclass, field, replace
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
from index.store.schema import MEMBER, SIGNATURE
from index.story_plan import (
    StoryPlan,
    member_stories,
    open_story_index,
    plan_stories,
    refresh_also_in,
    story_index_path,
)
from index.story_write import drop_stale_records, member_batches, redo_from_records

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
    duplicates: int = 0
    """Articles that joined a story already indexed (wire copies): stored as copies, not embedded again."""
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
    loaded: Iterable[Article | LoadError] | None = None,
) -> IngestReport:
    """Bring the index in line with `inputs`; see the module docstring for the crash-safe order.

    `embedder` defaults to the one `settings.embedder` names (`openai` gives its key and server).
    `loaded` gives articles already loaded (the feed watcher's conditional fetches) instead of `inputs`.
    """
    from index.loaders import load_sources

    started = time.perf_counter()
    report = IngestReport()
    articles: dict[str, Article] = {}
    items = load_sources(inputs, settings.load_limits, skip=settings.data_dir) if loaded is None else loaded
    for item in items:
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
    copies_before = {article_id for article_id, state in indexed.items() if state.member}
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
    # a copy half-written by a killed run is redone from its record, which holds its whole text
    todo += redo_from_records(store, [a for a in broken if indexed[a].member and a not in removed])
    broken = [a for a in broken if a not in {t.id for t in todo}]
    stories = open_story_index(store, settings, manifest.generation)
    had_copies = member_stories(store)
    plan = plan_stories(todo, indexed, [*broken, *removed], stories, store)
    report.duplicates = plan.duplicates
    before = keyword.seq
    rewritten = [a.id for a in plan.firsts] + [r.article.id for r, _ in plan.members]
    seq = store.begin_write(touched=[*(a for a in rewritten if a in indexed), *broken, *removed])
    done, total = 0, len(todo) + len(plan.recopied)
    if progress:
        progress(0, total)
    records = {r.article.id: r for r, _ in plan.members}

    def write_members(recopied: bool) -> None:
        nonlocal done
        for batch in member_batches(plan, embedder, batch_chunks, _stamp, recopied=recopied):
            _write_batch(batch, plan, store, keyword, embedder, indexed, report, seq, member=True)
            store.members.add([replace(records[a.id], n_chunks=len(cs)) for a, cs in batch], seq)
            done += len(batch)
            if progress:
                progress(done, total)

    # The copies of an edited first copy before it: killed in between, the first copy is still the old one,
    # so the next run plans them again; after it, they would be left measured against the old text.
    write_members(recopied=True)
    for batch in _batches(plan.firsts, embedder, batch_chunks):
        stamped = [(a, [_stamp(c, plan) for c in cs]) for a, cs in batch]
        _write_batch(stamped, plan, store, keyword, embedder, indexed, report, seq, member=False)
        # promoted, or edited so that it no longer copies its story: no longer a member
        store.members.delete([a.id for a, _ in batch if a.id in copies_before])
        done += len([a for a, _ in batch if a.id not in plan.promoted])
        if progress:
            progress(done, total)
    write_members(recopied=False)
    for article_id in [*broken, *removed]:
        ids = sorted(indexed.pop(article_id).chunk_ids)
        store.delete_ids(ids)
        report.chunks_removed += len(ids)
    store.members.delete([*broken, *removed])
    keyword.delete_articles([*broken, *removed], seq)
    report.articles_removed = len(removed)
    refresh = had_copies | member_stories(store) | {r.story_id for r, _ in plan.members}
    if interrupted:
        drop_stale_records(store, indexed)
    refresh_also_in(store, refresh if interrupted else plan.touched_stories & refresh)
    generation = store.end_write()
    if interrupted or before != seq - 1:
        sync_keyword_index(store, keyword, after=seq - 1)
    else:
        keyword.mark(generation, seq)
    Manifest(generation, indexed).save(manifest_path(settings))
    stories.save(story_index_path(settings), generation)


def _stamp(chunk: Chunk, plan: StoryPlan) -> Chunk:
    return replace(chunk, story_id=plan.story_of.get(chunk.article_id))


def _write_batch(
    batch: list[tuple[Article, list[Chunk]]],
    plan: StoryPlan,
    store: Store,
    keyword: KeywordIndex,
    embedder: Embedder,
    indexed: dict[str, IndexedArticle],
    report: IngestReport,
    seq: int,
    *,
    member: bool,
) -> None:
    """Replace each article's chunks: delete the old ones, embed and add the new, write the keyword index."""
    old_ids = [i for article, _ in batch for i in indexed.get(article.id, IndexedArticle("", 0, "")).chunk_ids]
    report.chunks_removed += len(old_ids)
    store.delete_ids(old_ids)
    chunks = [c for _, cs in batch for c in cs]
    if chunks:
        vectors = embedder.embed([embedding_text(c) for c in chunks])
        bookkeeping = [(a.content_hash, len(cs), a.source_path) for a, cs in batch for _ in cs]
        extras = [_extras(c, plan, member) for c in chunks]
        store.add(chunks, vectors, bookkeeping, extras)
    keyword.replace_articles([ChunkRow.from_chunk(c) for c in chunks], seq, emptied=[a.id for a, _ in batch])
    report.chunks_added += len(chunks)
    for article, cs in batch:
        story = plan.story_of.get(article.id, "")
        state = IndexedArticle(article.content_hash, len(cs), article.source_path, {c.id for c in cs}, True, story)
        indexed[article.id] = replace(state, member=member)


def _extras(chunk: Chunk, plan: StoryPlan, member: bool) -> dict[str, object]:
    if member:
        return {MEMBER: True}
    signature = plan.signatures.get(chunk.article_id, "") if chunk.n == 0 else ""
    return {MEMBER: False, **({SIGNATURE: signature} if signature else {})}


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
