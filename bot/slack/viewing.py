"""What each person is viewing in Slack while they talk to newsbot in its Messages tab (the agent view).

`app_context_changed` names the entities in view, most relevant first; newsbot keeps the first channel
per person, so a question asked next is scoped to that channel's sources. Bolt's thread context store
(the legacy assistant threads') keeps context in a thread's first bot message, but in the agent view the
context arrives before any thread exists, so it is kept per person in one SQLite file in the data dir,
which every worker process sharing the data dir reads. A message that carries its own `app_context`
is fresher than anything stored, and wins.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

CONTEXT_FILE = "slack_context.sqlite"
CHANNEL_ENTITY = "slack#/types/channel_id"
BUSY_TIMEOUT_S = 10.0


def viewed_channel(context: dict[str, Any] | None) -> str | None:
    """The first channel among a context's entities (they come most relevant first), or None."""
    for entity in (context or {}).get("entities") or []:
        if isinstance(entity, dict) and entity.get("type") == CHANNEL_ENTITY and entity.get("value"):
            return str(entity["value"])
    return None


class ViewedChannels:
    """Per person (team, user): the channel they were last viewing; None once they view no channel."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def in_dir(cls, data_dir: Path) -> ViewedChannels:
        return cls(data_dir / CONTEXT_FILE)

    def _db(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(
            "CREATE TABLE IF NOT EXISTS viewing (team TEXT NOT NULL, user TEXT NOT NULL, channel TEXT, "
            "at REAL NOT NULL, PRIMARY KEY (team, user))"
        )
        return db

    def save(self, team: str | None, user: str, channel: str | None) -> None:
        db = self._db()
        try:
            db.execute("INSERT OR REPLACE INTO viewing VALUES (?, ?, ?, ?)", (team or "", user, channel, time.time()))
        finally:
            db.close()

    def find(self, team: str | None, user: str) -> str | None:
        if not self.path.exists():
            return None
        db = self._db()
        try:
            row = db.execute("SELECT channel FROM viewing WHERE team = ? AND user = ?", (team or "", user)).fetchone()
        finally:
            db.close()
        return str(row[0]) if row and row[0] else None
