"""Answer questions asked in Slack: mentions in channels and every message in a DM, always in the thread.

The listener only decides (dedupe, filters, allow-list, rate limit) and hands the slow part, the pipeline,
to the answer pool, so Slack gets its acknowledgement at once and clicks stay responsive meanwhile.
"""

from __future__ import annotations

import logging
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from typing import Any

from slack_sdk import WebClient

from bot.core.models import Turn
from bot.slack import mrkdwn
from bot.slack.dedupe import Deduper
from bot.slack.gate import QuestionGate
from bot.slack.history import thread_history
from bot.slack.reply import APOLOGY, AnswerPipeline, Replier, post_message, post_notice
from bot.slack.stream import Thread

__all__ = ["APOLOGY", "AnswerPipeline", "Identity", "Post", "QuestionHandlers", "post_from_event", "post_message"]

log = logging.getLogger(__name__)

WORKING = "eyes"

# Message subtypes that are a person posting; edits, deletions, joins and bot posts are not questions.
_POSTED = {None, "thread_broadcast", "file_share"}


@dataclass(frozen=True)
class Post:
    """A person's message the bot should answer, and where the answer goes."""

    channel: str
    ts: str
    thread_ts: str
    user: str
    text: str
    in_thread: bool
    team: str | None = None

    @property
    def thread(self) -> Thread:
        return Thread(self.channel, self.thread_ts, self.user, self.team)


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
    team = event.get("team") or event.get("user_team")
    return Post(channel, ts, thread_ts, user, event.get("text") or "", in_thread=thread_ts != ts, team=team)


class QuestionHandlers:
    """Bolt listeners for `app_mention` and `message`, and the worker that answers."""

    def __init__(
        self,
        replier: Replier,
        answers: Executor,
        *,
        dedupe: Deduper,
        gate: QuestionGate,
    ) -> None:
        self.replier = replier
        self.answers = answers
        self.dedupe = dedupe
        self.gate = gate

    def on_mention(self, body: dict[str, Any], event: dict[str, Any], client: WebClient, context: Any) -> None:
        self._take(body, event, client, context)

    def on_message(self, body: dict[str, Any], event: dict[str, Any], client: WebClient, context: Any) -> None:
        if event.get("channel_type") == "im":
            self._take(body, event, client, context)

    def _take(self, body: dict[str, Any], event: dict[str, Any], client: WebClient, context: Any) -> None:
        admitted = self.admit(body, event, client, context)
        if admitted is not None:
            post, question, identity = admitted
            self.answers.submit(self._answer, client, post, question, identity)

    def admit(
        self, body: dict[str, Any], event: dict[str, Any], client: WebClient, context: Any
    ) -> tuple[Post, str, Identity] | None:
        """The post, question and bot identity when this event is a question to answer now; else None, after
        posting the notice (help, too long, rate limited) that replaces an answer, if any."""
        post = post_from_event(event)
        if post is None:
            return None
        if post.team is None and body.get("team_id"):
            post = replace(post, team=body["team_id"])
        identity = Identity(context.get("bot_user_id"), context.get("bot_id"))
        if post.user == identity.bot_user_id:
            return None
        keys: list[object] = [("post", post.channel, post.ts)]
        if body.get("event_id"):
            keys.append(("event", body["event_id"]))
        if not self.dedupe.first(*keys):
            log.debug("duplicate delivery of %s/%s ignored", post.channel, post.ts)
            return None
        if not self.gate.channel_allowed(post.channel, is_dm=event.get("channel_type") == "im"):
            log.info("ignoring a question in channel %s: not in the allow-list", post.channel)
            return None
        question = mrkdwn.user_text(post.text, identity.bot_user_id)
        problem = self.gate.problem(question, post.user)
        if problem:
            self._notice(client, post, problem)
            return None
        return post, question, identity

    def history(self, client: WebClient, post: Post, identity: Identity) -> list[Turn]:
        """The thread's earlier turns (none for a new thread)."""
        if not post.in_thread:
            return []
        return thread_history(
            client,
            post.channel,
            post.thread_ts,
            before_ts=post.ts,
            bot_user_id=identity.bot_user_id,
            bot_id=identity.bot_id,
        )

    def _notice(self, client: WebClient, post: Post, text: str) -> None:
        post_notice(client, post.thread, text)

    def _react(self, client: WebClient, post: Post, add: bool) -> None:
        try:
            if add:
                client.reactions_add(channel=post.channel, timestamp=post.ts, name=WORKING)
            else:
                client.reactions_remove(channel=post.channel, timestamp=post.ts, name=WORKING)
        except Exception:
            log.debug("could not %s the :%s: reaction", "add" if add else "remove", WORKING, exc_info=True)

    def _answer(self, client: WebClient, post: Post, question: str, identity: Identity) -> None:
        """Answer one post in its thread, with 👀 on the question meanwhile; failures become an apology."""
        self._react(client, post, add=True)
        try:
            try:
                history = self.history(client, post, identity)
            except Exception as error:
                log.exception("reading thread %s/%s failed: %s", post.channel, post.thread_ts, type(error).__name__)
                self._notice(client, post, APOLOGY)
                return
            self.replier.reply(client, post.thread, question, history)
        finally:
            self._react(client, post, add=False)
