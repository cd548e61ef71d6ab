"""Assistant threads through the real app: a new thread gets prompts built from the index, a question gets
a title, a status and the cited answer, and the thread's context is kept in Slack by Bolt's store."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, ClassVar

import pytest
from slack_bolt import BoltContext
from slack_bolt.context.assistant.thread_context_store.default_store import DefaultAssistantThreadContextStore
from slack_sdk import WebClient

from bot.core.models import Turn
from bot.slack.app import SlackBot
from bot.slack.assistant import GREETING, PROMPTS_TITLE, WRITING
from bot.slack.gate import RATE_LIMITED
from bot.slack.history import ANSWER_EVENT
from bot.slack.library import Headline
from tests.support.slack_api import BOT_ID, BOT_USER_ID, TEAM_ID, SlackApiServer
from tests.support.slack_app import BOT_TOKEN, FakePipeline, SlackClient, cited_answer

DM = "D0ALICE"
ASSISTANT = ("assistant.threads.setTitle", "assistant.threads.setStatus", "assistant.threads.setSuggestedPrompts")
POSTS = ("chat.postMessage", "chat.startStream", "chat.appendStream", "chat.stopStream", "chat.update")


class FakeLibrary:
    """What is indexed, as the assistant sees it: 12,430 articles and some headlines (two the same)."""

    headlines: ClassVar[list[Headline]] = [
        Headline("Chip exports slow in March", "Reuters", "2024-04-02"),
        Headline("EU takes common 5G stance.", "Global Times", "2024-04-01"),
        Headline("EU takes common 5G stance.", "Global Times", "2024-04-01"),
        Headline("Harbour fees rise again", "", "2024-03-30"),
        Headline("ZTE opens its source code", "Xinhua", "2024-03-29"),
        Headline("An older story", "Reuters", "2024-01-01"),
    ]

    def article_count(self) -> int:
        return 12_430

    def newest(self, n: int) -> list[Headline]:
        return self.headlines[:n]


@pytest.fixture
def app_options() -> dict[str, Any]:
    return {"library": FakeLibrary()}


def assistant_thread(user: str = "U0ALICE", viewing: str = "C0NEWS") -> dict[str, Any]:
    return {"user_id": user, "context": {"channel_id": viewing, "team_id": TEAM_ID}, "channel_id": DM}


def start_thread(slack: SlackClient, api: SlackApiServer, viewing: str = "C0NEWS") -> str:
    """The user opens a new assistant thread while viewing `viewing`; returns the thread's ts."""
    root = api.add_message(DM, "U0ALICE", "New chat")["ts"]
    event = {"type": "assistant_thread_started", "assistant_thread": {**assistant_thread(viewing=viewing),
             "thread_ts": root}, "event_ts": api.next_ts()}  # fmt: skip
    assert slack.event(event) == 200
    return root


def ask(slack: SlackClient, api: SlackApiServer, root: str, text: str, user: str = "U0ALICE") -> dict[str, Any]:
    message = api.add_message(DM, user, text, thread_ts=root)
    event = {**message, "channel": DM, "channel_type": "im", "team": TEAM_ID}
    assert slack.event(event) == 200
    return event


def called(api: SlackApiServer, keep: Callable[[str], bool]) -> list[tuple[str, dict[str, Any]]]:
    return [(c.method, c.params) for c in api.calls() if keep(c.method)]


def test_a_new_thread_gets_a_greeting_and_prompts_about_the_newest_articles(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer
) -> None:
    root = start_thread(slack, slack_api)
    assert bot.wait_idle()

    [greeting] = slack_api.calls("chat.postMessage")
    assert greeting.params["channel"] == DM and greeting.params["thread_ts"] == root
    assert greeting.params["text"] == GREETING
    assert greeting.params["metadata"] == {
        "event_type": "assistant_thread_context",
        "event_payload": {"channel_id": "C0NEWS", "team_id": TEAM_ID},
    }
    [prompts] = slack_api.calls("assistant.threads.setSuggestedPrompts")
    assert prompts.params["channel_id"] == DM and prompts.params["thread_ts"] == root
    assert prompts.params["title"] == PROMPTS_TITLE
    assert [p["title"] for p in prompts.params["prompts"]] == [
        "Chip exports slow in March",
        "EU takes common 5G stance",
        "Harbour fees rise again",
        "ZTE opens its source code",
    ]
    messages = [p["message"] for p in prompts.params["prompts"]]
    assert messages[0] == "What did Reuters report about “Chip exports slow in March”?"
    assert messages[2] == "What do the articles say about “Harbour fees rise again”?"


