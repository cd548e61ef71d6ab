"""The agent messaging experience through the real app: opening the Messages tab gets suggested prompts, a
message there is a thread root answered in its thread with progress as task updates in the stream, and the
channel the person is viewing (`app_context_changed`) scopes the question to that channel's sources. The
legacy assistant thread events still answer through the same path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.messages.chunk import Chunk

from bot.slack.app import SlackBot
from bot.slack.assistant import PROMPTS_TITLE
from bot.slack.history import ANSWER_EVENT, NOTICE_EVENT
from bot.slack.reply import APOLOGY
from tests.bot.slack.test_slack_assistant import FakeLibrary, ask, start_thread
from tests.support.slack_api import SlackApiServer
from tests.support.slack_app import FakePipeline, SlackClient, cited_answer

DM = "D0ALICE"
SHOWN = (
    "agents.sessions.setStatus",
    "assistant.threads.setSuggestedPrompts",
    "assistant.threads.setStatus",
    "assistant.threads.setTitle",
    "chat.postMessage",
    "chat.startStream",
    "chat.appendStream",
    "chat.stopStream",
    "chat.update",
    "chat.postEphemeral",
    "reactions.add",
    "reactions.remove",
)


@pytest.fixture
def channels_file(tmp_path: Path) -> Path:
    path = tmp_path / "channels.toml"
    path.write_text(
        '[channels.C0MARKETS]\nname = "markets"\nsources = ["Reuters", "Bloomberg"]\nwindow_days = 30\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture
def settings_overrides(channels_file: Path) -> dict[str, Any]:
    return {"slack_progress": "plan", "slack_channels_file": channels_file}


@pytest.fixture
def app_options() -> dict[str, Any]:
    return {"library": FakeLibrary()}


def transcript(api: SlackApiServer) -> list[tuple[str, dict[str, Any]]]:
    """The calls a person would see the effect of, in order, with their key arguments."""
    keys = ("channel", "channel_id", "thread_ts", "ts", "status", "title", "task_display_mode", "markdown_text")
    shown = []
    for call in api.calls():
        if call.method not in SHOWN:
            continue
        args = {k: call.params[k] for k in keys if k in call.params}
        if "chunks" in call.params:
            args["chunks"] = [
                {k: c[k] for k in ("type", "id", "title", "status") if k in c}
                | ({"sources": len(c["sources"])} if c.get("sources") else {})
                for c in call.params["chunks"]
            ]
        if "prompts" in call.params:
            args["prompts"] = len(call.params["prompts"])
        shown.append((call.method, args))
    return shown


def test_opening_the_messages_tab_sets_prompts_at_the_top_without_a_thread(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer
) -> None:
    assert slack.home_opened(tab="home") == 200
    assert slack.home_opened(tab="messages") == 200
    assert bot.wait_idle()

    [prompts] = slack_api.calls("assistant.threads.setSuggestedPrompts")
    assert prompts.params["channel_id"] == DM and "thread_ts" not in prompts.params
    assert prompts.params["title"] == PROMPTS_TITLE
    assert [p["title"] for p in prompts.params["prompts"]][:2] == [
        "Chip exports slow in March",
        "EU takes common 5G stance",
    ]
    assert slack_api.calls("chat.postMessage") == []  # opening the tab is not a question: no greeting posted


def test_a_message_in_the_tab_is_a_thread_root_answered_with_task_updates_then_the_cited_answer(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer, pipeline: FakePipeline
) -> None:
    slack.home_opened()
    assert bot.wait_idle()
    event = slack.dm("What did the EU decide on 5G?")
    assert bot.wait_idle()

    steps = transcript(slack_api)
    print("\nagent view:\n" + "\n".join(f"{m} {json.dumps(a, ensure_ascii=False)}" for m, a in steps))
    methods = [m for m, _ in steps]
    assert methods == [
        "assistant.threads.setSuggestedPrompts",
        "agents.sessions.setStatus",
        "chat.startStream",
        "chat.appendStream",
        "chat.stopStream",
        "agents.sessions.setStatus",
    ]
    assert [steps[1][1]["status"], steps[-1][1]["status"]] == ["processing", "active"]
    start, check, stop = (a for _, a in steps[2:5])
    assert start["channel"] == DM and start["thread_ts"] == event["ts"]  # the message is the thread's root
    assert start["task_display_mode"] == "plan"
    assert start["chunks"] == [
        {"type": "plan_update", "title": "Answering from the indexed articles"},
        {"type": "task_update", "id": "search", "title": "Searching 12,430 articles", "status": "in_progress"},
    ]
    assert check["chunks"][-1] == {"type": "task_update", "id": "check", "title": "Checking 1 quote",
                                   "status": "complete", "sources": 1}  # fmt: skip
    expected = cited_answer("What did the EU decide on 5G?").answer
    assert stop["markdown_text"] == expected
    [message] = [m for m in slack_api.thread(DM, event["ts"]) if m.get("bot_id")]
    assert message["text"] == expected and message["metadata"]["event_type"] == ANSWER_EVENT
    assert message["tasks"]["check"]["sources"] == [{"type": "url", "url": "https://example.com/5g",
                                                    "text": "[1] EU takes common 5G stance"}]  # fmt: skip
    assert pipeline.calls == [("What did the EU decide on 5G?", [])] and pipeline.filters == [None]


def test_every_streamed_chunk_and_block_is_valid_for_the_sdks_models(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer
) -> None:
    slack.dm("What did the EU decide on 5G?")
    assert bot.wait_idle()
    calls = [c for c in slack_api.calls() if c.method.startswith("chat.")]
    chunks = [chunk for c in calls for chunk in c.params.get("chunks") or []]
    blocks = [block for c in calls for block in c.params.get("blocks") or []]
    assert chunks and blocks
    for chunk in chunks:
        parsed = Chunk.parse(chunk)
        assert parsed is not None and parsed.to_dict() == chunk
    for block in blocks:
        parsed_block = Block.parse(block)
        assert parsed_block is not None
        parsed_block.validate_json()


def test_the_viewed_channel_scopes_the_next_question_to_its_sources_and_the_answer_says_so(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer, pipeline: FakePipeline
) -> None:
    assert slack.context_changed("C0MARKETS") == 200
    assert bot.wait_idle()
    slack.dm("How are chip exports doing?")
    assert bot.wait_idle()
    assert slack.context_changed(None) == 200  # the person now views no channel
    assert bot.wait_idle()
    slack.dm("And ZTE?")
    assert bot.wait_idle()

    scoped, unscoped = pipeline.filters
    assert scoped is not None and scoped.sources == ("Reuters", "Bloomberg") and scoped.since
    assert unscoped is None
    first, second = slack_api.calls("chat.stopStream")
    assert first.params["blocks"][0] == {"type": "context", "elements": [{"type": "mrkdwn", "verbatim": True,
        "text": "From #markets's sources: Reuters, Bloomberg (last 30 days)"}]}  # fmt: skip
    assert second.params["blocks"][0]["type"] != "context"
    [plan, _] = slack_api.calls("chat.startStream")[0].params["chunks"]
    assert plan["title"] == "From #markets's sources: Reuters, Bloomberg (last 30 days)"


def test_a_message_carrying_its_own_context_wins_over_what_was_kept(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer, pipeline: FakePipeline
) -> None:
    slack.context_changed("C0SPORTS")
    assert bot.wait_idle()
    message = slack_api.add_message(DM, "U0ALICE", "Any chip news?")
    entities = [{"type": "slack#/types/channel_id", "value": "C0MARKETS", "team_id": "T0TEST"}]
    event = {**message, "channel": DM, "channel_type": "im", "team": "T0TEST", "app_context": {"entities": entities}}
    assert slack.event(event) == 200
    assert bot.wait_idle()
    [filters] = pipeline.filters
    assert filters is not None and filters.sources == ("Reuters", "Bloomberg")


def test_a_legacy_assistant_thread_answers_through_the_same_path(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer, pipeline: FakePipeline
) -> None:
    root = start_thread(slack, slack_api, viewing="C0MARKETS")
    assert bot.wait_idle()
    ask(slack, slack_api, root, "What did the EU decide on 5G?")
    assert bot.wait_idle()

    steps = transcript(slack_api)
    print("\nlegacy assistant thread:\n" + "\n".join(f"{m} {json.dumps(a, ensure_ascii=False)}" for m, a in steps))
    assert [m for m, _ in steps] == [
        "chat.postMessage",  # the greeting, carrying the thread's context (Bolt's store)
        "assistant.threads.setSuggestedPrompts",
        "assistant.threads.setTitle",
        "agents.sessions.setStatus",  # refused by an assistant_view app in a real workspace, and harmless
        "chat.startStream",
        "chat.appendStream",
        "chat.stopStream",
        "agents.sessions.setStatus",
    ]
    assert steps[1][1]["thread_ts"] == root and steps[4][1]["thread_ts"] == root
    [filters] = pipeline.filters  # the legacy thread's context scopes it like the agent view's
    assert filters is not None and filters.sources == ("Reuters", "Bloomberg")


def test_without_agent_sessions_nothing_else_changes(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer
) -> None:
    slack_api.fail("agents.sessions.setStatus", "unknown_method")
    slack.dm("What did the EU decide on 5G?")
    assert bot.wait_idle()
    assert len(slack_api.calls("agents.sessions.setStatus")) == 1  # tried once, never set back to active
    assert len(slack_api.calls("chat.stopStream")) == 1


def test_where_task_updates_are_refused_the_thread_status_shows_progress_and_the_answer_is_posted(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer
) -> None:
    slack_api.state.no_chunks = True
    event = slack.dm("What did the EU decide on 5G?")
    assert bot.wait_idle()

    steps = transcript(slack_api)
    assert [m for m, _ in steps] == [
        "agents.sessions.setStatus",
        "chat.startStream",  # refused: invalid_chunks
        "assistant.threads.setStatus",
        "assistant.threads.setStatus",
        "chat.postMessage",
        "agents.sessions.setStatus",
    ]
    assert [a["status"] for m, a in steps if m == "assistant.threads.setStatus"] == [
        "Searching 12,430 articles…",
        "Writing the answer…",
    ]
    assert steps[-1][1]["thread_ts"] == event["ts"]


@pytest.mark.parametrize("app_options", [{"library": FakeLibrary(), "streaming": True, "stream_buffer": 16}])
@pytest.mark.parametrize("pipeline", [{"tokens": lambda a: a.answer.split(" ")}], indirect=True)
def test_a_model_answer_still_streams_its_text_where_task_updates_are_refused(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer
) -> None:
    slack_api.state.no_chunks = True
    event = slack.dm("What did the EU decide on 5G?")
    assert bot.wait_idle()
    starts = slack_api.calls("chat.startStream")
    assert len(starts) == 2 and "chunks" in starts[0].params and "chunks" not in starts[1].params
    assert slack_api.calls("chat.postMessage") == [] and len(slack_api.calls("chat.stopStream")) == 1
    [message] = [m for m in slack_api.thread(DM, event["ts"]) if m.get("bot_id")]
    assert message["text"].replace(" ", "") == cited_answer("What did the EU decide on 5G?").answer.replace(" ", "")


@pytest.mark.parametrize("pipeline", [{"fail_next": 1}], indirect=True)
def test_a_failure_after_progress_began_leaves_one_apology_in_that_message(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer
) -> None:
    event = slack.dm("Is the model up?")
    assert bot.wait_idle()
    [message] = [m for m in slack_api.thread(DM, event["ts"]) if m.get("bot_id")]
    assert message["text"] == APOLOGY and message["metadata"]["event_type"] == NOTICE_EVENT
    assert slack_api.calls("chat.postMessage") == []
