"""Live feeds: poll RSS/Atom feeds (or article URLs) on a schedule and ingest what is new.

Each poll is one conditional GET (If-None-Match / If-Modified-Since from the last answer): a 304 costs
no parsing and no ingest; a 200 is parsed and handed to ingest, which skips unchanged items by content
hash before any embedding and joins wire copies to their story. A failing feed backs off on its own
(doubling from one period up to `max_backoff_s`) without slowing the others. Scheduling is APScheduler's
(interval jobs, one worker thread, so polls never write the index at the same time); state (validators,
failures, the next poll) is a JSON file in the data dir, replaced atomically after every poll, so a
restart, a SIGTERM or a kill resumes where the last finished poll left off. One line is reported per poll.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from index.embed import Embedder
from index.errors import NewsbotError
from index.ingest import ingest
from index.loaders import load_fetched
from index.loaders.errors import LoaderError
from index.loaders.fetch import fetch
from index.models import Article, LoadError
from index.period import format_period
from index.settings import IndexSettings, OpenAISettings

log = logging.getLogger(__name__)

STATE_VERSION = 1


class WatchError(NewsbotError):
    """A watch request the user can fix (an unreadable config file)."""


def read_config(path: Path) -> tuple[list[str], str | None]:
    """The `watch:` list (and an optional `every:`) of a YAML config file."""
    import yaml

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise WatchError(f"cannot read {path}: {exc}") from None
    feeds = raw.get("watch") if isinstance(raw, dict) else None
    if not isinstance(feeds, list) or not all(isinstance(f, str) for f in feeds):
        raise WatchError(f"{path}: expected a `watch:` list of feed URLs")
    every = raw.get("every")
    return feeds, str(every) if every is not None else None


@dataclass
class FeedState:
    """What one feed's polls remember across restarts."""

    url: str
    etag: str = ""
    last_modified: str = ""
    failures: int = 0
    next_poll: float = 0.0
    last_poll: float = 0.0
    last_status: str = ""
    items_seen: int = 0


@dataclass
class WatchState:
    feeds: dict[str, FeedState] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> WatchState:
        try:
            raw = json.loads(path.read_text())
            feeds = {url: FeedState(**values) for url, values in raw["feeds"].items()}
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError, TypeError, KeyError) as exc:
            log.warning("watch state %s not readable (%s); starting afresh", path, exc)
            return cls()
        return cls(feeds)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")
        data = {"version": STATE_VERSION, "feeds": {url: asdict(s) for url, s in self.feeds.items()}}
        tmp.write_text(json.dumps(data, indent=1))
        os.replace(tmp, path)


def state_path(settings: IndexSettings) -> Path:
    return settings.data_dir / "watch" / f"{settings.collection}.json"


class Watcher:
    """Polls feeds; `poll` is one feed's poll (the scheduler's job), `run` the loop until `stop` is set."""

    def __init__(
        self,
        feeds: list[str],
        period_s: float,
        settings: IndexSettings,
        *,
        openai: OpenAISettings | None = None,
        embedder: Embedder | None = None,
        say: Callable[[str], None] = print,
        max_backoff_s: float = 6 * 3600,
        wait_s: float = 600.0,
    ) -> None:
        self.feeds = list(dict.fromkeys(feeds))
        self.period_s = period_s
        self.settings = settings
        self.openai = openai
        self._embedder = embedder
        self.say = say
        self.max_backoff_s = max(max_backoff_s, period_s)
        self.wait_s = wait_s
        self.path = state_path(settings)
        self.state = WatchState.load(self.path)
        self._lock = threading.Lock()

    def embedder(self) -> Embedder:
        if self._embedder is None:
            from index.embed import make_embedder

            self._embedder = make_embedder(self.settings, self.openai)
        return self._embedder

    def poll(self, url: str) -> float:
        """One conditional fetch (and ingest of what changed); returns the seconds until the next poll."""
        with self._lock:
            feed = self.state.feeds.setdefault(url, FeedState(url))
            started = time.time()
            try:
                line, ok = self._poll(feed), True
            except (LoaderError, NewsbotError) as exc:
                line, ok = f"error: {exc}", False
            delay = self._next_delay(feed, ok)
            feed.last_poll, feed.next_poll = started, started + delay
            feed.last_status = line
            self.state.save(self.path)
        took = time.time() - started
        self.say(f"watch {url} {line} ({took:.1f}s); next poll in {format_period(timedelta(seconds=delay))}")
        return delay

    def _poll(self, feed: FeedState) -> str:
        limits = self.settings.load_limits
        fetched = fetch(feed.url, limits.max_file_bytes, etag=feed.etag, last_modified=feed.last_modified)
        if fetched is None:
            return "304 not modified"
        loaded = load_fetched(feed.url, fetched, limits)
        articles = [item for item in loaded if isinstance(item, Article)]
        report = ingest(
            [feed.url], self.settings, openai=self.openai, embedder=self.embedder(), wait_s=self.wait_s, loaded=loaded
        )
        feed.etag, feed.last_modified = fetched.etag, fetched.last_modified
        feed.items_seen = len(articles)
        problems = [i for i in loaded if isinstance(i, LoadError)]
        tail = f", {len(problems)} item errors" if problems else ""
        return (
            f"200 {len(articles)} items: {report.articles_added} new, {report.articles_updated} updated, "
            f"{report.articles_unchanged} unchanged, {report.duplicates} wire copies, "
            f"{report.chunks_added} chunks embedded{tail}"
        )

    def _next_delay(self, feed: FeedState, ok: bool) -> float:
        if ok:
            feed.failures = 0
            return self.period_s
        feed.failures += 1
        return min(self.period_s * 2 ** (feed.failures - 1), self.max_backoff_s)

    def first_delay(self, url: str) -> float:
        """After a restart, the poll the last run scheduled (at once when it is overdue or unknown)."""
        feed = self.state.feeds.get(url)
        return max(0.0, feed.next_poll - time.time()) if feed is not None else 0.0

    def run(self, stop: threading.Event) -> None:
        """Poll every feed on its schedule until `stop` is set; a poll in progress is finished first."""
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.schedulers.background import BackgroundScheduler

        scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(1)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
            timezone=UTC,
        )
        now = datetime.now(UTC)
        for url in self.feeds:
            scheduler.add_job(
                self._job,
                "interval",
                seconds=self.period_s,
                id=_job_id(url),
                args=[url, scheduler],
                next_run_time=now + timedelta(seconds=self.first_delay(url)),
            )
        scheduler.start()
        try:
            stop.wait()
        finally:
            scheduler.shutdown(wait=True)

    def _job(self, url: str, scheduler: Any) -> None:
        delay = self.poll(url)
        if delay != self.period_s:  # backing off: this feed's next poll moves, the others keep theirs
            job = scheduler.get_job(_job_id(url))
            if job is not None:
                job.modify(next_run_time=datetime.now(UTC) + timedelta(seconds=delay))


def _job_id(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
