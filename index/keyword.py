"""The BM25 keyword index, kept beside the vectors and rebuilt from the store whenever it changes.

It is derived state: Chroma holds every chunk's text, so this index is rebuilt from there at the end
of each ingest (and by any reader that finds it older than the collection's generation). A crash can
therefore never leave the two disagreeing for long, and several workers sharing one Chroma server each
keep their own copy fresh.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)


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
        """Write to a temporary folder, then swap it in, so readers never see half an index."""
        directory.parent.mkdir(parents=True, exist_ok=True)
        tmp = directory.with_name(f"{directory.name}.tmp-{uuid.uuid4().hex[:8]}")
        tmp.mkdir()
        if self._bm25 is not None:
            self._bm25.save(str(tmp / "bm25"))
        meta = {"generation": self.generation, "ids": self.ids, "sources": self.sources}
        (tmp / "meta.json").write_text(json.dumps(meta))
        np.save(tmp / "date_ord.npy", self.date_ord)
        old = directory.with_name(f"{directory.name}.old-{uuid.uuid4().hex[:8]}")
        if directory.exists():
            os.replace(directory, old)
        os.replace(tmp, directory)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, directory: Path) -> KeywordIndex | None:
        """The saved index, or None when it is missing or unreadable (the caller rebuilds)."""
        try:
            meta = json.loads((directory / "meta.json").read_text())
            bm25 = None
            if meta["ids"]:
                bm25 = _bm25s().BM25.load(str(directory / "bm25"))
            dates = np.load(directory / "date_ord.npy")
            return cls(meta["generation"], meta["ids"], dates, meta["sources"], bm25)
        except (OSError, ValueError, KeyError) as exc:
            log.info("keyword index at %s not usable (%s); it will be rebuilt", directory, exc)
            return None
