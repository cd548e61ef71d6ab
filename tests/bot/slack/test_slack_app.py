"""The real Bolt app in HTTP mode, driven by Slack-signed requests, talking to a local Slack Web API."""

from __future__ import annotations

import json
import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.core.models import Answer, Citation, Turn
from bot.slack.app import SlackBot
from bot.slack.gate import HELP, RATE_LIMITED
from bot.slack.history import ANSWER_EVENT, NOTICE_EVENT
from bot.slack.questions import APOLOGY
from bot.slack.render import FEEDBACK, REFUSAL, SHARE
from tests.support.slack_api import BOT_ID, BOT_USER_ID, Call, SlackApiServer
from tests.support.slack_app import FakePipeline, SlackClient, cited_answer


def posts(api: SlackApiServer) -> list[Call]:
    return api.calls("chat.postMessage")


def block_texts(call: Call) -> list[str]:
    return [b["text"]["text"] for b in call.params["blocks"] if b["type"] == "section"]


def action_ids(call: Call) -> list[str]:
    blocks = call.params["blocks"]
    return [e["action_id"] for b in blocks if b["type"] in ("actions", "context_actions") for e in b["elements"]]


def test_a_mention_gets_exactly_one_threaded_answer(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer, pipeline: FakePipeline
) -> None:
    event = slack.mention("What did the EU decide on 5G?")
    assert bot.wait_idle()

    [answer] = posts(slack_api)
    assert answer.params["channel"] == event["channel"]
    assert answer.params["thread_ts"] == event["ts"]
    assert answer.params["text"].startswith("About What did the EU decide on 5G?")
    assert answer.params["metadata"]["event_type"] == ANSWER_EVENT
    texts = block_texts(answer)
    assert "<https://example.com/5g|[1]>" in texts[0]
    assert texts[1].startswith("*Sources*\n*[1]* <https://example.com/5g|EU takes common 5G stance>")
    assert "Global Times, 2019-03-27" in texts[1]
    assert "> The blueprint did not exclude any companies." in texts[1]
    assert action_ids(answer) == [FEEDBACK]
    assert pipeline.calls == [("What did the EU decide on 5G?", [])]

    reactions = [
        (c.method, c.params["name"], c.params["timestamp"]) for c in slack_api.calls() if "reactions" in c.method
    ]
    assert reactions == [("reactions.add", "eyes", event["ts"]), ("reactions.remove", "eyes", event["ts"])]
    assert slack_api.calls("conversations.replies") == []


def test_a_follow_up_in_the_thread_uses_the_thread_as_history(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer, pipeline: FakePipeline
) -> None:
    first = slack.mention("What did Huawei say?")
    assert bot.wait_idle()
    first_answer = posts(slack_api)[0].params["text"]
    slack_api.add_message(first["channel"], "U0BOB", "interesting, thanks", thread_ts=first["ts"])

    follow_up = slack.mention("And ZTE?", thread_ts=first["ts"])
    assert bot.wait_idle()

    [replies] = slack_api.calls("conversations.replies")
    assert replies.params["channel"] == first["channel"]
    assert replies.params["ts"] == first["ts"]
    assert pipeline.calls[1] == ("And ZTE?", [Turn(question="What did Huawei say?", answer=first_answer)])
    second = posts(slack_api)[1]
    assert second.params["thread_ts"] == first["ts"]
    assert follow_up["thread_ts"] == first["ts"]


def test_notices_in_the_thread_are_not_history(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer, pipeline: FakePipeline
) -> None:
    pipeline.fail_next = 1
    first = slack.mention("What did Huawei say?")
    assert bot.wait_idle()
    slack.mention("What did Huawei say, again?", thread_ts=first["ts"])
    assert bot.wait_idle()

    assert [c.params["metadata"]["event_type"] for c in posts(slack_api)] == [NOTICE_EVENT, ANSWER_EVENT]
    assert pipeline.calls[1] == ("What did Huawei say, again?", [])


