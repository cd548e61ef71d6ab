"""What readers said about articles, as weights retrieval applies: 👍 boosts slightly, 👎 "wrong or outdated
source" down-weights, an admin's "hide" removes the article from every answer.

One SQLite file in the data dir (`feedback.sqlite`), written in short transactions with a busy timeout, so
any number of worker processes and threads record votes and read weights safely. Each person's latest vote
per answer counts once (clicking twice, or switching, replaces it); every vote fades with a half-life; the
sum per article is clamped to [DOWN_LIMIT, UP_LIMIT], so no amount of clicking buries or crowns an article;
`reset` deletes an article's votes and hide, restoring it exactly. Old votes past `KEEP_HALF_LIVES` are
dropped on write, so the file stays bounded.

Why not the Chroma collection's metadata in server mode: `collection.modify(metadata=...)` replaces the
whole dictionary with no compare-and-set, so two workers voting at once would lose one vote; point
`NEWSBOT_FEEDBACK_PATH` at storage the workers share instead.
"""

from __future__ import annotations

import math
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from index.settings import IndexSettings

FEEDBACK_FILE = "feedback.sqlite"
UP = 0.05
"""One 👍: a 5% lift of the article's fused score."""
DOWN = -0.3
"""One 👎 "wrong or outdated source": a 30% cut."""
UP_LIMIT = 0.2
DOWN_LIMIT = -0.6
HALF_LIFE_DAYS = 30.0
KEEP_HALF_LIVES = 6
BUSY_TIMEOUT_S = 10.0
DAY_S = 86_400.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS votes (
    article_id TEXT NOT NULL, voter TEXT NOT NULL, answer TEXT NOT NULL,
    weight REAL NOT NULL, at REAL NOT NULL, title TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (article_id, voter, answer)
);
CREATE TABLE IF NOT EXISTS hidden (
    article_id TEXT PRIMARY KEY, by TEXT NOT NULL, at REAL NOT NULL, title TEXT NOT NULL DEFAULT ''
);
"""
RECOMPUTE_S = 60.0
"""Weights are recomputed when any process wrote feedback, else at most this often (for the fading)."""


@dataclass(frozen=True)
class ArticleFeedback:
    """One article's standing: its boost now (negative: down-weighted), the votes behind it, hidden or not."""

    article_id: str
    boost: float
    votes: int
    hidden: bool
    title: str = ""


@dataclass(frozen=True)
class Weights:
    """What retrieval applies: a boost per article (bounded) and the hidden articles."""

    boosts: dict[str, float]
    hidden: frozenset[str]

    def boost(self, article_id: str) -> float:
        return self.boosts.get(article_id, 0.0)


NO_WEIGHTS = Weights({}, frozenset())


