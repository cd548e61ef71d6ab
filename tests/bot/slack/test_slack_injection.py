"""Slack markup in an article reaches Slack as plain text: a real index holds an article full of
`<!channel>`, `<!here>`, `<@U123>`, `<https://evil|click>`, `&`, `<` and `>`, the real pipeline answers
from it, and every Web API call the Bolt app makes carries it escaped (blocks, fallback, ephemeral, modal)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.core.pipeline import Pipeline
from bot.slack.render import FEEDBACK, SHARE
from index.ingest import ingest
from tests.conftest import make_settings
from tests.support.slack_api import BOT_ID

ARTICLE_URL = "https://example.com/harbour-fee"
HOSTILE = "<!channel> <!here> <@U123> <https://evil.example|click> & <b>bold</b> 1 < 2 > 0"
RECORD = {
    "title": "Harbour fee <!here> & <@U123> news",
    "source": "<!channel> Gazette",
    "date": "2024-06-03",
    "url": ARTICLE_URL,
    "text": f"The harbour fee rose to nine dollars on Monday {HOSTILE}. The council approved the fee in May.",
}
QUESTION = "Did the harbour fee rise to nine dollars on Monday?"
LIVE_MARKUP = re.compile(r"<[!@#]|<(?:https?|mailto):(?!//example\.com/harbour-fee\|)")


@pytest.fixture(scope="module")
def hostile_index(tmp_path_factory: pytest.TempPathFactory, embedder):  # type: ignore[no-untyped-def]
    corpus = tmp_path_factory.mktemp("hostile") / "corpus"
    corpus.mkdir()
    (corpus / "hostile.jsonl").write_text(json.dumps(RECORD) + "\n" + json.dumps({"text": "Unrelated."}), "utf-8")
    settings = make_settings(corpus.parent / "data")
    assert ingest([corpus], settings.index, embedder=embedder).errors == []
    return settings


@pytest.fixture
def pipeline(hostile_index, embedder) -> Pipeline:  # type: ignore[no-untyped-def]
    """The real pipeline (extractive) over the hostile index, in place of the conftest's fake."""
    return Pipeline(hostile_index, embedder=embedder).warm()


def mrkdwn_texts(value: Any) -> Iterator[str]:
    """Every string Slack would parse as mrkdwn: `text` fields that are not plain_text objects."""
    if isinstance(value, dict):
        text = value.get("text")
        if isinstance(text, str) and value.get("type") != "plain_text":
            yield text
        for key, item in value.items():
            if key != "text" or not isinstance(item, str):
                yield from mrkdwn_texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from mrkdwn_texts(item)


def assert_inert(params: dict[str, Any], allowed: tuple[str, ...] = ()) -> list[str]:
    """No live mention, broadcast or foreign link, and no bare `&`, in anything Slack renders."""
    texts = list(mrkdwn_texts({"text": params.get("text"), "blocks": params.get("blocks") or []}))
    assert texts
    for text in texts:
        for mention in allowed:
            text = text.replace(mention, "")
        assert not LIVE_MARKUP.search(text), text
        assert not re.search(r"&(?!amp;|lt;|gt;)", text), text
        links = re.findall(r"<([^<>]*)>", text)
        assert all(link.startswith(ARTICLE_URL + "|") for link in links), links
    return texts


def test_a_mention_answer_escapes_article_markup_in_blocks_and_fallback(slack, bot, slack_api) -> None:  # type: ignore[no-untyped-def]
    slack.mention(QUESTION)
    assert bot.wait_idle()
    [answer] = slack_api.calls("chat.postMessage")
    texts = assert_inert(answer.params)
    assert (
        "&lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt; &lt;https://evil.example|click&gt; &amp;" in answer.params["text"]
    )
    assert any(
        "&lt;!channel&gt; Gazette" in t and "Harbour fee &lt;!here&gt; &amp; &lt;@U123&gt; news" in t for t in texts
    )
    assert any(f"<{ARTICLE_URL}|" in t for t in texts), "the article's own link stays live"