def test_a_direct_message_is_answered_in_its_thread(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer, pipeline: FakePipeline
) -> None:
    message = slack_api.add_message("D0ALICE", "U0ALICE", "who applauded the EU approach?")
    assert slack.event({**message, "channel": "D0ALICE", "channel_type": "im"}) == 200
    assert bot.wait_idle()

    [answer] = posts(slack_api)
    assert answer.params["channel"] == "D0ALICE"
    assert answer.params["thread_ts"] == message["ts"]
    assert pipeline.calls == [("who applauded the EU approach?", [])]


def test_channel_messages_without_a_mention_are_not_answered(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer, pipeline: FakePipeline
) -> None:
    message = slack_api.add_message("C0NEWS", "U0ALICE", "just chatting about 5G")
    assert slack.event({**message, "channel": "C0NEWS", "channel_type": "channel"}) == 200
    assert bot.wait_idle()
    assert posts(slack_api) == [] and pipeline.calls == []


@pytest.mark.parametrize("problem", ["wrong secret", "stale timestamp", "no signature"])
def test_a_forged_request_gets_401_and_no_answer(
    problem: str, slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer, pipeline: FakePipeline
) -> None:
    message = slack_api.add_message("C0NEWS", "U0EVE", f"<@{BOT_USER_ID}> leak the index")
    event = {**message, "type": "app_mention", "channel": "C0NEWS"}
    if problem == "wrong secret":
        slack.secret = "0000000000aaaaaaaaaa111111111111"
        status = slack.event(event)
    else:
        body = json.dumps({"type": "event_callback", "event_id": "Ev1", "event": event}).encode()
        headers = {"Content-Type": "application/json"}
        if problem == "stale timestamp":
            from slack_sdk.signature import SignatureVerifier

            old = "1500000000"
            signature = SignatureVerifier(slack.secret).generate_signature(timestamp=old, body=body)
            headers |= {"X-Slack-Request-Timestamp": old, "X-Slack-Signature": signature or ""}
        request = urllib.request.Request(slack.base + "/slack/events", data=body, headers=headers, method="POST")
        try:
            urllib.request.urlopen(request, timeout=30)
            status = 200
        except urllib.error.HTTPError as error:
            status = error.code
    assert status == 401
    assert bot.wait_idle()
    assert posts(slack_api) == [] and pipeline.calls == []
    assert slack_api.calls("reactions.add") == []


def test_a_retried_event_gets_no_second_answer(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer, pipeline: FakePipeline
) -> None:
    message = slack_api.add_message("C0NEWS", "U0ALICE", f"<@{BOT_USER_ID}> what about Italy?")
    event = {**message, "type": "app_mention", "channel": "C0NEWS"}
    assert slack.event(event, event_id="Ev0RETRY") == 200
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert slack.event(event, event_id="Ev0RETRY", headers=retry) == 200
    assert slack.event(event, event_id="Ev0RETRY", headers={"X-Slack-Retry-Num": "2"}) == 200
    assert bot.wait_idle()
    assert len(posts(slack_api)) == 1 and len(pipeline.calls) == 1


def test_a_retry_whose_first_delivery_went_to_another_worker_is_dropped(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer, pipeline: FakePipeline
) -> None:
    """Across workers nothing is shared: the retry header alone says the event was already taken."""
    message = slack_api.add_message("C0NEWS", "U0ALICE", f"<@{BOT_USER_ID}> what about Italy?")
    event = {**message, "type": "app_mention", "channel": "C0NEWS"}
    assert slack.event(event, headers={"X-Slack-Retry-Num": "1"}) == 200
    assert bot.wait_idle()
    assert posts(slack_api) == [] and pipeline.calls == []


@pytest.mark.parametrize("channel_type", ["channel", "im"])
def test_app_mention_and_message_for_one_post_give_one_answer(
    channel_type: str, slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer, pipeline: FakePipeline
) -> None:
    channel = "C0NEWS" if channel_type == "channel" else "D0ALICE"
    message = slack_api.add_message(channel, "U0ALICE", f"<@{BOT_USER_ID}> who is Abraham Liu?")
    assert slack.event({**message, "channel": channel, "channel_type": channel_type}) == 200
    assert slack.event({**message, "type": "app_mention", "channel": channel}) == 200
    assert bot.wait_idle()
    assert len(posts(slack_api)) == 1 and len(pipeline.calls) == 1


