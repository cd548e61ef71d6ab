"""Answer questions asked in Slack: mentions in channels and every message in a DM, always in the thread.

The listener only decides (dedupe, filters, allow-list, rate limit) and hands the slow part, the pipeline,
to the answer pool, so Slack gets its acknowledgement at once and clicks stay responsive meanwhile.

`QuestionHandlers.answer` is the one path after the event, for mentions, DMs (each top-level DM message
is a thread root, the agent view's model), agent-view threads and legacy assistant threads alike: read the
thread's history, title a new assistant thread, find the channel the question is scoped to (the channel
it was asked in, or the one the asker is viewing), and reply.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from typing import Any

from slack_sdk import WebClient

from bot.core.models import Turn
from bot.slack import mrkdwn
from bot.slack.channels import ChannelMap, ChannelRule
from bot.slack.dedupe import Deduper
from bot.slack.gate import QuestionGate
from bot.slack.history import thread_history
from bot.slack.reply import APOLOGY, AnswerPipeline, Ask, Replier, post_message, post_notice
from bot.slack.stream import Thread
from bot.slack.viewing import ViewedChannels, viewed_channel

__all__ = ["APOLOGY", "AnswerPipeline", "Identity", "Post", "QuestionHandlers", "post_from_event", "post_message"]

log = logging.getLogger(__name__)

TITLE_LIMIT = 100
Viewing = Callable[[], str | None]

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
        channels: ChannelMap | None = None,
        viewing: ViewedChannels | None = None,
    ) -> None:
        self.replier = replier
        self.answers = answers
        self.dedupe = dedupe
        self.gate = gate
        self.channels = channels or ChannelMap(None)
        self.viewing = viewing

    def on_mention(self, body: dict[str, Any], event: dict[str, Any], client: WebClient, context: Any) -> None:
        self._take(body, event, client, context)

    def on_message(self, body: dict[str, Any], event: dict[str, Any], client: WebClient, context: Any) -> None:
        if event.get("channel_type") == "im":
            self._take(body, event, client, context)

    def _take(self, body: dict[str, Any], event: dict[str, Any], client: WebClient, context: Any) -> None:
        admitted = self.admit(body, event, client, context)
        if admitted is None:
            return
        post, question, identity = admitted
        if event.get("channel_type") != "im":
            self.answers.submit(self.answer, client, post, question, identity)
            return
        self.answers.submit(
            self.answer,
            client,
            post,
            question,
            identity,
            set_status=_thread_status(client, post),
            viewing=self.viewed_by(post, event),
        )

    def viewed_by(self, post: Post, event: dict[str, Any], legacy: Viewing | None = None) -> Viewing:
        """Where the asker of a DM question is looking: the message's own `app_context` (agent view), else
        the legacy thread's context, else the last `app_context_changed` kept for them. Read lazily, in the
        answer's worker, since the stores may call Slack or the disk."""
        stamped = viewed_channel(event.get("app_context"))

        def find() -> str | None:
            if stamped:
                return stamped
            if legacy is not None:
                channel = legacy()
                if channel:
                    return channel
            return self.viewing.find(post.team, post.user) if self.viewing is not None else None

        return find

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

    def rule_for(self, post: Post, viewing: Viewing | None) -> ChannelRule | None:
        """The channel map's rule for this question: its own channel's, or (in a DM) the viewed channel's."""
        if not post.channel.startswith("D"):
            return self.channels.rule(post.channel)
        if viewing is None:
            return None
        try:
            return self.channels.rule(viewing())
        except Exception as error:
            log.warning("could not read which channel %s is viewing: %s", post.user, type(error).__name__)
            return None

    def answer(
        self,
        client: WebClient,
        post: Post,
        question: str,
        identity: Identity,
        *,
        set_status: Callable[[str], None] | None = None,
        set_title: Callable[[str], None] | None = None,
        viewing: Viewing | None = None,
    ) -> None:
        """Answer one post in its thread (the one code path after every kind of event); failures become an
        apology. `set_status` shows progress in DM threads (else 👀 on the post), `set_title` names a new
        assistant thread, `viewing` tells a DM question which channel's sources it is scoped to."""
        try:
            history = self.history(client, post, identity)
        except Exception as error:
            log.exception("reading thread %s/%s failed: %s", post.channel, post.thread_ts, type(error).__name__)
            self._notice(client, post, APOLOGY)
            return
        if set_title is not None and not history:
            _quietly(lambda: set_title(question[:TITLE_LIMIT]))
        ask = Ask(
            post.thread,
            question,
            history,
            rule=self.rule_for(post, viewing),
            set_status=set_status,
            react_ts=post.ts,
        )
        self.replier.reply(client, ask)


def _thread_status(client: WebClient, post: Post) -> Callable[[str], None]:
    """The DM thread's status line (`assistant.threads.setStatus`, which the agent view's threads take too)."""

    def set_status(text: str) -> None:
        client.assistant_threads_setStatus(channel_id=post.channel, thread_ts=post.thread_ts, status=text)

    return set_status


def _quietly(call: Callable[[], Any]) -> None:
    """Titles are decoration: a refusal from Slack (an older workspace) never stops an answer."""
    try:
        call()
    except Exception as error:
        log.debug("a thread update failed: %s", type(error).__name__)
