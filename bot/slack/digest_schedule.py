"""When a channel's digest is due: the `digest` table of a channel in the channel map, and its slots.

    [channels.C0MARKETS.digest]       # channels: {C0MARKETS: {digest: {...}}}
    every = "24h"                     # how often: 30m, 6h, 1d, 1w (index/period.py; default 24h)
    at = "08:00"                      # the time of day the slots count from (default 00:00)
    timezone = "Europe/Berlin"        # of `at` (default UTC)
    since = "24h"                     # what counts as new: a span back or a date (default: `every`)
    topic = "EU 5G"                   # only stories about this (default: everything new)

The slots are `at` plus whole periods, counted on the wall clock of `timezone` from a fixed Monday, so
"every 24h at 08:00" stays at 08:00 local across daylight saving and "every 7d" falls on Mondays. Slots
are plain arithmetic (no state), so every process sharing a data dir agrees on which slot is due.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.digest import resolve_since
from bot.core.errors import QuestionError
from bot.slack.credentials import SlackConfigError
from index.period import FORMAT, PeriodError, format_period, parse_period

KEYS = {"every", "at", "timezone", "since", "topic"}
DEFAULT_EVERY = "24h"
MIN_PERIOD = timedelta(minutes=15)
_AT = re.compile(r"^\s*([01]?\d|2[0-3]):([0-5]\d)\s*$")
_EPOCH = datetime(2024, 1, 1)  # a Monday: weekly slots fall on Mondays
"""The wall-clock origin of every schedule's slots."""


@dataclass(frozen=True)
class DigestSchedule:
    """One channel's digest: posted at each slot, covering what is new since `since`."""

    every: timedelta = timedelta(hours=24)
    at: time = time(0, 0)
    timezone: str = "UTC"
    since: str = DEFAULT_EVERY
    topic: str | None = None

    @property
    def zone(self) -> tzinfo:
        return UTC if self.timezone == "UTC" else ZoneInfo(self.timezone)

    def last_slot(self, now: datetime) -> datetime:
        """The latest slot at or before `now` (aware, in the schedule's time zone)."""
        origin = datetime.combine(_EPOCH.date(), self.at)
        wall = now.astimezone(self.zone).replace(tzinfo=None)
        return (origin + self.every * ((wall - origin) // self.every)).replace(tzinfo=self.zone)

    def window_start(self, slot: datetime) -> str:
        """The first day the slot's digest covers: `since` counted back from the slot, not from when the digest
        is built, so a slot posted late (the app was down) covers what that slot would have."""
        return resolve_since(self.since, now=slot.astimezone(UTC))

    def next_slot(self, after: datetime) -> datetime:
        """The first slot strictly after `after`."""
        return (self.last_slot(after).replace(tzinfo=None) + self.every).replace(tzinfo=self.zone)

    def describe(self) -> str:
        """The schedule in words, for logs: "every 1d at 08:00 Europe/Berlin, since 24h"."""
        about = f" on {self.topic}" if self.topic else ""
        return f"every {format_period(self.every)} at {self.at:%H:%M} {self.timezone}, since {self.since}{about}"


def parse_schedule(channel: str, raw: Any, path: Path) -> DigestSchedule:
    """The `digest` table of one channel, checked; a mistake is a `SlackConfigError` saying what to write."""
    where = f"{path}: channel {channel}: digest"
    if not isinstance(raw, dict):
        raise SlackConfigError(f"{where} must be a table (every, at, timezone, since, topic)")
    unknown = set(raw) - KEYS
    if unknown:
        raise SlackConfigError(
            f"{where} has unknown setting(s) {', '.join(sorted(unknown))}; allowed: {', '.join(sorted(KEYS))}"
        )
    every_text = str(raw.get("every", DEFAULT_EVERY)).strip()
    every = _every(every_text, where)
    at = _AT.match(str(raw.get("at", "00:00")))
    if not at:
        raise SlackConfigError(f'{where}: at must be a time of day HH:MM, e.g. "08:00"')
    zone = str(raw.get("timezone", "UTC"))
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise SlackConfigError(f"{where}: timezone {zone!r} is not a known time zone, e.g. Europe/Berlin") from None
    since = str(raw.get("since") or every_text)
    try:
        resolve_since(since)
    except QuestionError:
        raise SlackConfigError(f"{where}: since must be a span back, {FORMAT}, or a date (2024-05-01)") from None
    topic = raw.get("topic")
    if topic is not None and (not isinstance(topic, str) or not topic.strip()):
        raise SlackConfigError(f"{where}: topic must be a non-empty text")
    hour, minute = int(at.group(1)), int(at.group(2))
    return DigestSchedule(every, time(hour, minute), zone, since, topic.strip() if topic else None)


def _every(text: str, where: str) -> timedelta:
    """How often a digest goes out: a period of at least MIN_PERIOD, so a typo cannot flood a channel."""
    problem = SlackConfigError(f"{where}: every must be a period of 15m or more, {FORMAT} (not {text!r})")
    try:
        every = parse_period(text)
    except PeriodError:
        raise problem from None
    if every < MIN_PERIOD:
        raise problem
    return every
