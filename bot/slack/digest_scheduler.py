"""Scheduled digests in the running Slack app: one APScheduler job per channel whose entry in the channel
map has a `digest` schedule, replaced or removed when the map reloads.

Each slot is posted once however many processes serve the app from one data dir (gunicorn workers, a
restart): the post happens under a file lock in `<data dir>/slack-digests/`, which records when each
channel's last slot was done, and a slot counts as done when a digest went out at or after it. So a
slot missed while the app was down (or the first slot of a new schedule) is posted when the app starts,
once, and a changed schedule posts at once only when a slot of the new schedule passed without a digest. Within a
process a channel's posts never overlap (a lock per channel, one instance per job). A digest with nothing
new is not posted (a channel would fill with "nothing new"), but its slot is recorded as done, so no process
builds it again. A failed post is logged with what to do and tried again at the next slot; the scheduler
keeps going.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from filelock import FileLock, Timeout

from bot.core.digest import Digest
from bot.slack.channels import ChannelMap, ChannelRule
from bot.slack.credentials import SlackConfigError
from bot.slack.digest_schedule import DigestSchedule
from index.errors import NewsbotError

if TYPE_CHECKING:
    from apscheduler.schedulers.background import BackgroundScheduler

log = logging.getLogger(__name__)

STATE_DIR = "slack-digests"
LOCK_WAIT_S = 300.0
"""How long a process waits for another one posting the same channel's digest before skipping the slot."""

BuildDigest = Callable[[ChannelRule, DigestSchedule, datetime], Digest]
"""Builds a channel's digest for one slot (the slot's time: what counts as new is counted back from it)."""
PostDigest = Callable[[str, Digest], str]


