"""Bring a keyword index up to the store's latest published write, doing work in proportion to the change.

The keyword index is derived state. Ingest writes it through as it stores each batch; everyone else (a
worker on its own data dir, a next ingest after a crash) reads the store's change log
(`index.store.changes`): the articles touched after the index's seq are dropped, the chunks written
after it are fetched and indexed. Only when the log cannot tell (an index older than the log's floor, a
store written before the log existed, an index from another store) is the whole store scanned.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from itertools import groupby

from index.keyword import ChunkRow, KeywordIndex, analyse, keyword_path
from index.settings import IndexSettings
from index.store import WRITING, Store
from index.store.changes import SEQ, committed_seq

log = logging.getLogger(__name__)

APPLY_ROWS = 2000


def open_keyword_index(settings: IndexSettings) -> KeywordIndex:
    """The data dir's keyword index, with the analyser (its stemmer) loaded."""
    analyse(["warm"])
    return KeywordIndex.open(keyword_path(settings))


def sync_keyword_index(
    store: Store, index: KeywordIndex, *, after: int | None = None, verify: bool = False
) -> KeywordIndex:
    """Catch `index` up with the store's published writes; `after` forces a replay from that seq.

    `verify` (ingest uses it) also compares chunk counts when the index looks current, so an index
    damaged behind SQLite's back is rebuilt rather than trusted.
    """
    metadata = store.metadata()
    generation = str(metadata.get("generation", ""))
    upto = committed_seq(metadata)
    if not generation:
        return index  # nothing published yet: an interrupted first ingest is repaired by the next one
    start = index.seq if after is None else min(after, index.seq)
    if after is None and index.generation == generation and index.seq == upto:
        if not verify or metadata.get("state") == WRITING or index.count() == store.count():
            return index
        log.warning("keyword index %s disagrees with the store; rebuilding it", index.path)
        _rebuild(store, index, clear=False)
        return index
    foreign = index.seq > upto or (index.seq == upto and index.generation not in ("", generation) and after is None)
    changes = None if foreign else store.changes_since(start, metadata)
    if changes is None:
        log.info("keyword index %s cannot follow the change log; rebuilding it from the store", index.path)
        _rebuild(store, index, clear=foreign)
    else:
        for seq, group in groupby(sorted(changes.touched.items(), key=lambda item: item[1]), key=lambda i: i[1]):
            index.delete_articles([article_id for article_id, _ in group], seq)
        _apply(index, store.scan_written(changes.after, changes.upto))
    index.mark(generation, upto)
    return index


def _apply(index: KeywordIndex, rows: Iterable[tuple[str, str, dict[str, object]]]) -> dict[str, bool]:
    """Index scanned chunks: each article's rows replace what the index has of it (unless newer there)."""
    seen: dict[str, bool] = {}
    page: list[tuple[ChunkRow, int]] = []
    for chunk_id, text, meta in rows:
        page.append((ChunkRow.from_store(chunk_id, text, meta), int(meta.get(SEQ) or 0)))  # type: ignore[call-overload]
        if len(page) >= APPLY_ROWS:
            _write(index, page, seen)
            page = []
    _write(index, page, seen)
    return seen


def _write(index: KeywordIndex, page: list[tuple[ChunkRow, int]], seen: dict[str, bool]) -> None:
    for seq, group in groupby(sorted(page, key=lambda item: item[1]), key=lambda item: item[1]):
        index.replace_articles([row for row, _ in group], seq, seen=seen)


def _rebuild(store: Store, index: KeywordIndex, *, clear: bool) -> None:
    """Index every chunk in the store, then drop articles the store no longer has."""
    if clear:
        with index.transaction():
            index.clear()
    before = index.article_seqs()
    seen = _apply(index, store.scan())
    stale = [a for a in before if a not in seen]
    for seq, group in groupby(sorted(stale, key=lambda a: before[a]), key=lambda a: before[a]):
        index.delete_articles(list(group), seq)