class FeedbackStore:
    """The feedback file of one data dir. Cheap to create; opens a connection per operation."""

    def __init__(self, path: Path, *, half_life_days: float = HALF_LIFE_DAYS) -> None:
        self.path = path
        self.half_life_s = half_life_days * DAY_S
        self._lock = threading.Lock()
        self._cached: tuple[tuple[int, ...], float, Weights] | None = None

    @classmethod
    def for_settings(cls, settings: IndexSettings) -> FeedbackStore:
        """The store every worker of this index shares: NEWSBOT_FEEDBACK_PATH, else the data dir's file."""
        path = settings.feedback_path or settings.data_dir / FEEDBACK_FILE
        return cls(path, half_life_days=settings.feedback_half_life_days)

    @contextmanager
    def _db(self, *, write: bool) -> Iterator[sqlite3.Connection]:
        if write:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            if write:
                _prepare(db)
                db.execute("BEGIN IMMEDIATE")
            yield db
            if write:
                db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        finally:
            db.close()

    def vote(
        self,
        article_ids: Iterable[str],
        *,
        voter: str,
        answer: str,
        weight: float,
        titles: dict[str, str] | None = None,
    ) -> None:
        """Record `voter`'s vote on the articles of one answer, replacing their earlier vote on it."""
        now = time.time()
        titles = titles or {}
        rows = [(a, voter, answer, weight, now, titles.get(a, "")) for a in dict.fromkeys(article_ids) if a]
        with self._db(write=True) as db:
            db.executemany("INSERT OR REPLACE INTO votes VALUES (?, ?, ?, ?, ?, ?)", rows)
            db.execute("DELETE FROM votes WHERE at < ?", (now - KEEP_HALF_LIVES * self.half_life_s,))

    def up(self, article_ids: Iterable[str], *, voter: str, answer: str, titles: dict[str, str] | None = None) -> None:
        self.vote(article_ids, voter=voter, answer=answer, weight=UP, titles=titles)

    def down(
        self, article_ids: Iterable[str], *, voter: str, answer: str, titles: dict[str, str] | None = None
    ) -> None:
        self.vote(article_ids, voter=voter, answer=answer, weight=DOWN, titles=titles)

    def hide(self, article_id: str, *, by: str, title: str = "") -> None:
        with self._db(write=True) as db:
            db.execute("INSERT OR REPLACE INTO hidden VALUES (?, ?, ?, ?)", (article_id, by, time.time(), title))

    def reset(self, article_id: str) -> bool:
        """Forget every vote on the article and un-hide it; False when there was nothing to forget."""
        with self._db(write=True) as db:
            removed = db.execute("DELETE FROM votes WHERE article_id = ?", (article_id,)).rowcount
            removed += db.execute("DELETE FROM hidden WHERE article_id = ?", (article_id,)).rowcount
        return removed > 0

    def weights(self, now: float | None = None) -> Weights:
        """The boosts and hidden articles in force now (an absent file means none). Retrieval asks for them
        on every search, so they are kept until a write (by any process) or RECOMPUTE_S has passed."""
        stamp = self._stamp()
        if stamp is None:
            return NO_WEIGHTS
        at = time.time() if now is None else now
        with self._lock:
            cached = self._cached
        if now is None and cached is not None and cached[0] == stamp and at - cached[1] < RECOMPUTE_S:
            return cached[2]
        with self._db(write=False) as db:
            weights = self._compute(db, at)
        if now is None:
            with self._lock:
                self._cached = (stamp, at, weights)
        return weights

    def _stamp(self) -> tuple[int, ...] | None:
        """Size and change time of the file and its write-ahead log: any commit, by any process, changes one
        (two `stat` calls, so the common case opens no connection)."""
        try:
            main = self.path.stat()
        except FileNotFoundError:
            return None
        try:
            wal = Path(f"{self.path}-wal").stat()
            log_part = (wal.st_mtime_ns, wal.st_size)
        except FileNotFoundError:
            log_part = (0, 0)
        return (main.st_mtime_ns, main.st_size, *log_part)

    def _compute(self, db: sqlite3.Connection, now: float) -> Weights:
        try:
            votes = db.execute("SELECT article_id, weight, at FROM votes").fetchall()
            hidden = frozenset(str(r[0]) for r in db.execute("SELECT article_id FROM hidden"))
        except sqlite3.OperationalError:  # a file no vote was written to yet
            return NO_WEIGHTS
        totals: dict[str, float] = {}
        for article_id, weight, at in votes:
            totals[article_id] = totals.get(article_id, 0.0) + float(weight) * self._decay(now - float(at))
        boosts = {a: _clamp(total) for a, total in totals.items() if abs(total) >= 1e-4}
        return Weights(boosts, hidden)

    def articles(self, now: float | None = None) -> list[ArticleFeedback]:
        """Every article with feedback: hidden first, then by boost, lowest first."""
        if not self.path.exists():
            return []
        weights = self.weights(now)
        with self._db(write=False) as db:
            counts = {str(a): (int(n), str(t)) for a, n, t in db.execute(
                "SELECT article_id, count(*), max(title) FROM votes GROUP BY article_id")}  # fmt: skip
            hidden_titles = {str(a): str(t) for a, t in db.execute("SELECT article_id, title FROM hidden")}
        ids = set(counts) | set(hidden_titles)
        found = [
            ArticleFeedback(
                a,
                round(weights.boost(a), 4),
                counts.get(a, (0, ""))[0],
                a in weights.hidden,
                hidden_titles.get(a) or counts.get(a, (0, ""))[1],
            )
            for a in ids
        ]
        return sorted(found, key=lambda f: (not f.hidden, f.boost, f.article_id))

    def _decay(self, age_s: float) -> float:
        return math.pow(0.5, max(age_s, 0.0) / self.half_life_s) if self.half_life_s > 0 else 1.0


def _clamp(total: float) -> float:
    return max(DOWN_LIMIT, min(UP_LIMIT, total))


def _prepare(db: sqlite3.Connection) -> None:
    """WAL mode and the schema, retried while another process holds the file: switching a new file to WAL
    needs it alone, and SQLite answers "database is locked" at once there instead of waiting out the busy
    timeout (several Slack workers voting on a fresh data dir met it). WAL persists, so later opens skip it."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    delay = 0.01
    while True:
        try:
            if db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.2)