def test_the_ephemeral_answer_and_the_shared_copy_are_escaped(slack, bot, slack_api) -> None:  # type: ignore[no-untyped-def]
    form = {
        "command": "/ask",
        "text": f"{QUESTION} <!channel>",
        "user_id": "U0ALICE",
        "channel_id": "C0NEWS",
        "team_id": "T0TEST",
        "response_url": slack_api.response_url("ask"),
        "trigger_id": "1.2.3",
    }
    assert slack.command(form) == 200
    assert bot.wait_idle()
    [private] = slack_api.calls("response_url:ask")
    assert private.params["response_type"] == "ephemeral"
    assert_inert(private.params)
    share = next(e for b in private.params["blocks"] if b["type"] == "actions" for e in b["elements"])
    assert share["action_id"] == SHARE

    payload = {
        "type": "block_actions",
        "team": {"id": "T0TEST"},
        "user": {"id": "U0ALICE"},
        "api_app_id": "A0NEWSBOT",
        "trigger_id": "1.2.4",
        "container": {"type": "message", "message_ts": "1.5", "channel_id": "C0NEWS", "is_ephemeral": True},
        "channel": {"id": "C0NEWS"},
        "response_url": slack_api.response_url("share"),
        "actions": [{**share, "block_id": "newsbot_feedback", "action_ts": "1.6"}],
    }
    assert slack.interaction(payload) == 200
    assert bot.wait_idle()
    [shared] = slack_api.calls("chat.postMessage")
    texts = assert_inert(shared.params, allowed=("<@U0ALICE>",))
    assert texts[1].startswith("<@U0ALICE> asked: Did the harbour fee rise to nine dollars on Monday? &lt;!channel&gt;")


def test_the_feedback_modal_and_thanks_carry_no_live_markup(slack, bot, slack_api) -> None:  # type: ignore[no-untyped-def]
    event = slack.mention(QUESTION)
    assert bot.wait_idle()
    message = next(m for m in slack_api.thread(event["channel"], event["ts"]) if m.get("bot_id") == BOT_ID)
    buttons = next(e for b in message["blocks"] if b["type"] == "context_actions" for e in b["elements"])
    for side in ("negative_button", "positive_button"):
        button = {"type": "feedback_buttons", "action_id": FEEDBACK, "value": buttons[side]["value"]}
        payload = {
            "type": "block_actions",
            "team": {"id": "T0TEST"},
            "user": {"id": "U0BOB"},
            "api_app_id": "A0NEWSBOT",
            "trigger_id": "1234.5678.abcdef",
            "container": {"type": "message", "message_ts": message["ts"], "channel_id": event["channel"]},
            "channel": {"id": event["channel"]},
            "message": message,
            "response_url": slack_api.response_url("vote"),
            "actions": [{**button, "block_id": "newsbot_feedback", "action_ts": "1.2"}],
        }
        assert slack.interaction(payload) == 200
    assert bot.wait_idle()
    [modal] = slack_api.calls("views.open")
    view = modal.params["view"]
    assert not LIVE_MARKUP.search(json.dumps(view["blocks"]) + json.dumps(view["title"]))
    assert all(t["type"] == "plain_text" for t in (view["title"], view["submit"], view["close"]))
    [thanks] = slack_api.calls("chat.postEphemeral")
    assert_inert(thanks.params)


def test_a_refusal_lists_closest_articles_escaped(slack, bot, slack_api) -> None:  # type: ignore[no-untyped-def]
    slack.mention("<!here> What is the capital of Mongolia?")
    assert bot.wait_idle()
    [answer] = slack_api.calls("chat.postMessage")
    texts = assert_inert(answer.params)
    assert any("&lt;!channel&gt; Gazette" in t for t in texts) or len(texts) == 1


def test_the_hostile_article_is_in_the_index_verbatim(hostile_index: Any) -> None:
    """The escaping happens at the Slack edge only: the index keeps the article's text as written."""
    from index.loaders import load_file

    path = Path(hostile_index.index.data_dir).parent / "corpus" / "hostile.jsonl"
    [article, _] = load_file(path, hostile_index.index.load_limits)
    assert HOSTILE in article.text
