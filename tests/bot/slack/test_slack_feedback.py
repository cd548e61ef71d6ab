"""The feedback JSONL: one whole line per click, even with many threads writing at once; one vote per person
per answer, their latest."""

from __future__ import annotations

import threading
from pathlib import Path

from bot.slack.app import SlackBot
from bot.slack.feedback import FeedbackLog
from tests.support.slack_api import BOT_ID, SlackApiServer
from tests.support.slack_app import SlackClient


def test_votes_append_whole_json_lines_in_a_new_data_dir(tmp_path: Path) -> None:
    log = FeedbackLog(tmp_path / "not-yet" / "feedback.jsonl")
    threads = [
        threading.Thread(target=log.record, kwargs={"user": f"U{i}", "vote": "up", "answer": "x" * 5000})
        for i in range(20)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    entries = log.read()
    assert sorted(e["user"] for e in entries) == sorted(f"U{i}" for i in range(20))
    assert all(e["answer"] == "x" * 5000 and e["time"] for e in entries)
    assert len(log.path.read_text().splitlines()) == 20


def test_a_reason_belongs_to_the_latest_thumbs_down_and_a_switch_back_drops_it(tmp_path: Path) -> None:
    log = FeedbackLog(tmp_path / "feedback.jsonl")
    where = {"channel": "C1", "message_ts": "1.1"}
    log.record(**where, user="U1", vote="down", reason=None)
    log.record(**where, user="U1", vote="down", reason="wrong date")
    assert [(e["vote"], e["reason"]) for e in log.read()] == [("down", "wrong date")]
    log.record(**where, user="U1", vote="up", reason=None)
    log.record(channel="C1", message_ts="2.2", user="U1", vote="down", reason=None)
    assert [(e["message_ts"], e["vote"], e["reason"]) for e in log.read()] == [
        ("1.1", "up", None),
        ("2.2", "down", None),
    ]
    assert len(log.clicks()) == 4


def test_clicking_twice_or_switching_is_recorded_once_as_the_latest_choice(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer
) -> None:
    event = slack.mention("What did Huawei welcome?")
    assert bot.wait_idle()
    [message] = [m for m in slack_api.thread(event["channel"], event["ts"]) if m.get("bot_id") == BOT_ID]

    for vote in ("up", "up", "down", "up"):
        assert slack.feedback(message, event["channel"], vote, user="U0BOB") == 200
        assert bot.wait_idle()
    assert slack.feedback(message, event["channel"], "down", user="U0CAROL") == 200
    assert bot.wait_idle()

    votes = {(e["user"], e["vote"], e["question"], e["message_ts"]) for e in bot.feedback.read()}
    assert votes == {
        ("U0BOB", "up", "What did Huawei welcome?", message["ts"]),
        ("U0CAROL", "down", "What did Huawei welcome?", message["ts"]),
    }
    assert len(bot.feedback.clicks()) == 5
    assert len(slack_api.calls("views.open")) == 2
