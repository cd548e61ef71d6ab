"""👍/👎 on answers: acknowledge, append a JSONL record to the data dir, ask 👎 voters what was wrong.

Everything the record needs travels with the click (question in the button value, answer in the message),
so any worker can record any vote.
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
from bot.slack.render import VOTE_DOWN, VOTE_UP

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

    def read(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line]


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


class FeedbackHandlers:
    """Bolt listeners for the vote buttons and the 👎 modal."""

    def __init__(self, log_: FeedbackLog) -> None:
        self.log = log_

    def on_vote(self, ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        action = (body.get("actions") or [{}])[0]
        vote = {VOTE_UP: "up", VOTE_DOWN: "down"}.get(action.get("action_id", ""), "unknown")
        message = body.get("message") or {}
        container = body.get("container") or {}
        fields = {
            "user": (body.get("user") or {}).get("id"),
            "channel": (body.get("channel") or {}).get("id") or container.get("channel_id"),
            "thread": message.get("thread_ts") or container.get("thread_ts") or message.get("ts"),
            "message_ts": message.get("ts") or container.get("message_ts"),
            "question": action.get("value", ""),
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
