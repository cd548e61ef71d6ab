"""Streamed answers: chat.startStream → chat.appendStream… → chat.stopStream with the Sources and feedback,
and every way it can go wrong ending in exactly one whole answer in the thread."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.core.models import Answer, Turn
from bot.slack import mrkdwn
from bot.slack.app import SlackBot
from bot.slack.history import ANSWER_EVENT, NOTICE_EVENT
from bot.slack.questions import APOLOGY
from bot.slack.render import FEEDBACK, REFUSAL
from tests.support.slack_api import BOT_ID, Call, SlackApiServer
from tests.support.slack_app import FakePipeline, SlackClient, cited_answer

STREAM = ("chat.startStream", "chat.appendStream", "chat.stopStream", "chat.update", "chat.postMessage")


def words(answer: Answer) -> list[str]:
    """The answer as a model writes it: word by word, whitespace kept."""
    return re.findall(r"\S+\s*", answer.answer)


def rewritten(answer: Answer) -> list[str]:
    """A reply that verification then changed: an unsupported sentence came before the verified one."""
    return ["Everyone agreed on everything [1]. ", *words(answer)]


def hostile(question: str, history: object) -> Answer:
    return Answer(question=question, answer="Alert <!channel> & <@U123>: see [1].", refused=False,
                  citations=cited_answer(question).citations)  # fmt: skip


def refusal(question: str, history: object) -> Answer:
    return Answer(question=question, answer=REFUSAL, refused=True, see_also=cited_answer(question).citations)


def stream_calls(api: SlackApiServer) -> list[Call]:
    return [c for c in api.calls() if c.method in STREAM]


def streamed_text(calls: list[Call]) -> str:
    return "".join(c.params.get("markdown_text") or "" for c in calls if c.method.endswith("Stream"))


def bot_messages(api: SlackApiServer, event: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for m in api.thread(event["channel"], event["ts"]) if m.get("bot_id") == BOT_ID]


@pytest.fixture
def app_options() -> dict[str, Any]:
    """A model backend: answers stream, in small batches so that appendStream is exercised."""
    return {"streaming": True, "stream_buffer": 16}


@pytest.mark.parametrize("pipeline", [{"tokens": words}], indirect=True)
def test_a_model_answer_streams_then_stops_with_sources_and_feedback(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer
) -> None:
    event = slack.mention("What did the EU decide on 5G?")
    assert bot.wait_idle()

    calls = stream_calls(slack_api)
    methods = [c.method for c in calls]
    assert methods[0] == "chat.startStream" and methods[-1] == "chat.stopStream"
    assert set(methods[1:-1]) == {"chat.appendStream"} and len(methods) > 3
    start, stop = calls[0], calls[-1]
    assert start.params["thread_ts"] == event["ts"] and start.params["channel"] == "C0NEWS"
    assert start.params["recipient_user_id"] == "U0ALICE" and start.params["recipient_team_id"] == "T0TEST"
    assert all(c.params["ts"] == stop.params["ts"] for c in calls[1:])

    expected = cited_answer("What did the EU decide on 5G?")
    assert streamed_text(calls) == expected.answer
    assert stop.params["metadata"]["event_type"] == ANSWER_EVENT
    blocks = stop.params["blocks"]
    assert [b["type"] for b in blocks] == ["section", "context_actions"]
    assert blocks[0]["text"]["text"].startswith("*Sources*\n*[1]* <https://example.com/5g|EU takes common 5G stance>")
    assert blocks[1]["elements"][0]["action_id"] == FEEDBACK

    [message] = bot_messages(slack_api, event)
    assert message["text"] == expected.answer and message["blocks"] == blocks
    reactions = [c.method for c in slack_api.calls() if c.method.startswith("reactions.")]
    assert reactions == ["reactions.add", "reactions.remove"]


@pytest.mark.parametrize("pipeline", [{"tokens": words, "make": hostile}], indirect=True)
def test_streamed_text_is_escaped_like_every_post(slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer) -> None:
    slack.mention("anything new?")
    assert bot.wait_idle()
    text = streamed_text(stream_calls(slack_api))
    assert text == "Alert &lt;!channel&gt; &amp; &lt;@U123&gt;: see [1]."
    assert slack_api.calls("chat.update") == []


@pytest.mark.parametrize("pipeline", [{"tokens": rewritten}], indirect=True)
def test_when_verification_changed_the_reply_the_message_becomes_the_verified_answer(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer
) -> None:
    event = slack.mention("What did the EU decide on 5G?")
    assert bot.wait_idle()

    methods = [c.method for c in stream_calls(slack_api)]
    assert methods[0] == "chat.startStream" and methods[-2:] == ["chat.stopStream", "chat.update"]
    [update] = slack_api.calls("chat.update")
    expected = cited_answer("What did the EU decide on 5G?")
    assert update.params["text"] == expected.answer
    assert "<https://example.com/5g|[1]>" in update.params["blocks"][0]["text"]["text"]
    assert update.params["metadata"]["event_type"] == ANSWER_EVENT
    [message] = bot_messages(slack_api, event)
    assert "Everyone agreed" not in str(message)
    assert message["blocks"][-1]["type"] == "context_actions"


@pytest.mark.parametrize("pipeline", [{"tokens": words}], indirect=True)
def test_where_streaming_is_refused_the_answer_is_posted_once(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer
) -> None:
    slack_api.fail("chat.startStream", "not_allowed_token_type")
    event = slack.mention("What did the EU decide on 5G?")
    assert bot.wait_idle()

    assert [c.method for c in stream_calls(slack_api)] == ["chat.startStream", "chat.postMessage"]
    [post] = slack_api.calls("chat.postMessage")
    assert post.params["text"] == cited_answer("What did the EU decide on 5G?").answer
    assert post.params["metadata"]["event_type"] == ANSWER_EVENT
    assert len(bot_messages(slack_api, event)) == 1


@pytest.mark.parametrize("pipeline", [{"tokens": words}], indirect=True)
def test_a_stream_that_breaks_half_way_is_completed_by_an_update(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer
) -> None:
    slack_api.fail("chat.appendStream", "ratelimited")
    event = slack.mention("What did the EU decide on 5G?")
    assert bot.wait_idle()

    methods = [c.method for c in stream_calls(slack_api)]
    assert methods == ["chat.startStream", "chat.appendStream", "chat.stopStream", "chat.update"]
    [message] = bot_messages(slack_api, event)
    assert message["text"] == cited_answer("What did the EU decide on 5G?").answer
    assert message["metadata"]["event_type"] == ANSWER_EVENT
    assert message["blocks"][-1]["type"] == "context_actions"


@pytest.mark.parametrize("pipeline", [{"tokens": words, "fail_after_tokens": True}], indirect=True)
def test_a_model_that_dies_mid_stream_leaves_one_apology_not_half_an_answer(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer
) -> None:
    event = slack.mention("What did the EU decide on 5G?")
    assert bot.wait_idle()

    assert [c.method for c in stream_calls(slack_api)][-2:] == ["chat.stopStream", "chat.update"]
    assert slack_api.calls("chat.postMessage") == []
    [message] = bot_messages(slack_api, event)
    assert message["text"] == mrkdwn.escape(APOLOGY)
    assert message["metadata"]["event_type"] == NOTICE_EVENT


@pytest.mark.parametrize("pipeline", [{"tokens": lambda answer: [], "make": refusal}], indirect=True)
def test_a_refusal_streams_nothing_and_is_posted_once(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer
) -> None:
    slack.mention("Who won the 1930 World Cup?")
    assert bot.wait_idle()
    assert [c.method for c in stream_calls(slack_api)] == ["chat.postMessage"]
    assert slack_api.calls("chat.postMessage")[0].params["text"] == REFUSAL


@pytest.mark.parametrize("pipeline", [{"tokens": words}], indirect=True)
def test_a_follow_up_reads_the_streamed_answer_back_as_history(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer, pipeline: FakePipeline
) -> None:
    first = slack.mention("What did Huawei say?")
    assert bot.wait_idle()
    slack.mention("And ZTE?", thread_ts=first["ts"])
    assert bot.wait_idle()
    answer = cited_answer("What did Huawei say?").answer
    assert pipeline.calls[1] == ("And ZTE?", [Turn(question="What did Huawei say?", answer=answer)])
    assert len(slack_api.calls("chat.stopStream")) == 2
