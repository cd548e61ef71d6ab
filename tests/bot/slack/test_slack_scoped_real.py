"""The real pipeline behind the real app, over a small multi-source index: a question in (or viewed from) a
mapped channel cites only that channel's sources, progress reports what retrieval really found, and a
👎 "wrong or outdated source" in Slack lowers that article for the next question until it is reset."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.core.pipeline import Pipeline
from bot.settings import Settings
from bot.slack.app import SlackBot
from bot.slack.feedback import WRONG_SOURCE
from index.feedback import FeedbackStore
from index.ingest import ingest
from tests.bot.core.test_retrieve_feedback import ARTICLES
from tests.bot.slack.test_slack_feedback_weights import choices, submit
from tests.conftest import make_settings
from tests.support.slack_api import BOT_ID, SlackApiServer
from tests.support.slack_app import SlackClient

QUESTION = "How did chip exports do in March?"


@pytest.fixture
def index_settings(tmp_path: Path, embedder) -> Settings:  # type: ignore[no-untyped-def]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i, (source, title, body) in enumerate(ARTICLES):
        url = f"https://news.example/{i}"
        (corpus / f"{i:02d}.md").write_text(
            f"---\ntitle: {title}\ndate: 2026-03-2{i}\nsource: {source}\nurl: {url}\n---\n\n{body}\n"
        )
    settings = make_settings(tmp_path / "data")
    ingest([corpus], settings.index, embedder=embedder)
    return settings


@pytest.fixture
def pipeline(index_settings: Settings, embedder) -> Pipeline:  # type: ignore[no-untyped-def]
    return Pipeline(index_settings, embedder=embedder)


@pytest.fixture
def settings_overrides(tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "channels.yaml"
    path.write_text("channels:\n  C0MARKETS:\n    name: markets\n    sources: [Reuters, Bloomberg]\n", encoding="utf-8")
    return {"slack_channels_file": path, "slack_progress": "plan"}


def cited_sources(api: SlackApiServer, channel: str, thread_ts: str) -> list[str]:
    [message] = [m for m in api.thread(channel, thread_ts) if m.get("bot_id") == BOT_ID]
    return [a["id"] for a in message["metadata"]["event_payload"].get("articles", [])], message


def test_a_mapped_channel_cites_only_its_sources_and_reports_what_was_found(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer, pipeline: Pipeline
) -> None:
    event = slack.mention(QUESTION, channel="C0MARKETS")
    assert bot.wait_idle()
    articles, message = cited_sources(slack_api, "C0MARKETS", event["ts"])
    sources = {h.chunk.article_id: h.chunk.source for h in pipeline.retrieve(QUESTION, top_k=10)}
    assert articles and {sources[a] for a in articles} <= {"Reuters", "Bloomberg"}
    assert message["plan_title"] == "From #markets's sources: Reuters, Bloomberg"
    found = message["tasks"]["found"]["title"]
    assert found.startswith("Found ") and " passage" in found and found.endswith(("article", "articles"))
    assert not found.startswith("Found 0")

    slack.context_changed("C0MARKETS")
    assert bot.wait_idle()
    dm = slack.dm(QUESTION)
    assert bot.wait_idle()
    viewed, _ = cited_sources(slack_api, "D0ALICE", dm["ts"])
    assert viewed and {sources[a] for a in viewed} <= {"Reuters", "Bloomberg"}


def test_a_wrong_source_vote_in_slack_lowers_the_article_for_the_next_question(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer, pipeline: Pipeline, index_settings: Settings
) -> None:
    before = [h.chunk.article_id for h in pipeline.retrieve(QUESTION, top_k=3)]
    first = slack.mention(QUESTION)
    assert bot.wait_idle()
    articles, message = cited_sources(slack_api, "C0NEWS", first["ts"])
    wrong = articles[0]
    slack.feedback(message, "C0NEWS", "down")
    assert bot.wait_idle()
    view = slack_api.calls("views.open")[-1].params["view"]
    ticked = str([a["id"] for a in json.loads(view["private_metadata"])["articles"]].index(wrong))
    assert submit(slack, view, "U0BOB", choices(WRONG_SOURCE, [ticked])) == 200
    assert bot.wait_idle()

    # The next question's retrieval (any worker's: the store is in the data dir) ranks it lower.
    after = pipeline.retrieve(QUESTION, top_k=3)
    ranked = [h.chunk.article_id for h in after]
    assert all(h.boost < 0 for h in after if h.chunk.article_id == wrong)
    assert before.index(wrong) < [*ranked, wrong].index(wrong)

    assert FeedbackStore.for_settings(index_settings.index).reset(wrong)
    assert [h.chunk.article_id for h in pipeline.retrieve(QUESTION, top_k=3)] == before


def test_the_channel_window_is_a_default_a_question_naming_dates_searches_those(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer, tmp_path: Path
) -> None:
    """The articles are from March 2026 and the window is the last 30 days (today is later): a question
    without dates finds nothing there, one naming March 2026 searches March 2026, still from Reuters and
    Bloomberg only."""
    bot.channels.path = tmp_path / "windowed.toml"
    bot.channels.path.write_text('[channels.C0RECENT]\nsources = ["Reuters", "Bloomberg"]\nwindow_days = 30\n')
    assert bot.channels.reload()
    plain = slack.mention(QUESTION, channel="C0RECENT")
    assert bot.wait_idle()
    dated = slack.mention("How did chip exports do in March 2026?", channel="C0RECENT")
    assert bot.wait_idle()

    nothing, _ = cited_sources(slack_api, "C0RECENT", plain["ts"])
    found, message = cited_sources(slack_api, "C0RECENT", dated["ts"])
    assert nothing == []
    assert found and message["tasks"]["found"]["title"] != "Found 0 passages in 0 articles"
    titles = {a["title"] for a in message["metadata"]["event_payload"]["articles"]}
    assert titles <= {"Taiwan chip exports fall", "Chip exports drop in March"}
