"""The BM25 keyword index: one SQLite file with an FTS5 table, updated in place article by article.

SQLite FTS5 keeps its postings in b-tree segments that it merges as it goes, so adding, replacing or
removing an article costs work in proportion to that article, never to the collection; `bm25()` ranks.
Texts are analysed as bm25s's tokenizer did (English stopwords, Snowball stems; see `analyse`) and stored
as space-separated terms, so the engine only splits on spaces and the analyser stays ours.

The file also holds one row per article (source, date), which is the catalog question understanding
reads, and `meta` (the store generation and change sequence it reflects; see `index.keyword_sync`).
Every reader opens the same file; SQLite's WAL journal lets one writer and any number of readers run
at once, and each transaction is atomic, so a kill at any point leaves the previous state.

Each article row carries the store sequence it was written at; a write older than what is there is
ignored, so a worker catching up and an ingest writing through can never undo one another.
(Longer than most modules: the schema, the writes and the reads of one file are kept together.)
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.keyword_rank import RERANK_MIN, Stats, bm25, selective_terms
from index.models import Chunk
from index.settings import IndexSettings

log = logging.getLogger(__name__)

DB_NAME = "index.sqlite3"
SCHEMA_VERSION = "2"
BUSY_TIMEOUT_MS = 60_000
_SCHEMA = """
BEGIN IMMEDIATE;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    article_id TEXT PRIMARY KEY, source TEXT NOT NULL, date TEXT NOT NULL, seq INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS chunks (
    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, article_id TEXT NOT NULL,
    date_ord INTEGER NOT NULL, source TEXT NOT NULL, terms TEXT NOT NULL, length INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_article ON chunks(article_id);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    terms, content='chunks', content_rowid='rowid', tokenize="ascii tokenchars '_'"
);
COMMIT;
"""


_TOKEN = re.compile(r"(?u)\b\w\w+\b")
STOPWORDS = frozenset(
    "a an and are as at be but by for if in into is it no not of on or such that the their then there these "
    "they this to was will with".split()
)
"""bm25s's English stopwords: the index was built with bm25s's tokenizer, and its terms must not change."""


def analyse(texts: list[str]) -> list[list[str]]:
    """Stemmed content terms per text: the analyser whose output the index stores.

    The same terms as `bm25s.tokenize(texts, stopwords="en", stemmer=Snowball English)` (tests compare
    them), without importing bm25s, which pulls in scipy: ~0.4 s of every cold `newsbot ask`.
    """
    tokens = [[t for t in _TOKEN.findall(text.lower()) if t not in STOPWORDS] for text in texts]
    unique = list(dict.fromkeys(t for terms in tokens for t in terms))
    stems = dict(zip(unique, _stemmer().stemWords(unique), strict=True))
    return [[stems[t] for t in terms] for terms in tokens]


_STEMMER: Any = None


def _stemmer() -> Any:
    global _STEMMER
    if _STEMMER is None:
        import Stemmer

        _STEMMER = Stemmer.Stemmer("english")
    return _STEMMER


@dataclass(frozen=True)
class ChunkRow:
    """What the keyword index keeps of a chunk; built from the store's (id, text, metadata)."""

    id: str
    article_id: str
    text: str
    date_ord: int
    source: str
    date: str

    @classmethod
    def from_store(cls, chunk_id: str, text: str, meta: dict[str, Any]) -> ChunkRow:
        return cls(
            chunk_id,
            str(meta.get("article_id", chunk_id.rsplit(":", 1)[0])),
            f"{meta.get('title', '')}\n{text}",
            int(meta.get("date_ord") or 0),
            str(meta.get("source", "")),
            str(meta.get("date") or ""),
        )

    @classmethod
    def from_chunk(cls, chunk: Chunk) -> ChunkRow:
        date = chunk.date or ""
        return cls(chunk.id, chunk.article_id, f"{chunk.title}\n{chunk.text}", _date_ord(date), chunk.source, date)


def _date_ord(date: str) -> int:
    return int(date.replace("-", "")) if date else 0


def keyword_dir(settings: IndexSettings) -> Path:
    """The folder holding the index file (and SQLite's WAL files beside it)."""
    return settings.data_dir / "keyword" / settings.collection


def keyword_path(settings: IndexSettings) -> Path:
    return keyword_dir(settings) / DB_NAME


