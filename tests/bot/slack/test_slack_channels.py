"""The channel map: read from TOML or YAML, checked, reloaded on SIGHUP (a broken file keeps the old map),
and honoured by mentions, `/ask` and `only_when_cited` channels through the real app."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path
from typing import Any

import pytest

from bot.cli.slack import reload_on_sighup
from bot.core.models import Answer
from bot.slack.app import SlackBot
from bot.slack.channels import ChannelMap, ChannelRule, load_channel_map
from bot.slack.credentials import SlackConfigError
from bot.slack.render import SHARE
from tests.support.slack_api import SlackApiServer
from tests.support.slack_app import FakePipeline, SlackClient

TOML = """
[channels.C0MARKETS]
name = "markets"
sources = ["Reuters", "Bloomberg"]
window_days = 90
only_when_cited = true
mention_only = true

[channels.C0TECH]
sources = ["The Verge"]
"""

YAML = """
channels:
  C0MARKETS:
    name: markets
    sources: [Reuters, Bloomberg]
    window_days: 90
    only_when_cited: true
    mention_only: true
  C0TECH:
    sources: The Verge
"""


@pytest.fixture
def channels_file(tmp_path: Path) -> Path:
    path = tmp_path / "channels.toml"
    path.write_text(TOML, encoding="utf-8")
    return path


@pytest.fixture
def settings_overrides(channels_file: Path) -> dict[str, Any]:
    return {"slack_channels_file": channels_file}


def test_toml_and_yaml_give_the_same_map(tmp_path: Path, channels_file: Path) -> None:
    yaml_file = tmp_path / "channels.yaml"
    yaml_file.write_text(YAML, encoding="utf-8")
    assert load_channel_map(channels_file) == load_channel_map(yaml_file)
    markets = load_channel_map(channels_file)["C0MARKETS"]
    assert markets == ChannelRule("C0MARKETS", ("Reuters", "Bloomberg"), 90, True, True, "markets")
    assert load_channel_map(yaml_file)["C0TECH"].sources == ("The Verge",)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[channels.C1]\nsource = ['Reuters']\n", r"unknown setting\(s\) source"),
        ("[channels.C1]\nwindow_days = 0\n", "window_days must be a whole number"),
        ("[channels.C1]\nonly_when_cited = 'yes'\n", "only_when_cited must be true or false"),
        ("[channels.C1]\nsources = [1]\n", "sources must be a list"),
        ("channels = 3\n", "needs a 'channels' table"),
        ("[channels.C1\n", "is not valid TOML"),
    ],
)
def test_a_bad_file_is_an_error_that_says_what_to_fix(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "channels.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SlackConfigError, match=problem):
        load_channel_map(path)


def test_a_missing_file_or_other_suffix_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SlackConfigError, match="cannot read"):
        load_channel_map(tmp_path / "absent.toml")
    other = tmp_path / "channels.ini"
    other.write_text("x", encoding="utf-8")
    with pytest.raises(SlackConfigError, match=r"\.toml, \.yaml or \.yml"):
        load_channel_map(other)


def test_sighup_reloads_and_a_broken_file_keeps_the_map_in_force(bot: SlackBot, channels_file: Path) -> None:
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGHUP"):
        pytest.skip("signals are delivered to the main thread only")
    previous = signal.getsignal(signal.SIGHUP)
    try:
        assert reload_on_sighup(bot)
        channels_file.write_text('[channels.C0NEW]\nsources = ["AP"]\n', encoding="utf-8")
        os.kill(os.getpid(), signal.SIGHUP)
        for _ in range(200):
            if bot.channels.rule("C0NEW") is not None:
                break
            threading.Event().wait(0.02)
        assert bot.channels.rule("C0NEW") == ChannelRule("C0NEW", ("AP",))
        assert bot.channels.rule("C0MARKETS") is None
    finally:
        signal.signal(signal.SIGHUP, previous)
    channels_file.write_text("[channels.C0NEW\n", encoding="utf-8")
    assert bot.channels.reload() is False
    assert bot.channels.rule("C0NEW") == ChannelRule("C0NEW", ("AP",))


def test_a_mention_in_a_mapped_channel_is_scoped_and_says_so(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer, pipeline: FakePipeline
) -> None:
    slack.mention("How are chip exports doing?", channel="C0TECH")
    assert bot.wait_idle()
    slack.mention("How are chip exports doing?", channel="C0NEWS")
    assert bot.wait_idle()

    scoped, unscoped = pipeline.filters
    assert scoped is not None and scoped.sources == ("The Verge",) and scoped.since is None
    assert unscoped is None
    tech, news = slack_api.calls("chat.postMessage")
    assert tech.params["blocks"][0]["elements"][0]["text"] == "From <#C0TECH>'s sources: The Verge"
    assert news.params["blocks"][0]["type"] == "section"


def test_a_channel_mapped_only_for_its_digest_is_answered_unscoped(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer, pipeline: FakePipeline, channels_file: Path
) -> None:
    channels_file.write_text('[channels.C0DIGEST.digest]\nevery = "24h"\n', encoding="utf-8")
    assert bot.channels.reload() and bot.channels.rule("C0DIGEST") is not None
    slack.mention("How are chip exports doing?", channel="C0DIGEST")
    assert bot.wait_idle()
    assert pipeline.filters == [None]
    [post] = slack_api.calls("chat.postMessage")
    assert post.params["blocks"][0]["type"] == "section", "no scope line first"
    assert "Scoped to" not in str(post.params["blocks"])


def refused(question: str, history: object) -> Answer:
    return Answer(question=question, answer="", refused=True, citations=[], backend="fake")


@pytest.mark.parametrize("pipeline", [{"make": refused}], indirect=True)
def test_an_only_when_cited_channel_gets_no_public_refusal_only_a_note_to_the_asker(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer
) -> None:
    event = slack.mention("What is the capital of Mongolia?", channel="C0MARKETS")
    assert bot.wait_idle()
    slack.mention("What is the capital of Mongolia?", channel="C0NEWS")
    assert bot.wait_idle()

    [posted] = slack_api.calls("chat.postMessage")
    assert posted.params["channel"] == "C0NEWS"  # an unmapped channel still hears the refusal
    [note] = slack_api.calls("chat.postEphemeral")
    assert note.params["channel"] == "C0MARKETS" and note.params["user"] == "U0ALICE"
    assert note.params["thread_ts"] == event["ts"]
    assert "#markets" in note.params["text"] and "stay quiet" in note.params["text"]


def slash(slack: SlackClient, api: SlackApiServer, channel: str, name: str) -> int:
    return slack.command(
        {
            "command": "/ask",
            "text": "How are chip exports doing?",
            "user_id": "U0ALICE",
            "channel_id": channel,
            "team_id": "T0TEST",
            "response_url": api.response_url(name),
            "trigger_id": "1.2.3",
        }
    )


def test_ask_in_a_mapped_channel_is_scoped_and_a_mention_only_channel_gets_no_share_button(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer, pipeline: FakePipeline
) -> None:
    assert slash(slack, slack_api, "C0MARKETS", "markets") == 200
    assert slash(slack, slack_api, "C0TECH", "tech") == 200
    assert bot.wait_idle()

    by_channel = {c.method: c.params for c in slack_api.calls() if c.method.startswith("response_url:")}
    markets, tech = by_channel["response_url:markets"], by_channel["response_url:tech"]
    actions = [e["action_id"] for b in markets["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert SHARE not in actions
    assert SHARE in [e["action_id"] for b in tech["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert sorted(f.sources for f in pipeline.filters if f is not None) == [("Reuters", "Bloomberg"), ("The Verge",)]


def test_an_unmapped_app_behaves_as_before(tmp_path: Path) -> None:
    channels = ChannelMap(None)
    assert channels.rule("C0MARKETS") is None and len(channels) == 0 and channels.reload() is False