@pytest.mark.parametrize("pipeline", [{"barrier": threading.Barrier(10, timeout=60)}], indirect=True)
def test_ten_mentions_at_once_are_all_answered_concurrently(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer, pipeline: FakePipeline
) -> None:
    """Each answer waits at a 10-party barrier, so this only passes when all ten run at the same time."""
    users = [f"U0USER{i}" for i in range(10)]
    with ThreadPoolExecutor(10) as senders:
        events = list(senders.map(lambda u: slack.mention(f"question from {u}", user=u), users))
    assert bot.wait_idle(timeout=120)

    answers = posts(slack_api)
    assert len(answers) == 10
    assert {c.params["thread_ts"] for c in answers} == {e["ts"] for e in events}
    for call in answers:
        asked = next(e for e in events if e["ts"] == call.params["thread_ts"])
        assert f"question from {asked['user']}" in call.params["text"]
    assert all(c.params["metadata"]["event_type"] == ANSWER_EVENT for c in answers)


def _click(slack: SlackClient, slack_api: SlackApiServer, answer: Call, vote: str, user: str = "U0BOB") -> None:
    channel, thread_ts = answer.params["channel"], answer.params["thread_ts"]
    message = next(m for m in slack_api.thread(channel, thread_ts) if m.get("bot_id") == BOT_ID)
    assert slack.feedback(message, channel, vote, user=user) == 200


def test_a_feedback_click_is_recorded_and_a_thumbs_down_asks_why(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer
) -> None:
    event = slack.mention("What did Huawei welcome?")
    assert bot.wait_idle()
    [answer] = posts(slack_api)

    _click(slack, slack_api, answer, "up", user="U0BOB")
    _click(slack, slack_api, answer, "down", user="U0CAROL")
    assert bot.wait_idle()

    up, down = bot.feedback.read()
    expected = {
        "channel": "C0NEWS",
        "thread": event["ts"],
        "question": "What did Huawei welcome?",
        "answer": answer.params["text"],
    }
    assert up.items() >= {**expected, "user": "U0BOB", "vote": "up"}.items()
    assert down.items() >= {**expected, "user": "U0CAROL", "vote": "down"}.items()
    assert up["time"].endswith("+00:00")
    [thanks] = slack_api.calls("chat.postEphemeral")
    assert thanks.params["user"] == "U0BOB"

    [modal] = slack_api.calls("views.open")
    assert modal.params["trigger_id"].endswith(".5678.abcdef")
    view = modal.params["view"]
    submission = {
        "type": "view_submission",
        "team": {"id": "T0TEST"},
        "user": {"id": "U0CAROL"},
        "api_app_id": "A0NEWSBOT",
        "view": {
            **view,
            "id": "V1",
            "state": {"values": {"reason": {"reason_text": {"type": "plain_text_input", "value": "wrong date"}}}},
        },
    }
    assert slack.interaction(submission) == 200
    assert bot.wait_idle()
    assert len(bot.feedback.clicks()) == 3
    reason = bot.feedback.read()[1]
    assert reason.items() >= {**expected, "user": "U0CAROL", "vote": "down", "reason": "wrong date"}.items()
    assert len(posts(slack_api)) == 1


def test_a_failing_pipeline_gives_an_apology_and_the_next_question_works(
    slack: SlackClient,
    bot: SlackBot,
    slack_api: SlackApiServer,
    pipeline: FakePipeline,
    caplog: pytest.LogCaptureFixture,
) -> None:
    pipeline.fail_next = 1
    first = slack.mention("Is the LLM up?")
    assert bot.wait_idle()
    second = slack.mention("What did Huawei welcome?")
    assert bot.wait_idle()

    apology, answer = posts(slack_api)
    assert apology.params["thread_ts"] == first["ts"]
    assert apology.params["text"] == APOLOGY
    assert answer.params["thread_ts"] == second["ts"]
    assert answer.params["metadata"]["event_type"] == ANSWER_EVENT
    assert "ConnectionError" in caplog.text
    assert "xoxb-" not in caplog.text
    removed = [c.params["timestamp"] for c in slack_api.calls("reactions.remove")]
    assert removed == [first["ts"], second["ts"]]


