"""APScheduler's view of a `DigestSchedule`, in a module of its own so APScheduler (about 0.15 s to import)
is loaded only once a channel has a schedule."""

from __future__ import annotations

from datetime import datetime

from apscheduler.triggers.base import BaseTrigger

from bot.slack.digest_schedule import DigestSchedule


class SlotTrigger(BaseTrigger):  # type: ignore[misc]
    """Fire at each slot of the schedule (its own arithmetic, so every process agrees on the slots)."""

    def __init__(self, schedule: DigestSchedule) -> None:
        self.schedule = schedule

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime:
        return self.schedule.next_slot(previous_fire_time or now)
