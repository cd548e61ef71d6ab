"""👍/👎 on answers: acknowledge, append a JSONL record to the data dir, ask 👎 voters what was wrong, and
change what later questions retrieve (`index.feedback`).

Everything the record needs travels with the click (vote and question in the button value, answer and its
cited articles in the message and its metadata), so any worker can record any vote. Slack sends every
click of its feedback buttons and never an un-click, so the file is an append-only log of clicks and
`FeedbackLog.read` gives each person's latest choice per answer: clicking twice or switching counts once.

What changes retrieval: 👍 boosts the answer's cited articles slightly; 👎 with the reason "wrong or
outdated source" down-weights the articles the voter ticks; a workspace admin (or owner) may also tick
"hide", and those articles leave every later answer until `newsbot feedback reset`. A 👎 first clears that
person's 👍 on the same answer, so switching counts once there too.
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
from index.feedback import FeedbackStore

REASON_VIEW = "newsbot_feedback_reason"
REASON_BLOCK = "reason"
REASON_ACTION = "reason_text"
KIND_BLOCK = "kind"
KIND_ACTION = "reason_kind"
ARTICLES_BLOCK = "articles"
ARTICLES_ACTION = "articles_chosen"
HIDE_BLOCK = "hide"
HIDE_ACTION = "hide_chosen"
WRONG_SOURCE = "wrong_source"
KINDS = {
    WRONG_SOURCE: "Wrong or outdated source",
    "wrong_answer": "The answer misreads its sources",
    "other": "Something else",
}
HIDE = "hide"
METADATA_LIMIT = 3000
OPTION_TEXT_LIMIT = 75

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


def _option(value: str, text: str) -> dict[str, Any]:
    """A choice; article titles are escaped like every text newsbot shows (Slack reads &, < and > as markup)."""
    text = mrkdwn.escape(" ".join(text.split()) or value)
    if len(text) > OPTION_TEXT_LIMIT:
        text = text[: OPTION_TEXT_LIMIT - 1] + "…"
    return {"text": {"type": "plain_text", "text": text}, "value": value}


def _reason_view(metadata: dict[str, Any], *, admin: bool) -> dict[str, Any]:
    """The 👎 modal: what was wrong, which cited article(s), and for admins whether to hide them."""
    meta = dict(metadata)
    while len(json.dumps(meta)) > METADATA_LIMIT and meta.get("answer"):
        meta["answer"] = meta["answer"][: len(meta["answer"]) // 2]
    while len(json.dumps(meta)) > METADATA_LIMIT and meta.get("articles"):
        meta["articles"] = meta["articles"][:-1]
    articles = meta.get("articles") or []
    kinds = [_option(value, text) for value, text in KINDS.items()]
    blocks: list[dict[str, Any]] = [
        {
            "type": "input",
            "block_id": KIND_BLOCK,
            "optional": True,
            "label": {"type": "plain_text", "text": "What was wrong?"},
            "element": {"type": "radio_buttons", "action_id": KIND_ACTION, "options": kinds},
        }
    ]
    if articles:
        options = [_option(str(i), a.get("title") or a["id"]) for i, a in enumerate(articles)]
        blocks.append(
            {
                "type": "input",
                "block_id": ARTICLES_BLOCK,
                "optional": True,
                "label": {"type": "plain_text", "text": "Which cited article?"},
                "element": {
                    "type": "checkboxes",
                    "action_id": ARTICLES_ACTION,
                    "options": options,
                    "initial_options": options,
                },
            }
        )
        if admin:
            hide = [_option(HIDE, "Hide the ticked articles from every answer")]
            blocks.append(
                {
                    "type": "input",
                    "block_id": HIDE_BLOCK,
                    "optional": True,
                    "label": {"type": "plain_text", "text": "For the whole workspace (admins)"},
                    "element": {"type": "checkboxes", "action_id": HIDE_ACTION, "options": hide},
                }
            )
    blocks.append(
        {
            "type": "input",
            "block_id": REASON_BLOCK,
            "optional": True,
            "label": {"type": "plain_text", "text": "Tell us what was wrong with the answer"},
            "element": {"type": "plain_text_input", "action_id": REASON_ACTION, "multiline": True},
        }
    )
    return {
        "type": "modal",
        "callback_id": REASON_VIEW,
        "private_metadata": json.dumps(meta),
        "title": {"type": "plain_text", "text": "What was wrong?"},
        "submit": {"type": "plain_text", "text": "Send"},
        "close": {"type": "plain_text", "text": "Skip"},
        "blocks": blocks,
    }


def cited_articles(message: dict[str, Any]) -> list[dict[str, str]]:
    """The cited articles an answer's metadata names (`bot.slack.reply.metadata`)."""
    payload = (message.get("metadata") or {}).get("event_payload") or {}
    articles = payload.get("articles") or []
    return [
        {"id": str(a["id"]), "title": str(a.get("title") or "")}
        for a in articles
        if isinstance(a, dict) and a.get("id")
    ]