class DigestScheduler:
    """Posts each scheduled channel's digest at its slots; `sync` follows the channel map."""

    def __init__(self, channels: ChannelMap, build: BuildDigest, post: PostDigest, data_dir: Path) -> None:
        self.channels = channels
        self.build = build
        self.post = post
        self.state_dir = data_dir / STATE_DIR
        self._scheduler: BackgroundScheduler | None = None
        self._scheduled: dict[str, DigestSchedule] = {}
        self._sync_lock = threading.Lock()
        self._posting_lock = threading.Lock()  # not _sync_lock: shutdown holds that while posts finish
        self._posting: dict[str, threading.Lock] = {}
        self._closed = False
        channels.on_reload(self.sync)

    def start(self) -> None:
        """Schedule the channels of the map in force (the APScheduler thread starts with the first one)."""
        self.sync(self.channels.rules())

    def scheduled(self) -> dict[str, datetime | None]:
        """Each scheduled channel and its next run (None while paused or before the scheduler starts)."""
        with self._sync_lock:
            if self._scheduler is None:
                return {}
            return {job.id: job.next_run_time for job in self._scheduler.get_jobs()}

    def sync(self, rules: dict[str, ChannelRule]) -> None:
        """Add, replace and remove jobs so there is one per channel with a schedule in `rules`."""
        wanted = {channel: rule.digest for channel, rule in rules.items() if rule.digest is not None}
        with self._sync_lock:
            if self._closed:
                return
            if wanted and self._scheduler is None:
                from apscheduler.schedulers.background import BackgroundScheduler

                self._scheduler = BackgroundScheduler(
                    job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None}, timezone=UTC
                )
                self._scheduler.start()
            scheduler = self._scheduler
            if scheduler is None:
                return
            for channel in set(self._scheduled) - set(wanted):
                scheduler.remove_job(channel)
                log.info("digest for %s: no longer scheduled", channel)
            from bot.slack.digest_trigger import SlotTrigger

            now = datetime.now(UTC)
            for channel, schedule in wanted.items():
                if self._scheduled.get(channel) == schedule:
                    continue
                options: dict[str, Any] = {"next_run_time": now} if self._missed(channel, schedule, now) else {}
                scheduler.add_job(
                    self.run, SlotTrigger(schedule), args=[channel], id=channel, replace_existing=True, **options
                )
                when = "now (its last slot was not posted)" if options else f"{schedule.next_slot(now):%Y-%m-%d %H:%M}"
                log.info("digest for %s: %s; next post %s", channel, schedule.describe(), when)
            self._scheduled = wanted

    def shutdown(self) -> None:
        """Stop scheduling for good (a later reload schedules nothing); a post in progress finishes first."""
        with self._sync_lock:
            self._closed = True
            if self._scheduler is not None:
                self._scheduler.shutdown(wait=True)
                self._scheduler = None
            self._scheduled = {}

    def run(self, channel: str) -> str | None:
        """The job: post the channel's digest for its latest slot unless that slot was posted already.
        Returns the message ts, or None when nothing was posted (slot done already, nothing new, busy, failed)."""
        rule = self.channels.rule(channel)
        if rule is None or rule.digest is None:
            return None
        with self._posting_lock:
            lock = self._posting.setdefault(channel, threading.Lock())
        if not lock.acquire(blocking=False):
            log.warning("digest for %s: the previous post is still running, so this run is skipped", channel)
            return None
        try:
            return self._post_slot(rule, rule.digest)
        finally:
            lock.release()

    def _post_slot(self, rule: ChannelRule, schedule: DigestSchedule) -> str | None:
        channel = rule.channel
        now = datetime.now(UTC)
        slot = schedule.last_slot(now)
        retry = f"the next try is at {schedule.next_slot(now):%Y-%m-%d %H:%M %Z}"
        self.state_dir.mkdir(parents=True, exist_ok=True)
        try:
            with FileLock(str(self._path(channel, ".lock")), timeout=LOCK_WAIT_S):
                posted = self._last_posted(channel)
                if posted is not None and posted >= slot:
                    log.info("digest for %s: the slot at %s was done already", channel, f"{slot:%Y-%m-%d %H:%M}")
                    return None
                digest = self.build(rule, schedule, slot)
                if not digest.stories:
                    self._record(channel, now, slot, None, 0)
                    log.info(
                        "digest for %s: nothing new since %s, nothing posted (slot %s)", channel, digest.since, slot
                    )
                    return None
                ts = self.post(channel, digest)
                self._record(channel, now, slot, ts, len(digest.stories))
        except Timeout:
            log.warning("digest for %s: another process kept it locked for %.0fs; %s", channel, LOCK_WAIT_S, retry)
            return None
        except SlackConfigError as error:
            log.error("digest for %s not posted: %s; %s", channel, error, retry)
            return None
        except NewsbotError as error:
            log.error("digest for %s not built: %s; %s", channel, error, retry)
            return None
        except OSError as error:
            log.error("digest for %s not posted: cannot reach Slack (%s); %s", channel, type(error).__name__, retry)
            return None
        except Exception:
            log.exception("digest for %s failed (a bug; please report it with this log); %s", channel, retry)
            return None
        log.info("digest for %s posted: %d stories (slot %s, ts %s)", channel, len(digest.stories), slot, ts)
        return ts

    def _missed(self, channel: str, schedule: DigestSchedule, now: datetime) -> bool:
        posted = self._last_posted(channel)
        return posted is None or posted < schedule.last_slot(now)

    def _last_posted(self, channel: str) -> datetime | None:
        try:
            return datetime.fromisoformat(json.loads(self._path(channel, ".json").read_text("utf-8"))["posted_at"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _record(self, channel: str, posted_at: datetime, slot: datetime, ts: str | None, stories: int) -> None:
        """The slot done at `posted_at`; `ts` None when nothing was new, so nothing was posted."""
        path = self._path(channel, ".json")
        record = {"posted_at": posted_at.isoformat(), "slot": slot.isoformat(), "ts": ts, "stories": stories}
        partial = path.with_suffix(".tmp")
        partial.write_text(json.dumps(record), encoding="utf-8")
        partial.replace(path)

    def _path(self, channel: str, suffix: str) -> Path:
        return self.state_dir / (re.sub(r"[^A-Za-z0-9_-]", "_", channel) + suffix)
