"""Scheduled digests through the real app: the channel map's schedules become APScheduler jobs that post
cited digests to the local Web API, follow reloads, survive Slack errors, and never post a slot twice."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.core.digest import Digest, DigestStory
from bot.core.models import Citation
from bot.core.pipeline import Pipeline
from bot.slack.app import SlackBot, create_app
from bot.slack.channels import ChannelMap, ChannelRule
from bot.slack.digest import DIGEST_EVENT, post_digest
from bot.slack.digest_schedule import DigestSchedule
from bot.slack.digest_scheduler import STATE_DIR, DigestScheduler
from index.ingest import ingest
from tests.index.test_stories import _wire
from tests.support.slack_api import SlackApiServer
from tests.support.slack_app import slack_settings

# `at` does not matter: a schedule whose latest slot was never posted is due now.
MAP = """
[channels.C0NEWS.digest]
every = "24h"
at = "08:00"
since = "2019-03-01"

[channels.C0FARM]
sources = ["Paper D"]
digest = {every = "1w", since = "2019-03-01"}
"""


def _eventually(check: Callable[[], object], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def _blocks(call_params: dict[str, object]) -> str:
    return "\n".join(b["text"]["text"] for b in call_params["blocks"])  # type: ignore[attr-defined,index]


@pytest.fixture
def index_dir(tmp_path: Path, embedder) -> Path:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    ingest([_wire(tmp_path / "wire")], slack_settings(data, "http://127.0.0.1:9/api/").index, embedder=embedder)
    return data


@pytest.fixture
def channels_file(tmp_path: Path) -> Path:
    path = tmp_path / "channels.toml"
    path.write_text(MAP, encoding="utf-8")
    return path


@pytest.fixture
def start_bot(
    index_dir: Path,
    channels_file: Path,
    slack_api: SlackApiServer,
    embedder,  # type: ignore[no-untyped-def]
) -> Iterator[Callable[[], SlackBot]]:
    bots: list[SlackBot] = []

    def start() -> SlackBot:
        settings = slack_settings(index_dir, slack_api.url, slack_channels_file=channels_file)
        bots.append(create_app(settings, Pipeline(settings, embedder=embedder), answer_workers=2))
        return bots[-1]

    yield start
    for bot in bots:
        bot.close()


def _posted(index_dir: Path, channel: str) -> bool:
    return (index_dir / STATE_DIR / f"{channel}.json").exists()


def test_due_schedules_post_cited_digests_scoped_to_the_channel_once_per_slot(
    start_bot: Callable[[], SlackBot], slack_api: SlackApiServer, index_dir: Path
) -> None:
    bot = start_bot()
    posts = {c.params["channel"]: c.params for c in slack_api.wait_for("chat.postMessage", 2)}
    _eventually(lambda: _posted(index_dir, "C0NEWS") and _posted(index_dir, "C0FARM"), "the posts' records")
    news = _blocks(posts["C0NEWS"])
    assert news.startswith("*What is new* (since 2019-03-01, 2 stories)")
    assert news.count("\n> ") == 2 and "[1] " in news and "[2] " in news
    assert "also carried by: Paper B, Paper C" in news
    assert posts["C0NEWS"]["metadata"]["event_type"] == DIGEST_EVENT  # type: ignore[index]
    farm = _blocks(posts["C0FARM"])
    assert "1 story" in farm and "wheat harvest" in farm and "5G" not in farm, "only the channel's sources"

    assert bot.digests is not None
    assert bot.digests.run("C0NEWS") is None, "the slot was posted already"
    restarted = start_bot()  # another worker, or a restart: the slot is not posted again
    assert restarted.digests is not None and restarted.digests.run("C0FARM") is None
    assert len(slack_api.calls("chat.postMessage")) == 2
    next_runs = bot.digests.scheduled()
    assert set(next_runs) == {"C0NEWS", "C0FARM"}
    assert all(when is not None and when.timestamp() > time.time() for when in next_runs.values())


def test_a_reload_removes_changes_and_adds_schedules(
    start_bot: Callable[[], SlackBot], slack_api: SlackApiServer, index_dir: Path, channels_file: Path
) -> None:
    bot = start_bot()
    slack_api.wait_for("chat.postMessage", 2)
    _eventually(lambda: _posted(index_dir, "C0NEWS") and _posted(index_dir, "C0FARM"), "the posts' records")
    assert bot.digests is not None
    channels_file.write_text(
        '[channels.C0NEWS]\nsources = ["Wire A"]\n\n'
        '[channels.C0FARM.digest]\nevery = "1w"\nat = "06:00"\nsince = "2019-03-01"\n\n'
        '[channels.C0NEW.digest]\nsince = "2019-03-01"\ntopic = "wheat harvest"\n',
        encoding="utf-8",
    )
    assert bot.channels.reload()
    assert set(bot.digests.scheduled()) == {"C0FARM", "C0NEW"}
    [added] = [c for c in slack_api.wait_for("chat.postMessage", 3) if c.params["channel"] == "C0NEW"]
    assert "*What is new on wheat harvest*" in _blocks(added.params)
    _eventually(lambda: _posted(index_dir, "C0NEW"), "the new channel's record")
    assert bot.digests.run("C0NEWS") is None, "a channel whose schedule was removed gets no digest"
    assert bot.digests.run("C0FARM") is None, "a changed schedule whose slot was posted posts nothing now"
    farm_next = bot.digests.scheduled()["C0FARM"]
    assert farm_next is not None and (farm_next.weekday(), farm_next.hour) == (0, 6)
    assert len(slack_api.calls("chat.postMessage")) == 3
    bot.close()
    channels_file.write_text(MAP, encoding="utf-8")
    assert bot.channels.reload() and bot.digests.scheduled() == {}, "a closed app schedules nothing on reload"


def test_a_slack_error_is_logged_with_what_to_do_and_the_scheduler_keeps_going(
    start_bot: Callable[[], SlackBot],
    slack_api: SlackApiServer,
    index_dir: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.slack.digest_scheduler")
    slack_api.fail("chat.postMessage", "not_in_channel", times=2)
    bot = start_bot()
    assert bot.digests is not None

    def refused() -> list[logging.LogRecord]:
        return [r for r in caplog.records if r.levelno == logging.ERROR and "not_in_channel" in r.getMessage()]

    _eventually(lambda: len(refused()) == 2, "both refusals in the log")
    message = refused()[0].getMessage()
    assert "/invite @newsbot" in message and "the next try is at" in message
    assert not _posted(index_dir, "C0NEWS") and not _posted(index_dir, "C0FARM")
    assert set(bot.digests.scheduled()) == {"C0NEWS", "C0FARM"}, "both jobs are still scheduled"
    ts = bot.digests.run("C0NEWS")
    assert ts and _posted(index_dir, "C0NEWS"), "the next run posts"
    assert [c.params["channel"] for c in slack_api.calls("chat.postMessage")][-1] == "C0NEWS"


def test_one_channel_never_gets_two_concurrent_posts(tmp_path: Path, slack_api: SlackApiServer) -> None:
    path = tmp_path / "channels.toml"
    path.write_text('[channels.C0NEWS.digest]\nevery = "1h"\n', encoding="utf-8")
    settings = slack_settings(tmp_path / "data", slack_api.url)
    building, release = threading.Event(), threading.Event()

    def slow_build(rule: ChannelRule, schedule: DigestSchedule, slot: datetime) -> Digest:
        building.set()
        assert release.wait(30)
        return _one_story(schedule.since)

    scheduler = DigestScheduler(
        ChannelMap(path), slow_build, lambda c, d: post_digest(settings.slack, c, d), tmp_path / "data"
    )
    first: list[str | None] = []
    worker = threading.Thread(target=lambda: first.append(scheduler.run("C0NEWS")))
    worker.start()
    assert building.wait(30)
    assert scheduler.run("C0NEWS") is None, "a second run while the first posts does nothing"
    release.set()
    worker.join(30)
    assert first and first[0]
    [post] = slack_api.calls("chat.postMessage")
    assert "1 story" in _blocks(post.params)


def test_an_empty_digest_is_not_posted_and_its_slot_counts_as_done(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "channels.toml"
    path.write_text('[channels.C0NEWS.digest]\nevery = "1h"\nsince = "2019-03-01"\n', encoding="utf-8")
    built: list[str] = []
    posted: list[Digest] = []

    def build(rule: ChannelRule, schedule: DigestSchedule, slot: datetime) -> Digest:
        built.append(rule.channel)
        return Digest(since=schedule.since)

    def post(channel: str, digest: Digest) -> str:
        posted.append(digest)
        return "1700000000.000001"

    caplog.set_level(logging.INFO, logger="bot.slack.digest_scheduler")
    assert DigestScheduler(ChannelMap(path), build, post, tmp_path / "data").run("C0NEWS") is None
    assert built == ["C0NEWS"] and posted == [], "built, found empty, not posted"
    [line] = [r.getMessage() for r in caplog.records if r.name == "bot.slack.digest_scheduler"]
    assert "C0NEWS" in line and "nothing new since 2019-03-01" in line
    restarted = DigestScheduler(ChannelMap(path), build, post, tmp_path / "data")
    assert restarted.run("C0NEWS") is None and built == ["C0NEWS"], "the slot is done: not built again"
    assert posted == []


def test_a_late_slot_covers_the_window_counted_from_the_slot(tmp_path: Path) -> None:
    """A slot posted late (the app was down) is built for that slot: `since` counts back from the slot's time,
    not from when the digest is built."""
    path = tmp_path / "channels.toml"
    path.write_text('[channels.C0NEWS.digest]\nevery = "1w"\nat = "08:00"\nsince = "24h"\n', encoding="utf-8")
    slots: list[datetime] = []

    def build(rule: ChannelRule, schedule: DigestSchedule, slot: datetime) -> Digest:
        slots.append(slot)
        return Digest(since=schedule.window_start(slot))

    before = datetime.now(UTC)
    DigestScheduler(ChannelMap(path), build, lambda c, d: "1700000000.000001", tmp_path / "data").run("C0NEWS")
    [slot] = slots
    assert (slot.weekday(), slot.hour, slot.minute) == (0, 8, 0), "the week's slot: Monday 08:00"
    assert before - timedelta(weeks=1) < slot <= before
    schedule = DigestSchedule(every=timedelta(weeks=1), since="24h")
    late = datetime(2024, 5, 6, 8, 0, tzinfo=UTC)  # a Monday slot, built days later: the same window
    assert schedule.window_start(late) == "2024-05-05"
    assert schedule.window_start(late.astimezone(ZoneInfo("Pacific/Auckland"))) == "2024-05-05"


def _one_story(since: str) -> Digest:
    citation = Citation(
        1, "a1", "Harvest", "2019-03-27", "Paper D", "", "Farmers reported a record harvest.", "a1:0", 1.0
    )
    story = DigestStory("story:a1", citation.title, citation.date, citation.source, (), citation)
    return Digest(since=since, stories=[story])