def _read_back(client: WebClient, fields: dict[str, Any]) -> list[dict[str, str]]:
    """The cited articles from the message as stored in Slack, for a click whose payload left out the
    message's metadata (Slack includes it only on request)."""
    if not fields.get("channel") or not fields.get("message_ts"):
        return []
    try:
        response = client.conversations_replies(
            channel=fields["channel"],
            ts=fields["thread"] or fields["message_ts"],
            oldest=fields["message_ts"],
            inclusive=True,
            limit=5,
            include_all_metadata=True,
        )
    except Exception:
        log.warning("could not read back the voted answer's metadata", exc_info=True)
        return []
    for message in response.get("messages") or []:
        if message.get("ts") == fields["message_ts"]:
            return cited_articles(message)
    return []


def is_admin(client: WebClient, user: str | None) -> bool:
    """A workspace admin or owner (users.info); any doubt means no."""
    if not user:
        return False
    try:
        info = client.users_info(user=user).get("user") or {}
    except Exception:
        log.warning("could not check whether %s is an admin", user, exc_info=True)
        return False
    return bool(info.get("is_admin") or info.get("is_owner") or info.get("is_primary_owner"))


def _vote(action: dict[str, Any]) -> tuple[str, str]:
    """(vote, question) of a click on the native feedback buttons, or on the 👍/👎 buttons that answers
    posted before them carry (question alone in the value)."""
    action_id = action.get("action_id", "")
    if action_id == FEEDBACK:
        return parse_vote(action.get("value") or "")
    return {VOTE_UP: "up", VOTE_DOWN: "down"}.get(action_id, "unknown"), action.get("value") or ""


class FeedbackHandlers:
    """Bolt listeners for the vote buttons and the 👎 modal."""

    def __init__(self, log_: FeedbackLog, store: FeedbackStore | None = None) -> None:
        self.log = log_
        self.store = store

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
        articles = cited_articles(message) or _read_back(client, fields)
        self.log.record(**fields, vote=vote, reason=None)
        self._weigh(vote, fields, articles)
        if vote == "down" and body.get("trigger_id"):
            view = _reason_view(
                {**fields, "articles": articles}, admin=bool(articles) and is_admin(client, fields["user"])
            )
            try:
                client.views_open(trigger_id=body["trigger_id"], view=view)
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

    def _weigh(self, vote: str, fields: dict[str, Any], articles: list[dict[str, str]]) -> None:
        """👍 lifts the cited articles; a 👎 click clears that person's 👍 until its reason says more."""
        if self.store is None or not articles or not fields["user"] or vote not in ("up", "down"):
            return
        ids = [a["id"] for a in articles]
        titles = {a["id"]: a["title"] for a in articles}
        answer = f"{fields['channel']}:{fields['message_ts']}"
        try:
            if vote == "up":
                self.store.up(ids, voter=fields["user"], answer=answer, titles=titles)
            else:
                self.store.vote(ids, voter=fields["user"], answer=answer, weight=0.0, titles=titles)
        except Exception:
            log.exception("could not record the vote's effect on retrieval")

    def on_reason(self, ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        ack()
        try:
            meta = json.loads(view.get("private_metadata") or "{}")
        except json.JSONDecodeError:
            meta = {}
        values = (view.get("state") or {}).get("values") or {}

        def chosen(block: str, action: str) -> list[str]:
            picked = (values.get(block) or {}).get(action) or {}
            if picked.get("selected_option"):
                return [str(picked["selected_option"]["value"])]
            return [str(o["value"]) for o in picked.get("selected_options") or []]

        reason = ((values.get(REASON_BLOCK) or {}).get(REASON_ACTION) or {}).get("value") or ""
        kind = (chosen(KIND_BLOCK, KIND_ACTION) or [None])[0]
        articles = meta.pop("articles", None) or []
        picked = [
            articles[int(i)] for i in chosen(ARTICLES_BLOCK, ARTICLES_ACTION) if i.isdigit() and int(i) < len(articles)
        ]
        user = (body.get("user") or {}).get("id") or meta.get("user")
        meta["user"] = user
        hide = HIDE in chosen(HIDE_BLOCK, HIDE_ACTION) and bool(picked) and is_admin(client, user)
        self.log.record(
            **meta,
            vote="down",
            reason=reason,
            reason_kind=kind,
            articles=[a["id"] for a in picked],
            hidden=[a["id"] for a in picked] if hide else [],
        )
        if self.store is None or not picked or not user:
            return
        try:
            if kind == WRONG_SOURCE:
                answer = f"{meta.get('channel')}:{meta.get('message_ts')}"
                titles = {a["id"]: a.get("title", "") for a in picked}
                self.store.down([a["id"] for a in picked], voter=user, answer=answer, titles=titles)
            if hide:
                for article in picked:
                    self.store.hide(article["id"], by=user, title=article.get("title", ""))
        except Exception:
            log.exception("could not record the feedback's effect on retrieval")
