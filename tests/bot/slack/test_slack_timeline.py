"""`/timeline` through the real Bolt app (signed request, local Web API), and a digest posted to a channel."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.digest import build_digest
from bot.core.pipeline import Pipeline
from bot.slack.app import SlackBot, create_app
from bot.slack.digest import DigestPostError, post_digest, render_digest
from bot.slack.timeline import render_timeline
from index.ingest import ingest
from tests.index.test_stories import _wire
from tests.support.one_story import SOURCE, TITLES, URL, one_story
from tests.support.slack_api import SlackApiServer
from tests.support.slack_app import SlackClient, serve_in_thread, slack_settings


@pytest.fixture
def real_bot(tmp_path: Path, slack_api: SlackApiServer, embedder) -> Iterator[tuple[SlackBot, Pipeline]]:  # type: ignore[no-untyped-def]
    settings = slack_settings(tmp_path / "data", slack_api.url)
    ingest([_wire(tmp_path / "wire")], settings.index, embedder=embedder)
    pipeline = Pipeline(settings, embedder=embedder)
    bot = create_app(settings, pipeline, answer_workers=2)
    yield bot, pipeline
    bot.close()


def test_timeline_command_answers_privately_with_one_entry_per_story(
    real_bot: tuple[SlackBot, Pipeline], slack_api: SlackApiServer
) -> None:
    bot, _ = real_bot
    with serve_in_thread(bot) as base:
        slack = SlackClient(base, slack_api)
        form = {
            "command": "/timeline",
            "text": "EU 5G security",
            "user_id": "U0ALICE",
            "channel_id": "C0NEWS",
            "team_id": "T0TEST",
            "response_url": slack_api.response_url("timeline"),
            "trigger_id": "1.2.3",
        }
        assert slack.command(form) == 200
        assert json.loads(slack.last_body)["response_type"] == "ephemeral"
        assert bot.wait_idle()
    [reply] = slack_api.calls("response_url:timeline")
    text = "\n".join(b["text"]["text"] for b in reply.params["blocks"])
    assert text.startswith("*Timeline: EU 5G security*")
    assert "*2019-03-27*" in text and "also carried by: Paper B, Paper C" in text
    assert text.count("> ") == 1, "three copies of one story are one entry"


def test_digest_is_posted_to_the_channel(real_bot: tuple[SlackBot, Pipeline], slack_api: SlackApiServer) -> None:
    _, pipeline = real_bot
    digest = build_digest(pipeline.store, pipeline.retriever, since="2019-03-01")
    post_digest(pipeline.settings.slack, "C0NEWS", digest)
    [post] = slack_api.calls("chat.postMessage")
    assert post.params["channel"] == "C0NEWS"
    blocks = "\n".join(b["text"]["text"] for b in post.params["blocks"])
    assert "2 stories" in blocks and "also carried by: Paper B, Paper C" in blocks
    with pytest.raises(DigestPostError):
        post_digest(pipeline.settings.slack, "", digest)


@pytest.mark.parametrize("title", TITLES.values(), ids=TITLES.keys())
def test_each_entry_names_its_title_and_source_once(title: str) -> None:
    digest, timeline = one_story(title)
    for message in (render_digest(digest), render_timeline(timeline)):
        text = "\n".join(b["text"]["text"] for b in message.blocks)
        assert text.count(title) == 1 and text.count(SOURCE) == 1, text
        assert URL in text, "the entry still links the article"
