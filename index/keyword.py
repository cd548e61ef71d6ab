"""The BM25 keyword index, kept beside the vectors and rebuilt from the store whenever it changes.

This module owns the index's whole life: where it lives (`keyword_dir`), building it from the store
(`rebuild_keyword_index`) and getting the copy for the store's current generation (`keyword_index_for`).

It is derived state: Chroma holds every chunk's text, so this index is rebuilt from there at the end
of each ingest (and by any reader that finds it older than the collection's generation). A crash can
therefore never leave the two disagreeing for long, and several workers sharing one Chroma server each
keep their own copy fresh.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from index.settings import IndexSettings

if TYPE_CHECKING:
    from index.store import Store

log = logging.getLogger(__name__)

TMP_MARK = ".tmp-"
OLD_MARK = ".old-"
SWAP_ATTEMPTS = 5
LEFTOVER_AGE_S = 600.0


def _bm25s():  # type: ignore[no-untyped-def]
    """bm25s sets its own logger to DEBUG on import; its chatter is not for our users."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


def _tokenize(texts: list[str]) -> list[list[str]]:
    import Stemmer

    bm25s = _bm25s()

    return bm25s.tokenize(
        texts, stopwords="en", stemmer=Stemmer.Stemmer("english"), show_progress=False, return_ids=False
    )


@dataclass
class KeywordIndex:
    """BM25 over chunk texts (title included), with the few fields needed to filter results."""

    generation: str
    ids: list[str]
    date_ord: np.ndarray
    sources: list[str]
    _bm25: Any = None

    @classmethod
    def build(cls, generation: str, rows: Iterable[tuple[str, str, dict[str, Any]]]) -> KeywordIndex:
        """Rows are (chunk id, text, metadata) as the store scans them."""
        bm25s = _bm25s()
        ids: list[str] = []
        texts: list[str] = []
        dates: list[int] = []
        sources: list[str] = []
        for chunk_id, text, meta in rows:
            ids.append(chunk_id)
            texts.append(f"{meta.get('title', '')}\n{text}")
            dates.append(int(meta.get("date_ord") or 0))
            sources.append(str(meta.get("source", "")))
        bm25 = None
        if ids:
            bm25 = bm25s.BM25()
            bm25.index(_tokenize(texts), show_progress=False)
        return cls(generation, ids, np.asarray(dates, dtype=np.int64), sources, bm25)

    def search(
        self, query: str, k: int, *, since: int = 0, until: int = 0, source: str | None = None
    ) -> list[tuple[str, float]]:
        """Top chunk ids with BM25 scores > 0, after the date and source filters."""
        if self._bm25 is None or not self.ids:
            return []
        tokens = _tokenize([query])
        if not tokens or not tokens[0]:
            return []
        filtered = bool(since or until or source)
        want = len(self.ids) if filtered else min(k, len(self.ids))
        docs, scores = self._bm25.retrieve(tokens, k=want, show_progress=False, n_threads=1)
        out: list[tuple[str, float]] = []
        for doc, score in zip(docs[0], scores[0], strict=True):
            if score <= 0:
                break
            if filtered and not self._passes(int(doc), since, until, source):
                continue
            out.append((self.ids[int(doc)], float(score)))
            if len(out) == k:
                break
        return out

    def _passes(self, doc: int, since: int, until: int, source: str | None) -> bool:
        date = int(self.date_ord[doc])
        if since and (not date or date < since):
            return False
        if until and (not date or date > until):
            return False
        return not (source and self.sources[doc].lower() != source.lower())

    def save(self, directory: Path) -> None:
        """Write to a temporary folder, then swap it in, so readers never see half an index.

        Several processes may save at once (an ingest and the workers sharing its data dir): each
        writes its own folder, and a swap that loses the race is retried or dropped, never half-done.
        Leftovers of a killed save are removed once they are old enough not to be anyone's work.
        """
        directory.parent.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(directory)
        tmp = directory.with_name(f"{directory.name}{TMP_MARK}{uuid.uuid4().hex[:8]}")
        tmp.mkdir()
        if self._bm25 is not None:
            self._bm25.save(str(tmp / "bm25"))
        np.save(tmp / "date_ord.npy", self.date_ord)
        meta = {"generation": self.generation, "ids": self.ids, "sources": self.sources}
        (tmp / "meta.json").write_text(json.dumps(meta))
        for _ in range(SWAP_ATTEMPTS):
            old = directory.with_name(f"{directory.name}{OLD_MARK}{uuid.uuid4().hex[:8]}")
            with contextlib.suppress(FileNotFoundError):
                os.replace(directory, old)
            try:
                os.replace(tmp, directory)
            except OSError:
                continue  # another process swapped its copy in between our two renames
            finally:
                shutil.rmtree(old, ignore_errors=True)
            return
        shutil.rmtree(tmp, ignore_errors=True)
        log.info("keyword index at %s was being replaced by another process; kept theirs", directory)

    @classmethod
    def load(cls, directory: Path) -> KeywordIndex | None:
        """The saved index, or None when it is missing, unreadable or inconsistent (the caller rebuilds)."""
        try:
            meta = json.loads((directory / "meta.json").read_text())
            ids = [str(i) for i in meta["ids"]]
            dates = np.load(directory / "date_ord.npy")
            bm25 = _bm25s().BM25.load(str(directory / "bm25")) if ids else None
            docs = int(bm25.scores["num_docs"]) if bm25 is not None else 0
            if len(dates) != len(ids) or len(meta["sources"]) != len(ids) or docs != len(ids):
                raise ValueError(f"{len(ids)} ids, {len(dates)} dates, {docs} BM25 documents")
            return cls(str(meta["generation"]), ids, dates, [str(s) for s in meta["sources"]], bm25)
        except Exception as exc:  # derived state: whatever is wrong with it, the answer is a rebuild
            log.info("keyword index at %s not usable (%s); it will be rebuilt", directory, exc)
            return None


def _remove_leftovers(directory: Path) -> None:
    """Delete temporary folders of saves that were killed (older than LEFTOVER_AGE_S)."""
    cutoff = time.time() - LEFTOVER_AGE_S
    for mark in (TMP_MARK, OLD_MARK):
        for path in directory.parent.glob(f"{directory.name}{mark}*"):
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < cutoff:
                    shutil.rmtree(path, ignore_errors=True)


def keyword_dir(settings: IndexSettings) -> Path:
    return settings.data_dir / "keyword" / settings.collection


def rebuild_keyword_index(store: Store, settings: IndexSettings, generation: str) -> KeywordIndex:
    """Build the index from every chunk in the store and save it for `generation`."""
    index = KeywordIndex.build(generation, store.scan())
    index.save(keyword_dir(settings))
    return index


def keyword_index_for(store: Store, settings: IndexSettings, generation: str) -> KeywordIndex:
    """The saved index when it is for `generation`, else one rebuilt from the store."""
    loaded = KeywordIndex.load(keyword_dir(settings))
    if loaded is not None and loaded.generation == generation:
        return loaded
    log.info("keyword index is stale (store generation %s); rebuilding from the store", generation)
    return rebuild_keyword_index(store, settings, generation)