class KeywordIndex:
    """One open keyword index file; safe to share between threads (calls are serialised)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._stats_version = -1
        self._df: dict[str, int] = {}
        self._totals = (0, 0.0)
        self._db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False, isolation_level=None)
        try:
            self._db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            with self._lock:
                self._db.executescript(_SCHEMA)
                self._db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING fts5vocab(main, fts, row)")
                self._check()
        except Exception:
            self._db.close()
            raise

    @classmethod
    def open(cls, path: Path) -> KeywordIndex:
        """The index at `path`; an unreadable or foreign file is replaced by an empty one (it is derived)."""
        try:
            return cls(path)
        except sqlite3.DatabaseError as exc:
            log.warning("keyword index %s is not usable (%s); starting it afresh", path, exc)
            for suffix in ("", "-wal", "-shm"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
            return cls(path)

    @classmethod
    def load(cls, directory: Path) -> KeywordIndex | None:
        """The index in `directory` when one exists and is readable, else None (tests and tools)."""
        if not (directory / DB_NAME).is_file():
            return None
        try:
            return cls(directory / DB_NAME)
        except sqlite3.DatabaseError:
            return None

    def _check(self) -> None:
        version = self._get("schema")
        if version is None:
            self._set("schema", SCHEMA_VERSION)
        elif version != SCHEMA_VERSION:
            raise sqlite3.DatabaseError(f"schema {version}, expected {SCHEMA_VERSION}")
        self._db.execute("SELECT count(*) FROM fts WHERE fts MATCH 'x' LIMIT 1").fetchone()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- state ------------------------------------------------------------------------------------

    def _get(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def _set(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    @property
    def generation(self) -> str:
        with self._lock:
            return self._get("generation") or ""

    @property
    def seq(self) -> int:
        """The store's change sequence this index is complete up to (0: nothing yet)."""
        with self._lock:
            return int(self._get("seq") or 0)

    @property
    def ids(self) -> list[str]:
        with self._lock:
            return [str(r[0]) for r in self._db.execute("SELECT id FROM chunks")]

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM chunks").fetchone()[0])

    def article_seqs(self) -> dict[str, int]:
        with self._lock:
            return {str(a): int(s) for a, s in self._db.execute("SELECT article_id, seq FROM articles")}

    def mark(self, generation: str, seq: int) -> None:
        """Record that the index now reflects the store at `generation` / `seq` (never moves back)."""
        with self.transaction():
            if seq >= self._seq_locked():
                self._set("generation", generation)
                self._set("seq", str(seq))

    def _seq_locked(self) -> int:
        return int(self._get("seq") or 0)

    # -- writes -----------------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic write (BEGIN IMMEDIATE: writers queue on SQLite's lock, readers go on); nests."""
        with self._lock:
            if self._db.in_transaction:
                yield
                return
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._commit()

    def _commit(self) -> None:
        self._db.execute("COMMIT")
        self._stats_version = -1  # data_version only moves for other connections' commits

    def replace_articles(
        self,
        rows: Iterable[ChunkRow],
        seq: int,
        *,
        emptied: Iterable[str] = (),
        seen: dict[str, bool] | None = None,
        terms: Sequence[list[str]] | None = None,
    ) -> None:
        """Make each article of `rows` (and of `emptied`, which has none now) hold exactly its rows at `seq`.

        An article the index holds at a later seq is left alone. `seen` spans the pages of one scan: an
        article already replaced there gets the further rows appended, one found newer stays skipped.
        """
        rows = list(rows)
        terms = analyse([r.text for r in rows]) if terms is None else terms
        seen = {} if seen is None else seen
        with self.transaction():
            for article_id in emptied:
                if article_id not in seen:
                    seen[article_id] = self._take(article_id, seq)
            for row, row_terms in zip(rows, terms, strict=True):
                if row.article_id not in seen:
                    seen[row.article_id] = self._take(row.article_id, seq)
                if not seen[row.article_id]:
                    continue
                self._db.execute(
                    "INSERT OR IGNORE INTO articles(article_id, source, date, seq) VALUES (?, ?, ?, ?)",
                    (row.article_id, row.source, row.date, seq),
                )
                self._insert(row, " ".join(row_terms))

    def _insert(self, row: ChunkRow, terms: str) -> None:
        values = (row.id, row.article_id, row.date_ord, row.source, terms, terms.count(" ") + 1 if terms else 0)
        sql = "INSERT INTO chunks(id, article_id, date_ord, source, terms, length) VALUES (?, ?, ?, ?, ?, ?)"
        try:
            cursor = self._db.execute(sql, values)
        except sqlite3.IntegrityError:  # the same chunk twice (a scan paged while the store changed)
            self._db.execute(
                "INSERT INTO fts(fts, rowid, terms) SELECT 'delete', rowid, terms FROM chunks WHERE id = ?", (row.id,)
            )
            self._db.execute("DELETE FROM chunks WHERE id = ?", (row.id,))
            cursor = self._db.execute(sql, values)
        self._db.execute("INSERT INTO fts(rowid, terms) VALUES (?, ?)", (cursor.lastrowid, terms))

    def delete_articles(self, article_ids: Iterable[str], seq: int) -> None:
        """Remove articles the store removed at `seq` (kept when the index has them at a later seq)."""
        with self.transaction():
            for article_id in article_ids:
                self._take(article_id, seq)

    def _take(self, article_id: str, seq: int) -> bool:
        """Drop the article's rows when `seq` is not older than them; True when the caller may write."""
        row = self._db.execute("SELECT seq FROM articles WHERE article_id = ?", (article_id,)).fetchone()
        if row is not None and int(row[0]) > seq:
            return False
        self._db.execute(
            "INSERT INTO fts(fts, rowid, terms) SELECT 'delete', rowid, terms FROM chunks WHERE article_id = ?",
            (article_id,),
        )
        self._db.execute("DELETE FROM chunks WHERE article_id = ?", (article_id,))
        self._db.execute("DELETE FROM articles WHERE article_id = ?", (article_id,))
        return True

    def clear(self) -> None:
        """Empty the index (inside the caller's transaction when there is one)."""
        with self._lock:
            self._db.execute("INSERT INTO fts(fts) VALUES ('delete-all')")
            self._db.execute("DELETE FROM chunks")
            self._db.execute("DELETE FROM articles")
            self._db.execute("DELETE FROM meta WHERE key IN ('generation', 'seq')")

    # -- reads ------------------------------------------------------------------------------------

    def search(
        self,
        query: str,
        k: int,
        *,
        since: int = 0,
        until: int = 0,
        source: str | None = None,
        articles: Sequence[str] = (),
    ) -> list[tuple[str, float]]:
        """Top chunk ids with their BM25 scores (> 0, best first, ties by id), after the date, source and
        article filters (`articles`: only chunks of these articles).

        See `index.keyword_rank` for how candidates are chosen within a fixed cost.
        """
        terms = analyse([query])[0] if query.strip() else []
        with self._lock:
            stats = self._stats(terms)
            selective = selective_terms(terms, stats.df)
            if not selective:
                return []
            match = " OR ".join(f'"{t}"' for t in selective)
            rowids = self._candidates(match, max(RERANK_MIN, 4 * k), since, until, source, articles)
            marks = ",".join("?" * len(rowids))
            rows = self._db.execute(f"SELECT id, terms FROM chunks WHERE rowid IN ({marks})", rowids).fetchall()
        scored = [(str(chunk_id), bm25(terms, str(text).split(), stats)) for chunk_id, text in rows]
        scored.sort(key=lambda item: (-item[1], item[0]))
        return [(chunk_id, score) for chunk_id, score in scored[:k] if score > 0]

    def _candidates(
        self, match: str, limit: int, since: int, until: int, source: str | None, articles: Sequence[str] = ()
    ) -> list[int]:
        """Rowids of the best `limit` matches by FTS5's own bm25() over the selective terms."""
        if not (since or until or source or articles):
            sql = "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY bm25(fts) LIMIT ?"
            return [int(r[0]) for r in self._db.execute(sql, (match, limit))]
        clauses, params = ["fts MATCH ?"], [match]
        if since:
            clauses.append("c.date_ord >= ?")
            params.append(since)
        if until:
            clauses.append("c.date_ord > 0 AND c.date_ord <= ?")
            params.append(until)
        if source:
            clauses.append("lower(c.source) = lower(?)")
            params.append(source)
        if articles:
            clauses.append(f"c.article_id IN ({','.join('?' * len(articles))})")
            params.extend(articles)
        sql = (
            "SELECT fts.rowid FROM fts JOIN chunks c ON c.rowid = fts.rowid "
            f"WHERE {' AND '.join(clauses)} ORDER BY bm25(fts) LIMIT ?"
        )
        return [int(r[0]) for r in self._db.execute(sql, (*params, limit))]

    def _stats(self, terms: Sequence[str]) -> Stats:
        """N, mean length and the terms' document counts, cached until any connection commits a change."""
        version = self._db.execute("PRAGMA data_version").fetchone()[0]
        if version != self._stats_version:
            self._stats_version, self._df = version, {}
            docs, length = self._db.execute("SELECT count(*), coalesce(sum(length), 0) FROM chunks").fetchone()
            self._totals = (int(docs), float(length) / max(int(docs), 1))
        for term in set(terms) - self._df.keys():
            row = self._db.execute("SELECT doc FROM temp.vocab WHERE term = ?", (term,)).fetchone()
            self._df[term] = int(row[0]) if row else 0
        return Stats(self._totals[0], self._totals[1], {t: self._df[t] for t in terms})

    def sources(self) -> dict[str, int]:
        """Indexed articles per source name."""
        with self._lock:
            rows = self._db.execute(
                "SELECT source, count(*) FROM articles WHERE source != '' GROUP BY source ORDER BY source"
            ).fetchall()
        return {str(s): int(n) for s, n in rows}

    def date_span(self) -> tuple[str | None, str | None]:
        with self._lock:
            oldest, newest = self._db.execute("SELECT min(date), max(date) FROM articles WHERE date != ''").fetchone()
        return (str(oldest) if oldest else None, str(newest) if newest else None)
