"""A Slack thread read back as Turns: answers pair with the question before them, notices do not."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient

from bot.core.models import Turn
from bot.slack import history
from bot.slack.history import ANSWER_EVENT, NOTICE_EVENT, thread_history, turns_from_messages
from tests.support.slack_api import BOT_ID, BOT_USER_ID, SlackApiServer
from tests.support.slack_app import BOT_TOKEN


def human(ts: str, text: str, user: str = "U0ALICE") -> dict:
    return {"type": "message", "user": user, "text": text, "ts": ts}


def ours(ts: str, text: str, event: str | None = ANSWER_EVENT) -> dict:
    message = {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID, "text": text, "ts": ts}
    if event:
        message["metadata"] = {"event_type": event, "event_payload": {}}
    return message


def test_answers_pair_with_the_latest_question_and_notices_are_skipped() -> None:
    messages = [
        human("1.000001", f"<@{BOT_USER_ID}> What did ZTE &amp; Huawei say?"),
        ours("1.000002", "They welcomed it &lt;here&gt; [1]."),
        human("1.000003", "<@UBOB> did you see this?", user="U0CAROL"),
        human("1.000004", f"<@{BOT_USER_ID}> and the EU?"),
        ours("1.000005", "Sorry, something went wrong.", event=NOTICE_EVENT),
        {"type": "message", "subtype": "bot_message", "bot_id": "B0OTHER", "text": "other bot", "ts": "1.000006"},
        human("1.000007", f"<@{BOT_USER_ID}> and the EU, again?"),
        ours("1.000008", "The EU released a common stance [1].", event=None),
        human("1.000009", f"<@{BOT_USER_ID}> current question"),
        ours("1.000010", "an answer posted after the current question"),
    ]
    turns = turns_from_messages(list(reversed(messages)), before_ts="1.000009", bot_user_id=BOT_USER_ID, bot_id=BOT_ID)
    assert turns == [
        Turn(question="What did ZTE & Huawei say?", answer="They welcomed it <here> [1]."),
        Turn(question="and the EU, again?", answer="The EU released a common stance [1]."),
    ]


def test_only_the_latest_turns_are_kept() -> None:
    messages = []
    for i in range(1, 30):
        messages += [human(f"{i}.000001", f"q{i}"), ours(f"{i}.000002", f"a{i}")]
    turns = turns_from_messages(messages, before_ts="99.0", bot_user_id=BOT_USER_ID, bot_id=BOT_ID)
    assert len(turns) == history.MAX_TURNS
    assert turns[-1] == Turn("q29", "a29")


def test_thread_history_pages_through_conversations_replies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(history, "PAGE_SIZE", 3)
    with SlackApiServer(BOT_TOKEN) as api:
        client = WebClient(token=BOT_TOKEN, base_url=api.url)
        parent = api.add_message("C1", "U0ALICE", "first question")
        for n in range(4):
            client.chat_postMessage(
                channel="C1",
                thread_ts=parent["ts"],
                text=f"answer {n}",
                metadata={"event_type": ANSWER_EVENT, "event_payload": {}},
            )
            api.add_message("C1", "U0ALICE", f"question {n + 2}", thread_ts=parent["ts"])
        current = api.add_message("C1", "U0ALICE", "now", thread_ts=parent["ts"])
        turns = thread_history(
            client, "C1", parent["ts"], before_ts=current["ts"], bot_user_id=BOT_USER_ID, bot_id=None
        )
        pages = api.calls("conversations.replies")
    assert [t.question for t in turns] == ["first question", "question 2", "question 3", "question 4"]
    assert [t.answer for t in turns] == ["answer 0", "answer 1", "answer 2", "answer 3"]
    assert len(pages) == 4
    assert all(p.params["include_all_metadata"] in ("1", "true", True) for p in pages)
