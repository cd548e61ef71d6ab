"""Votes in Slack change the feedback store: 👍 lifts an answer's cited articles, 👎 "wrong or outdated
source" lowers the ticked ones (and clears that person's 👍), and only a workspace admin can hide one."""

from __future__ import annotations

import json
from typing import Any

import pytest
from slack_sdk.models.views import View

from bot.slack.app import SlackBot
from bot.slack.feedback import (
    ARTICLES_ACTION,
    ARTICLES_BLOCK,
    HIDE,
    HIDE_ACTION,
    HIDE_BLOCK,
    KIND_ACTION,
    KIND_BLOCK,
    REASON_VIEW,
    WRONG_SOURCE,
)
from index.feedback import DOWN, UP, FeedbackStore
from tests.support.slack_api import BOT_ID, SlackApiServer
from tests.support.slack_app import SlackClient


@pytest.fixture
def store(bot: SlackBot, tmp_path: Any) -> FeedbackStore:
    return FeedbackStore(tmp_path / "data" / "feedback.sqlite")


def answered(slack: SlackClient, bot: SlackBot, api: SlackApiServer) -> tuple[dict[str, Any], dict[str, Any]]:
    event = slack.mention("What did the EU decide on 5G?")
    assert bot.wait_idle()
    [message] = [m for m in api.thread(event["channel"], event["ts"]) if m.get("bot_id") == BOT_ID]
    return event, message


def submit(slack: SlackClient, view: dict[str, Any], user: str, values: dict[str, Any]) -> int:
    payload = {
        "type": "view_submission",
        "team": {"id": "T0TEST"},
        "user": {"id": user},
        "api_app_id": "A0NEWSBOT",
        "view": {**view, "id": "V1", "state": {"values": values}},
    }
    return slack.interaction(payload)


def choices(kind: str, articles: list[str], hide: bool = False) -> dict[str, Any]:
    values: dict[str, Any] = {
        KIND_BLOCK: {KIND_ACTION: {"type": "radio_buttons", "selected_option": {"value": kind}}},
        ARTICLES_BLOCK: {ARTICLES_ACTION: {"type": "checkboxes", "selected_options": [{"value": a} for a in articles]}},
    }
    if hide:
        values[HIDE_BLOCK] = {HIDE_ACTION: {"type": "checkboxes", "selected_options": [{"value": HIDE}]}}
    return values


def test_the_answer_names_its_cited_articles_and_a_thumbs_up_lifts_them(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer, store: FeedbackStore
) -> None:
    event, message = answered(slack, bot, slack_api)
    assert message["metadata"]["event_payload"]["articles"] == [{"id": "a1", "title": "EU takes common 5G stance"}]
    assert slack.feedback(message, event["channel"], "up") == 200
    assert bot.wait_idle()
    assert store.weights().boost("a1") == pytest.approx(UP, abs=1e-4)


def test_a_wrong_source_thumbs_down_lowers_the_ticked_article(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer, store: FeedbackStore
) -> None:
    event, message = answered(slack, bot, slack_api)
    slack.feedback(message, event["channel"], "up")
    assert bot.wait_idle()
    slack.feedback(message, event["channel"], "down")
    assert bot.wait_idle()
    assert store.weights().boost("a1") == 0.0  # the 👎 click cleared this person's 👍

    [opened] = slack_api.calls("views.open")
    view = opened.params["view"]
    View(**view).validate_json()  # the SDK's own model of a modal accepts it
    assert [b["block_id"] for b in view["blocks"]] == [KIND_BLOCK, ARTICLES_BLOCK, "reason"]  # no hide: not an admin
    assert submit(slack, view, "U0BOB", choices(WRONG_SOURCE, ["0"])) == 200
    assert bot.wait_idle()
    assert store.weights().boost("a1") == pytest.approx(DOWN, abs=1e-4)
    record = bot.feedback.clicks()[-1]
    assert record["reason_kind"] == WRONG_SOURCE and record["articles"] == ["a1"] and record["hidden"] == []


def test_another_reason_records_but_does_not_reweigh(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer, store: FeedbackStore
) -> None:
    event, message = answered(slack, bot, slack_api)
    slack.feedback(message, event["channel"], "down")
    assert bot.wait_idle()
    [opened] = slack_api.calls("views.open")
    assert submit(slack, opened.params["view"], "U0BOB", choices("wrong_answer", ["0"])) == 200
    assert bot.wait_idle()
    assert store.weights().boost("a1") == 0.0


def test_only_an_admin_can_hide_an_article(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer, store: FeedbackStore
) -> None:
    slack_api.state.admins.add("U0ADMIN")
    event, message = answered(slack, bot, slack_api)
    slack.feedback(message, event["channel"], "down", user="U0BOB")
    assert bot.wait_idle()
    [bob_view] = [c.params["view"] for c in slack_api.calls("views.open")]
    assert submit(slack, bob_view, "U0BOB", choices("other", ["0"], hide=True)) == 200  # forged: Bob saw no hide
    assert bot.wait_idle()
    assert store.weights().hidden == frozenset()

    slack.feedback(message, event["channel"], "down", user="U0ADMIN")
    assert bot.wait_idle()
    admin_view = slack_api.calls("views.open")[-1].params["view"]
    assert HIDE_BLOCK in [b["block_id"] for b in admin_view["blocks"]]
    assert json.loads(admin_view["private_metadata"])["articles"] == [
        {"id": "a1", "title": "EU takes common 5G stance"}
    ]
    assert submit(slack, admin_view, "U0ADMIN", choices("other", ["0"], hide=True)) == 200
    assert bot.wait_idle()
    assert store.weights().hidden == frozenset({"a1"})
    assert admin_view["callback_id"] == REASON_VIEW


def test_a_click_without_the_metadata_reads_the_answer_back_from_slack(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer, store: FeedbackStore
) -> None:
    event, message = answered(slack, bot, slack_api)
    bare = {k: v for k, v in message.items() if k != "metadata"}
    assert slack.feedback(bare, event["channel"], "up") == 200
    assert bot.wait_idle()
    [replies] = slack_api.calls("conversations.replies")
    assert replies.params["ts"] == message["thread_ts"]
    assert store.weights().boost("a1") == pytest.approx(UP, abs=1e-4)
