"""The real app in Socket Mode against a local WebSocket server playing Slack: an app_mention envelope is
acked and answered once in its thread, a retried envelope is acked and dropped, a dropped connection
reconnects through apps.connections.open and keeps answering."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.slack.app import SlackBot, create_app
from bot.slack.history import ANSWER_EVENT
from bot.slack.socket_mode import socket_handler
from tests.support.slack_api import BOT_USER_ID, SlackApiServer
from tests.support.slack_app import BOT_TOKEN, FakePipeline, cited_answer, slack_settings
from tests.support.slack_socket import SlackSocketServer

APP_TOKEN = "xapp-1-A0NEWSBOT-1111-sockettest"


@pytest.fixture
def socket_server() -> Iterator[SlackSocketServer]:
    with SlackSocketServer() as server:
        yield server


@pytest.fixture
def socket_api(socket_server: SlackSocketServer) -> Iterator[SlackApiServer]:
    with SlackApiServer(BOT_TOKEN, app_token=APP_TOKEN) as api:
        api.state.socket_url = socket_server.url
        yield api


@pytest.fixture
def socket_bot(tmp_path: Path, socket_api: SlackApiServer) -> Iterator[SlackBot]:
    settings = slack_settings(tmp_path / "data", socket_api.url, slack_app_token=APP_TOKEN, slack_signing_secret=None)
    bot = create_app(settings, FakePipeline())
    handler = socket_handler(bot, APP_TOKEN, ping_interval=1)
    handler.connect()
    yield bot
    handler.close()
    bot.close()


def mention(api: SlackApiServer, text: str) -> dict[str, str]:
    message = api.add_message("C0NEWS", "U0ALICE", f"<@{BOT_USER_ID}> {text}")
    return {**message, "type": "app_mention", "channel": "C0NEWS", "event_ts": message["ts"]}


def test_an_app_mention_envelope_is_acked_and_answered_once_in_its_thread(
    socket_bot: SlackBot, socket_api: SlackApiServer, socket_server: SlackSocketServer
) -> None:
    socket_server.wait_connections(1)
    [opened] = socket_api.calls("apps.connections.open")
    assert opened.token == APP_TOKEN

    event = mention(socket_api, "What did the EU decide on 5G?")
    envelope = socket_server.deliver(event)
    assert socket_server.wait_ack(envelope) == {"envelope_id": envelope}
    assert socket_bot.wait_idle()
    retry = socket_server.deliver(event, retry_attempt=1)
    assert socket_server.wait_ack(retry) == {"envelope_id": retry}
    assert socket_bot.wait_idle()

    [answer] = socket_api.calls("chat.postMessage")
    assert answer.params["channel"] == "C0NEWS" and answer.params["thread_ts"] == event["ts"]
    assert answer.params["text"] == cited_answer("What did the EU decide on 5G?").answer
    assert "<https://example.com/5g|[1]>" in answer.params["blocks"][0]["text"]["text"]
    assert answer.params["metadata"]["event_type"] == ANSWER_EVENT


def test_a_dropped_connection_reconnects_and_keeps_answering(
    socket_bot: SlackBot, socket_api: SlackApiServer, socket_server: SlackSocketServer
) -> None:
    socket_server.wait_connections(1)
    socket_server.drop()
    socket_server.wait_connections(2)
    assert len(socket_api.calls("apps.connections.open")) >= 2

    event = mention(socket_api, "still there?")
    envelope = socket_server.deliver(event)
    assert socket_server.wait_ack(envelope) == {"envelope_id": envelope}
    assert socket_bot.wait_idle()
    [answer] = socket_api.calls("chat.postMessage")
    assert answer.params["thread_ts"] == event["ts"]


def test_the_agent_view_events_arrive_over_socket_mode_too(
    tmp_path: Path, socket_api: SlackApiServer, socket_server: SlackSocketServer
) -> None:
    """Opening the Messages tab, the viewed channel and a question there, as Socket Mode envelopes, with
    progress as task updates in the stream."""
    channels = tmp_path / "channels.toml"
    channels.write_text('[channels.C0MARKETS]\nsources = ["Reuters"]\n', encoding="utf-8")
    options = {"slack_progress": "plan", "slack_channels_file": channels}
    settings = slack_settings(
        tmp_path / "data", socket_api.url, slack_app_token=APP_TOKEN, slack_signing_secret=None, **options
    )
    pipeline = FakePipeline()
    bot = create_app(settings, pipeline)
    handler = socket_handler(bot, APP_TOKEN, ping_interval=1)
    handler.connect()
    try:
        socket_server.wait_connections(1)
        opened = {"type": "app_home_opened", "user": "U0ALICE", "channel": "D0ALICE", "tab": "messages",
                  "event_ts": socket_api.next_ts()}  # fmt: skip
        viewing = {"type": "app_context_changed", "user": "U0ALICE", "event_ts": socket_api.next_ts(),
                   "context": {"entities": [{"type": "slack#/types/channel_id", "value": "C0MARKETS"}]}}  # fmt: skip
        for event in (opened, viewing):
            envelope = socket_server.deliver(event)
            assert socket_server.wait_ack(envelope) == {"envelope_id": envelope}
            assert bot.wait_idle()
        message = socket_api.add_message("D0ALICE", "U0ALICE", "Any chip news?")
        envelope = socket_server.deliver({**message, "channel": "D0ALICE", "channel_type": "im", "team": "T0TEST"})
        assert socket_server.wait_ack(envelope) == {"envelope_id": envelope}
        assert bot.wait_idle()
    finally:
        handler.close()
        bot.close()

    methods = [c.method for c in socket_api.calls() if c.method.startswith(("chat.", "assistant."))]
    assert methods == ["chat.startStream", "chat.appendStream", "chat.stopStream"]  # no library: no prompts
    [filters] = pipeline.filters
    assert filters is not None and filters.sources == ("Reuters",)
    [start] = socket_api.calls("chat.startStream")
    assert start.params["thread_ts"] == message["ts"]