def test_a_question_gets_a_title_a_status_then_the_cited_answer(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer, pipeline: FakePipeline
) -> None:
    root = start_thread(slack, slack_api)
    assert bot.wait_idle()
    ask(slack, slack_api, root, "What did the EU decide on 5G?")
    assert bot.wait_idle()

    steps = called(slack_api, lambda m: m in ("assistant.threads.setTitle", "assistant.threads.setStatus", *POSTS))
    assert [(m, p.get("title") or p.get("status")) for m, p in steps[1:4]] == [
        ("assistant.threads.setTitle", "What did the EU decide on 5G?"),
        ("assistant.threads.setStatus", "Searching 12,430 articles…"),
        ("assistant.threads.setStatus", WRITING),
    ]
    method, answer = steps[4]
    assert method == "chat.postMessage" and len(steps) == 5
    assert answer["channel"] == DM and answer["thread_ts"] == root
    assert answer["text"] == cited_answer("What did the EU decide on 5G?").answer
    assert "<https://example.com/5g|[1]>" in answer["blocks"][0]["text"]["text"]
    assert answer["blocks"][1]["text"]["text"].startswith("*Sources*")
    assert answer["metadata"]["event_type"] == ANSWER_EVENT
    assert slack_api.calls("reactions.add") == []
    assert pipeline.calls == [("What did the EU decide on 5G?", [])]


def test_a_follow_up_keeps_the_title_and_uses_the_thread_as_history(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer, pipeline: FakePipeline
) -> None:
    root = start_thread(slack, slack_api)
    assert bot.wait_idle()
    ask(slack, slack_api, root, "What did Huawei say?")
    assert bot.wait_idle()
    ask(slack, slack_api, root, "And ZTE?")
    assert bot.wait_idle()

    assert len(slack_api.calls("assistant.threads.setTitle")) == 1
    first = cited_answer("What did Huawei say?").answer
    assert pipeline.calls[1] == ("And ZTE?", [Turn(question="What did Huawei say?", answer=first)])


def test_the_viewed_channel_is_kept_in_slack_by_bolts_context_store(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer
) -> None:
    root = start_thread(slack, slack_api, viewing="C0NEWS")
    assert bot.wait_idle()
    changed = {"type": "assistant_thread_context_changed", "event_ts": slack_api.next_ts(),
               "assistant_thread": {**assistant_thread(viewing="C0SPORTS"), "thread_ts": root}}  # fmt: skip
    assert slack.event(changed) == 200
    assert bot.wait_idle()

    [update] = slack_api.calls("chat.update")
    assert update.params["metadata"]["event_payload"]["channel_id"] == "C0SPORTS"
    another_worker = BoltContext(client=WebClient(token=BOT_TOKEN, base_url=slack_api.url), bot_user_id=BOT_USER_ID)
    found = DefaultAssistantThreadContextStore(another_worker).find(channel_id=DM, thread_ts=root)
    assert found is not None and found.channel_id == "C0SPORTS"
    greeting = next(m for m in slack_api.thread(DM, root) if m.get("bot_id") == BOT_ID)
    assert greeting["text"] == GREETING


@pytest.mark.parametrize(
    "app_options", [{"library": FakeLibrary(), "streaming": True, "stream_buffer": 16}], indirect=False
)
@pytest.mark.parametrize("pipeline", [{"tokens": lambda a: re.findall(r"\S+\s*", a.answer)}], indirect=True)
def test_a_model_answer_streams_into_the_assistant_thread_after_the_status(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer
) -> None:
    root = start_thread(slack, slack_api)
    assert bot.wait_idle()  # the greeting and suggested prompts first, as the user sees them before asking
    ask(slack, slack_api, root, "What did the EU decide on 5G?")
    assert bot.wait_idle()

    methods = [m for m, _ in called(slack_api, lambda m: m in (*ASSISTANT, *POSTS))][2:]
    assert methods[:3] == ["assistant.threads.setTitle", "assistant.threads.setStatus", "assistant.threads.setStatus"]
    assert methods[3] == "chat.startStream" and methods[-1] == "chat.stopStream"
    [start] = slack_api.calls("chat.startStream")
    assert start.params["channel"] == DM and start.params["thread_ts"] == root


@pytest.mark.parametrize("settings_overrides", [{"slack_rate_limit_per_min": 1}])
def test_assistant_questions_pass_the_same_rate_limit(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer, pipeline: FakePipeline
) -> None:
    root = start_thread(slack, slack_api)
    ask(slack, slack_api, root, "first")
    assert bot.wait_idle()
    ask(slack, slack_api, root, "second")
    assert bot.wait_idle()
    assert [q for q, _ in pipeline.calls] == ["first"]
    assert slack_api.calls("chat.postMessage")[-1].params["text"] == RATE_LIMITED
