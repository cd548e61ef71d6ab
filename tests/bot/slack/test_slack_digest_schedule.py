"""A channel's `digest` schedule: read from TOML or YAML, checked, and its slots on the local wall clock."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.slack.channels import load_channel_map
from bot.slack.credentials import SlackConfigError
from bot.slack.digest_schedule import DigestSchedule
from index.period import FORMAT

TOML = """
[channels.C0NEWS]
sources = ["Reuters"]
digest = {every = "24h", at = "08:00", timezone = "Europe/Berlin", since = "2d", topic = "EU 5G"}

[channels.C0ALL.digest]
every = "6h"
"""

YAML = """
channels:
  C0NEWS:
    sources: [Reuters]
    digest: {every: 24h, at: "08:00", timezone: Europe/Berlin, since: 2d, topic: EU 5G}
  C0ALL:
    digest: {every: 6h}
"""

BERLIN = ZoneInfo("Europe/Berlin")


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_toml_and_yaml_give_the_same_schedules_and_defaults_follow_the_period(tmp_path: Path) -> None:
    toml = load_channel_map(_write(tmp_path, "c.toml", TOML))
    assert toml == load_channel_map(_write(tmp_path, "c.yaml", YAML))
    assert toml["C0NEWS"].digest == DigestSchedule(timedelta(hours=24), time(8, 0), "Europe/Berlin", "2d", "EU 5G")
    assert toml["C0ALL"].digest == DigestSchedule(timedelta(hours=6), time(0, 0), "UTC", "6h", None)
    assert toml["C0ALL"].sources == ()


@pytest.mark.parametrize(
    ("digest", "problem"),
    [
        ('{every = "5m"}', "every must be a period of 15m or more"),
        ('{every = "daily"}', "every must be a period"),
        ('{at = "25:00"}', "at must be a time of day HH:MM"),
        ('{timezone = "Mars/Base"}', "not a known time zone"),
        ('{since = "yesterday"}', "since must be a span back"),
        ('{topic = ""}', "topic must be a non-empty text"),
        ('{cron = "0 8 * * *"}', r"unknown setting\(s\) cron"),
        ("3", "must be a table"),
    ],
)
def test_a_bad_schedule_names_the_channel_and_what_to_write(tmp_path: Path, digest: str, problem: str) -> None:
    path = _write(tmp_path, "c.toml", f"[channels.C0NEWS]\ndigest = {digest}\n")
    with pytest.raises(SlackConfigError, match=f"channel C0NEWS: digest.*{problem}"):
        load_channel_map(path)


def test_every_and_since_take_the_shared_period_grammar(tmp_path: Path) -> None:
    path = _write(tmp_path, "c.toml", '[channels.C0NEWS]\ndigest = {every = "90m", since = "1.5h"}\n')
    schedule = load_channel_map(path)["C0NEWS"].digest
    assert schedule == DigestSchedule(timedelta(minutes=90), time(0, 0), "UTC", "1.5h", None)
    assert schedule.describe() == "every 90m at 00:00 UTC, since 1.5h"
    weekly = load_channel_map(_write(tmp_path, "w.toml", '[channels.C0NEWS]\ndigest = {every = "2w"}\n'))
    assert weekly["C0NEWS"].digest == DigestSchedule(timedelta(weeks=2), time(0, 0), "UTC", "2w", None)
    for key in ("every", "since"):
        with pytest.raises(SlackConfigError, match=re.escape(FORMAT)):
            load_channel_map(_write(tmp_path, "bad.toml", f'[channels.C0NEWS]\ndigest = {{{key} = "daily"}}\n'))


def test_daily_slots_stay_at_the_local_hour_across_daylight_saving() -> None:
    schedule = DigestSchedule(timedelta(hours=24), time(8, 0), "Europe/Berlin")
    before = datetime(2024, 3, 30, 6, 30, tzinfo=UTC)  # 07:30 in Berlin (UTC+1)
    assert schedule.last_slot(before) == datetime(2024, 3, 29, 8, 0, tzinfo=BERLIN)
    assert schedule.next_slot(before).astimezone(UTC) == datetime(2024, 3, 30, 7, 0, tzinfo=UTC)
    after = datetime(2024, 3, 31, 7, 30, tzinfo=UTC)  # 09:30 in Berlin (UTC+2 since 02:00)
    assert schedule.last_slot(after).astimezone(UTC) == datetime(2024, 3, 31, 6, 0, tzinfo=UTC)
    assert schedule.next_slot(schedule.last_slot(after)) == datetime(2024, 4, 1, 8, 0, tzinfo=BERLIN)


def test_weekly_slots_fall_on_mondays_and_hourly_ones_count_from_at() -> None:
    weekly = DigestSchedule(timedelta(weeks=1), time(9, 0))
    wednesday = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    assert weekly.last_slot(wednesday) == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    assert weekly.next_slot(wednesday) == datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    six_hourly = DigestSchedule(timedelta(hours=6), time(1, 30))
    assert six_hourly.last_slot(wednesday) == datetime(2026, 12, 2, 7, 30, tzinfo=UTC)
    assert six_hourly.next_slot(datetime(2026, 12, 2, 7, 30, tzinfo=UTC)) == datetime(2026, 12, 2, 13, 30, tzinfo=UTC)
