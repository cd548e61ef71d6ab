"""Answer questions asked in Slack: mentions in channels and every message in a DM, always in the thread.

The listener only decides (dedupe, filters, allow-list, rate limit) and hands the slow part, the pipeline,
to the answer pool, so Slack gets its acknowledgement at once and clicks stay responsive meanwhile.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any, Protocol

from slack_sdk import WebClient

from bot.core.models import Answer, Turn
from bot.slack import mrkdwn
from bot.slack.dedupe import Deduper
from bot.slack.gate import QuestionGate
from bot.slack.history import ANSWER_EVENT, NOTICE_EVENT, thread_history
from bot.slack.render import SlackMessage, notice, render_answer

log = logging.getLogger(__name__)

WORKING = "eyes"
APOLOGY = "Sorry, something went wrong while I was answering. Please try again in a moment."

# Message subtypes that are a person posting; edits, deletions, joins and bot posts are not questions.
_POSTED = {None, "thread_broadcast", "file_share"}


class AnswerPipeline(Protocol):
    """The one thing the Slack app needs from the rest of newsbot (bot.core.pipeline.Pipeline fits)."""

    def answer(self, question: str, *, history: Sequence[Turn] = ()) -> Answer: ...


@dataclass(frozen=True)
class Post:
    """A person's message the bot should answer, and where the answer goes."""

    channel: str
    ts: str
    thread_ts: str
    user: str
    text: str
    in_thread: bool


@dataclass(frozen=True)
class Identity:
    bot_user_id: str | None
    bot_id: str | None


def post_from_event(event: dict[str, Any]) -> Post | None:
    """The post behind an `app_mention` or `message` event, or None when it is not a person's new post."""
    if event.get("subtype") not in _POSTED or event.get("bot_id") or event.get("bot_profile"):
        return None
    user, channel, ts = event.get("user"), event.get("channel"), event.get("ts")
    if not user or not channel or not ts or user == "USLACKBOT":
        return None
    thread_ts = event.get("thread_ts") or ts
    return Post(channel, ts, thread_ts, user, event.get("text") or "", in_thread=thread_ts != ts)


def post_message(client: WebClient, channel: str, thread_ts: str | None, message: SlackMessage, event: str) -> None:
    client.chat_postMessage(
        channel=channel,
        thread_ts=thread_ts,
        text=message.text,
        blocks=message.blocks,
        metadata={"event_type": event, "event_payload": {"app": "newsbot"}},
        unfurl_links=False,
        unfurl_media=False,
    )


class QuestionHandlers:
    """Bolt listeners for `app_mention` and `message`, and the worker that answers."""

    def __init__(
        self,
        pipeline: AnswerPipeline,
        answers: Executor,
        *,
        dedupe: Deduper,
        gate: QuestionGate,
    ) -> None:
        self.pipeline = pipeline
        self.answers = answers
        self.dedupe = dedupe
        self.gate = gate

    def on_mention(self, body: dict[str, Any], event: dict[str, Any], client: WebClient, context: Any) -> None:
        self._take(body, event, client, context)

    def on_message(self, body: dict[str, Any], event: dict[str, Any], client: WebClient, context: Any) -> None:
        if event.get("channel_type") == "im":
            self._take(body, event, client, context)

    def _take(self, body: dict[str, Any], event: dict[str, Any], client: WebClient, context: Any) -> None:
        post = post_from_event(event)
        if post is None:
            return
        identity = Identity(context.get("bot_user_id"), context.get("bot_id"))
        if post.user == identity.bot_user_id:
            return
        keys: list[object] = [("post", post.channel, post.ts)]
        if body.get("event_id"):
            keys.append(("event", body["event_id"]))
        if not self.dedupe.first(*keys):
            log.debug("duplicate delivery of %s/%s ignored", post.channel, post.ts)
            return
        if not self.gate.channel_allowed(post.channel, is_dm=event.get("channel_type") == "im"):
            log.info("ignoring a question in channel %s: not in the allow-list", post.channel)
            return
        question = mrkdwn.user_text(post.text, identity.bot_user_id)
        problem = self.gate.problem(question, post.user)
        if problem:
            self._notice(client, post, problem)
            return
        self.answers.submit(self._answer, client, post, question, identity)

    def _notice(self, client: WebClient, post: Post, text: str) -> None:
        try:
            post_message(client, post.channel, post.thread_ts, notice(text), NOTICE_EVENT)
        except Exception:
            log.exception("could not post a notice in %s", post.channel)

    def _react(self, client: WebClient, post: Post, add: bool) -> None:
        try:
            if add:
                client.reactions_add(channel=post.channel, timestamp=post.ts, name=WORKING)
            else:
                client.reactions_remove(channel=post.channel, timestamp=post.ts, name=WORKING)
        except Exception:
            log.debug("could not %s the :%s: reaction", "add" if add else "remove", WORKING, exc_info=True)

    def _answer(self, client: WebClient, post: Post, question: str, identity: Identity) -> None:
        """Answer one post in its thread; any failure becomes a short apology there, details in the log."""
        self._react(client, post, add=True)
        try:
            history: list[Turn] = []
            if post.in_thread:
                history = thread_history(
                    client,
                    post.channel,
                    post.thread_ts,
                    before_ts=post.ts,
                    bot_user_id=identity.bot_user_id,
                    bot_id=identity.bot_id,
                )
            answer = self.pipeline.answer(question, history=history)
            post_message(client, post.channel, post.thread_ts, render_answer(answer, question=question), ANSWER_EVENT)
        except Exception as error:
            log.exception("answering %s/%s failed: %s", post.channel, post.ts, type(error).__name__)
            self._notice(client, post, APOLOGY)
        finally:
            self._react(client, post, add=False)
