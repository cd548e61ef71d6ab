"""Read a Slack thread back as conversation history, so no worker needs to remember anything.

The bot marks its answers with message metadata (`newsbot_answer`) and its other replies (help, apology,
rate limit) with `newsbot_notice`; only answers pair with the question before them into a `Turn`.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from slack_sdk import WebClient

from bot.core.models import Turn
from bot.slack import mrkdwn

ANSWER_EVENT = "newsbot_answer"
NOTICE_EVENT = "newsbot_notice"
MAX_TURNS = 10
PAGE_SIZE = 200
MAX_PAGES = 5


def _ts(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return Decimal(0)


def _messages(client: WebClient, channel: str, thread_ts: str) -> Iterator[dict[str, Any]]:
    cursor: str | None = None
    for _ in range(MAX_PAGES):
        response = client.conversations_replies(
            channel=channel, ts=thread_ts, limit=PAGE_SIZE, cursor=cursor, include_all_metadata=True
        )
        yield from response.get("messages") or []
        cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
        if not cursor:
            return


def turns_from_messages(
    messages: list[dict[str, Any]], *, before_ts: str, bot_user_id: str | None, bot_id: str | None
) -> list[Turn]:
    """Pair each answer of this bot with the latest human message before it; stop at `before_ts`."""
    turns: list[Turn] = []
    pending: str | None = None
    limit = _ts(before_ts)
    for message in sorted(messages, key=lambda m: _ts(m.get("ts"))):
        if _ts(message.get("ts")) >= limit:
            break
        ours = (bot_user_id and message.get("user") == bot_user_id) or (bot_id and message.get("bot_id") == bot_id)
        if ours:
            event = (message.get("metadata") or {}).get("event_type")
            if pending is not None and event in (None, ANSWER_EVENT):
                turns.append(Turn(question=pending, answer=mrkdwn.unescape(message.get("text") or "")))
                pending = None
            continue
        if message.get("bot_id") or message.get("subtype") not in (None, "thread_broadcast", "file_share"):
            continue
        text = mrkdwn.user_text(message.get("text") or "", bot_user_id)
        if text:
            pending = text
    return turns[-MAX_TURNS:]


def thread_history(
    client: WebClient,
    channel: str,
    thread_ts: str,
    *,
    before_ts: str,
    bot_user_id: str | None,
    bot_id: str | None,
) -> list[Turn]:
    """The thread's earlier question/answer pairs (conversations.replies), oldest first."""
    messages = list(_messages(client, channel, thread_ts))
    return turns_from_messages(messages, before_ts=before_ts, bot_user_id=bot_user_id, bot_id=bot_id)