def test_slack_api_errors_while_posting_are_survived(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer
) -> None:
    slack_api.fail("reactions.add", "missing_scope")
    slack_api.fail("chat.postMessage", "rate_limited")
    first = slack.mention("first")
    assert bot.wait_idle()
    slack.mention("second")
    assert bot.wait_idle()
    failed, apology, answer = posts(slack_api)
    assert failed.params["thread_ts"] == apology.params["thread_ts"] == first["ts"]
    assert apology.params["text"] == APOLOGY
    assert answer.params["metadata"]["event_type"] == ANSWER_EVENT


def hostile_answer(question: str, history: object) -> Answer:
    citation = Citation(
        n=1,
        article_id="evil",
        title="<!channel> Breaking & <@U123>",
        date="2024-01-01",
        source="<https://evil.example|click>",
        url="https://news.example/a?x=1&y=<2>",
        quote="Everyone <!here> should <https://evil.example|click here> now & then",
        chunk_id="evil:0",
        score=1.0,
    )
    return Answer(
        question=question,
        answer="Alert <!channel>: <@U123> said <https://evil.example|click> [1] & more.",
        refused=False,
        citations=[citation],
    )


@pytest.mark.parametrize("pipeline", [{"make": hostile_answer}], indirect=True)
def test_hostile_article_text_reaches_slack_as_plain_text(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer
) -> None:
    slack.mention("anything new?")
    assert bot.wait_idle()
    [answer] = posts(slack_api)
    rendered = "\n".join([answer.params["text"], *block_texts(answer)])

    for live in ("<!channel>", "<!here>", "<@U123>", "<https://evil.example|"):
        assert live not in rendered
    assert "Alert &lt;!channel&gt;: &lt;@U123&gt; said &lt;https://evil.example|click&gt;" in rendered
    assert "<https://news.example/a?x=1&amp;y=%3C2%3E|[1]>" in rendered
    assert "&lt;!channel&gt; Breaking &amp; &lt;@U123&gt;" in rendered
    assert all(b["text"]["verbatim"] for b in answer.params["blocks"] if b["type"] == "section")
    links = [part.split("|")[0] for part in rendered.split("<")[1:]]
    assert set(links) == {"https://news.example/a?x=1&amp;y=%3C2%3E"}


def test_own_and_bot_messages_edits_and_deletions_are_ignored(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer, pipeline: FakePipeline
) -> None:
    im = {"channel": "D0ALICE", "channel_type": "im", "type": "message"}
    ts = slack_api.next_ts
    events = [
        {**im, "user": BOT_USER_ID, "bot_id": BOT_ID, "text": "my own answer", "ts": ts()},
        {**im, "subtype": "bot_message", "bot_id": "B0OTHER", "text": "another bot", "ts": ts()},
        {**im, "user": "U0OTHERBOT", "bot_id": "B0OTHER", "text": "bot with a user", "ts": ts()},
        {
            **im,
            "subtype": "message_changed",
            "ts": ts(),
            "message": {"type": "message", "user": "U0ALICE", "text": "edited question?", "ts": "1.1"},
        },
        {**im, "subtype": "message_deleted", "ts": ts(), "deleted_ts": "1.1"},
        {"type": "app_mention", "channel": "C0NEWS", "user": "U0OTHERBOT", "bot_id": "B0OTHER",
         "text": f"<@{BOT_USER_ID}> loop?", "ts": ts()},
    ]  # fmt: skip
    for event in events:
        assert slack.event(event) == 200
    assert bot.wait_idle()
    assert posts(slack_api) == [] and pipeline.calls == []
    assert slack_api.calls("reactions.add") == []


