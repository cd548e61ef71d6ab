"""👍/👎 on answers: acknowledge, append a JSONL record to the data dir, ask 👎 voters what was wrong.

Everything the record needs travels with the click (vote and question in the button value, answer in the
message), so any worker can record any vote. Slack sends every click of its feedback buttons and never an
un-click, so the file is an append-only log of clicks and `FeedbackLog.read` gives each person's latest
choice per answer: clicking twice or switching counts once.
"""

from __future__ import annotations

import json
import logging
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.slack import mrkdwn
from bot.slack.render import FEEDBACK, VOTE_DOWN, VOTE_UP, parse_vote

REASON_VIEW = "newsbot_feedback_reason"
REASON_BLOCK = "reason"
REASON_ACTION = "reason_text"
METADATA_LIMIT = 3000

log = logging.getLogger(__name__)


class FeedbackLog:
    """Append-only JSONL of votes; one `write` per line keeps lines whole across threads and processes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def record(self, **fields: Any) -> dict[str, Any]:
        entry = {"time": datetime.now(UTC).isoformat(timespec="seconds"), **fields}
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(line)
        return entry

    def clicks(self) -> list[dict[str, Any]]:
        """Every record as written: each click and each 👎 reason, oldest first."""
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line]

    def read(self) -> list[dict[str, Any]]:
        """One record per person per answer: their latest click (with its reason, if one followed)."""
        latest: dict[tuple[Any, ...], dict[str, Any]] = {}
        for entry in self.clicks():
            key = (entry.get("channel"), entry.get("message_ts"), entry.get("user"))
            latest.pop(key, None)
            latest[key] = entry
        return list(latest.values())


def _reason_view(metadata: dict[str, str]) -> dict[str, Any]:
    meta = dict(metadata)
    while len(json.dumps(meta)) > METADATA_LIMIT and meta.get("answer"):
        meta["answer"] = meta["answer"][: len(meta["answer"]) // 2]
    return {
        "type": "modal",
        "callback_id": REASON_VIEW,
        "private_metadata": json.dumps(meta),
        "title": {"type": "plain_text", "text": "What was wrong?"},
        "submit": {"type": "plain_text", "text": "Send"},
        "close": {"type": "plain_text", "text": "Skip"},
        "blocks": [
            {
                "type": "input",
                "block_id": REASON_BLOCK,
                "optional": True,
                "label": {"type": "plain_text", "text": "Tell us what was wrong with the answer"},
                "element": {"type": "plain_text_input", "action_id": REASON_ACTION, "multiline": True},
            }
        ],
    }


def _vote(action: dict[str, Any]) -> tuple[str, str]:
    """(vote, question) of a click on the native feedback buttons, or on the 👍/👎 buttons that answers
    posted before them carry (question alone in the value)."""
    action_id = action.get("action_id", "")
    if action_id == FEEDBACK:
        return parse_vote(action.get("value") or "")
    return {VOTE_UP: "up", VOTE_DOWN: "down"}.get(action_id, "unknown"), action.get("value") or ""


class FeedbackHandlers:
    """Bolt listeners for the vote buttons and the 👎 modal."""

    def __init__(self, log_: FeedbackLog) -> None:
        self.log = log_

    def on_vote(self, ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        action = (body.get("actions") or [{}])[0]
        vote, question = _vote(action)
        message = body.get("message") or {}
        container = body.get("container") or {}
        fields = {
            "user": (body.get("user") or {}).get("id"),
            "channel": (body.get("channel") or {}).get("id") or container.get("channel_id"),
            "thread": message.get("thread_ts") or container.get("thread_ts") or message.get("ts"),
            "message_ts": message.get("ts") or container.get("message_ts"),
            "question": question,
            "answer": mrkdwn.unescape(message.get("text") or ""),
        }
        self.log.record(**fields, vote=vote, reason=None)
        if vote == "down" and body.get("trigger_id"):
            try:
                client.views_open(trigger_id=body["trigger_id"], view=_reason_view(fields))
            except Exception:
                log.exception("could not open the feedback modal")
        elif fields["channel"] and fields["user"]:
            try:
                client.chat_postEphemeral(
                    channel=fields["channel"],
                    user=fields["user"],
                    thread_ts=fields["thread"],
                    text="Thanks for the feedback.",
                )
            except Exception:
                log.warning("could not thank %s for the vote", fields["user"], exc_info=True)

    def on_reason(self, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        ack()
        try:
            meta = json.loads(view.get("private_metadata") or "{}")
        except json.JSONDecodeError:
            meta = {}
        values = (view.get("state") or {}).get("values") or {}
        reason = ((values.get(REASON_BLOCK) or {}).get(REASON_ACTION) or {}).get("value") or ""
        meta["user"] = (body.get("user") or {}).get("id") or meta.get("user")
        self.log.record(**meta, vote="down", reason=reason)