@pytest.mark.parametrize("settings_overrides", [{"slack_rate_limit_per_min": 2}])
def test_a_user_over_the_rate_limit_gets_a_polite_reply(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer, pipeline: FakePipeline
) -> None:
    for n in range(3):
        slack.mention(f"question {n}", user="U0EAGER")
        assert bot.wait_idle()
    slack.mention("my first question", user="U0CALM")
    assert bot.wait_idle()

    texts = [c.params["text"] for c in posts(slack_api)]
    assert texts[2] == RATE_LIMITED
    assert [q for q, _ in pipeline.calls] == ["question 0", "question 1", "my first question"]
    assert posts(slack_api)[2].params["metadata"]["event_type"] == NOTICE_EVENT


@pytest.mark.parametrize("settings_overrides", [{"slack_allowed_channels": "C0ALLOWED, C0OTHER"}])
def test_the_channel_allow_list_limits_where_it_answers(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer, pipeline: FakePipeline
) -> None:
    slack.mention("in a random channel", channel="C0RANDOM")
    allowed = slack.mention("in an allowed channel", channel="C0ALLOWED")
    dm = slack_api.add_message("D0ALICE", "U0ALICE", "in a DM")
    slack.event({**dm, "channel": "D0ALICE", "channel_type": "im"})
    assert bot.wait_idle()
    assert sorted(c.params["channel"] for c in posts(slack_api)) == sorted([allowed["channel"], "D0ALICE"])
    assert sorted(q for q, _ in pipeline.calls) == ["in a DM", "in an allowed channel"]


def test_an_empty_mention_gets_help(slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer) -> None:
    slack.mention("   ")
    assert bot.wait_idle()
    [reply] = posts(slack_api)
    assert reply.params["text"] == HELP.replace("&", "&amp;")


def refusal(question: str, history: object) -> Answer:
    see_also = cited_answer(question).citations
    return Answer(question=question, answer="not covered", refused=True, see_also=see_also)


@pytest.mark.parametrize("pipeline", [{"make": refusal}], indirect=True)
def test_a_refusal_says_the_articles_do_not_cover_it(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer
) -> None:
    slack.mention("Who won the 1930 World Cup?")
    assert bot.wait_idle()
    [reply] = posts(slack_api)
    assert reply.params["text"] == REFUSAL
    texts = block_texts(reply)
    assert texts[0] == REFUSAL
    assert texts[1].startswith("*Closest articles*\n• <https://example.com/5g|EU takes common 5G stance>")
    assert "Sources" not in "".join(texts)


def test_ask_answers_privately_and_shares_to_the_channel(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer, pipeline: FakePipeline
) -> None:
    status = slack.command(
        {
            "command": "/ask",
            "text": "What did ZTE open?",
            "user_id": "U0ALICE",
            "channel_id": "C0NEWS",
            "team_id": "T0TEST",
            "response_url": slack_api.response_url("ask"),
            "trigger_id": "1.2.3",
        }
    )
    assert status == 200
    assert json.loads(slack.last_body)["response_type"] == "ephemeral"
    assert bot.wait_idle()
    [private] = slack_api.calls("response_url:ask")
    assert private.params["response_type"] == "ephemeral"
    assert private.params["text"].startswith("About What did ZTE open?")
    share = next(e for b in private.params["blocks"] if b["type"] == "actions" for e in b["elements"])
    assert share["action_id"] == SHARE
    assert posts(slack_api) == []

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
    [shared] = posts(slack_api)
    assert shared.params["channel"] == "C0NEWS" and "thread_ts" not in shared.params
    assert block_texts(shared)[0] == "<@U0ALICE> asked: What did ZTE open?"
    assert action_ids(shared) == [FEEDBACK]
    [deleted] = slack_api.calls("response_url:share")
    assert deleted.params["delete_original"] is True
    assert [q for q, _ in pipeline.calls] == ["What did ZTE open?", "What did ZTE open?"]


def test_health_endpoint_and_url_verification(slack: SlackClient) -> None:
    with urllib.request.urlopen(slack.base + "/health", timeout=30) as response:
        assert response.status == 200
        assert json.loads(response.read())["ok"] is True
    body = json.dumps({"type": "url_verification", "challenge": "c-123", "token": "x"}).encode()
    assert slack.post("/slack/events", body, "application/json") == 200
    assert json.loads(slack.last_body) == {"challenge": "c-123"}
