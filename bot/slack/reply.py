"""Ask the pipeline and put its answer in the thread: streamed for model answers, posted once otherwise.

Mentions, DMs, the agent view and assistant threads all answer through `Replier.reply`, so they post the
same message, mark it the same way (metadata that `history` and feedback read back), scope it the same way
(the channel map) and fail the same way: one apology in the thread, never a second or a half answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from slack_sdk import WebClient

from bot.core.models import Answer, Turn
from bot.core.retrieve import OnHits, retrieval_scope
from bot.slack import mrkdwn
from bot.slack.channels import ChannelRule
from bot.slack.history import ANSWER_EVENT, NOTICE_EVENT
from bot.slack.progress import PLAN_TITLE, Progress, SetStatus
from bot.slack.render import SlackMessage, notice, render_answer, tail_blocks
from bot.slack.stream import STREAM_BUFFER, AnswerStream, Thread

log = logging.getLogger(__name__)

APOLOGY = "Sorry, something went wrong while I was answering. Please try again in a moment."


class AnswerPipeline(Protocol):
    """The one thing the Slack app needs from the rest of newsbot (bot.core.pipeline.Pipeline fits).

    `filters` is passed only for a question scoped to a channel, so a pipeline without it still serves
    every other question."""

    def answer(
        self, question: str, *, history: Sequence[Turn] = (), on_token: Callable[[str], None] | None = None
    ) -> Answer: ...


ARTICLES_IN_METADATA = 10
TITLE_IN_METADATA = 120


def metadata(event: str, answer: Answer | None = None) -> dict[str, Any]:
    """The message metadata that tells an answer from a notice when a thread is read back; an answer's also
    names its cited articles, so a 👍/👎 on it (on any worker) knows which articles it is about."""
    payload: dict[str, Any] = {"app": "newsbot"}
    if answer is not None and answer.citations:
        cited = {c.article_id: c.title for c in sorted(answer.citations, key=lambda c: c.n)}
        payload["articles"] = [
            {"id": article_id, "title": (title or "")[:TITLE_IN_METADATA]}
            for article_id, title in list(cited.items())[:ARTICLES_IN_METADATA]
        ]
    return {"event_type": event, "event_payload": payload}


def ask_pipeline(
    pipeline: AnswerPipeline,
    question: str,
    history: Sequence[Turn],
    rule: ChannelRule | None,
    *,
    on_hits: OnHits | None = None,
    on_token: Callable[[str], None] | None = None,
) -> Answer:
    """Ask the pipeline with the channel's scope (if any) applied to every retrieval of this question.

    The channel's date window is a default: a question that names its own dates ("in March 2025") is
    searched in those, still from the channel's sources."""
    filters = rule.filters() if rule is not None else None
    if filters is not None and filters.since and _names_dates(pipeline, question):
        filters = replace(filters, since=None) if filters.sources else None
    kwargs: dict[str, Any] = {"filters": filters} if filters is not None else {}
    if on_token is not None:
        kwargs["on_token"] = on_token
    with retrieval_scope(filters, on_hits):
        return pipeline.answer(question, history=history, **kwargs)


def _names_dates(pipeline: AnswerPipeline, question: str) -> bool:
    """Whether the question names a time frame of its own (a pipeline that cannot tell: no)."""
    understand = getattr(pipeline, "understand", None)
    if understand is None:
        return False
    try:
        dates = understand(question).dates
    except Exception:
        log.debug("could not read the question's dates", exc_info=True)
        return False
    return bool(dates.since or dates.until)


def post_message(
    client: WebClient,
    channel: str,
    thread_ts: str | None,
    message: SlackMessage,
    event: str,
    answer: Answer | None = None,
) -> None:
    client.chat_postMessage(
        channel=channel,
        thread_ts=thread_ts,
        text=message.text,
        blocks=message.blocks,
        metadata=metadata(event, answer),
        unfurl_links=False,
        unfurl_media=False,
    )


def post_notice(client: WebClient, thread: Thread, text: str) -> None:
    """A short reply of the bot's own (help, apology, rate limit); a failure is logged, not raised."""
    try:
        post_message(client, thread.channel, thread.thread_ts, notice(text), NOTICE_EVENT)
    except Exception:
        log.exception("could not post a notice in %s", thread.channel)


@dataclass(frozen=True)
class Ask:
    """One question to answer in one thread, and what shapes how (built per question, never shared).

    `rule`: the channel the question is scoped to; `set_status`: the thread's status (DMs, assistant
    threads), else `react_ts`: the post that gets 👀 while newsbot works."""

    thread: Thread
    question: str
    history: Sequence[Turn] = ()
    rule: ChannelRule | None = None
    set_status: SetStatus | None = None
    react_ts: str | None = None


class Replier:
    """Answers one question in one thread. `streaming` is for backends that write the answer token by token
    (an extractive answer is whole at once, so streaming its text would only add API calls); `progress`
    is how the work shows meanwhile (`bot.slack.progress`)."""

    def __init__(
        self,
        pipeline: AnswerPipeline,
        *,
        streaming: bool,
        stream_buffer: int = STREAM_BUFFER,
        progress: str = "plan",
        count: Callable[[], int | None] = lambda: None,
    ) -> None:
        self.pipeline = pipeline
        self.streaming = streaming
        self.stream_buffer = stream_buffer
        self.progress = progress
        self.count = count

    def _count(self) -> int | None:
        try:
            return self.count()
        except Exception:
            log.debug("could not count the indexed articles", exc_info=True)
            return None

    def reply(self, client: WebClient, ask: Ask) -> None:
        """Answer in the thread, showing progress meanwhile; failures become one apology."""
        thread, rule = ask.thread, ask.rule
        # A channel that wants answers only when cited gets nothing public until the answer is known.
        quiet = rule is not None and rule.only_when_cited and rule.channel == thread.channel
        tasks = self.progress in ("plan", "timeline") and not quiet
        stream = None
        if tasks or (self.streaming and not quiet):
            mode = self.progress if tasks else None
            stream = AnswerStream(client, thread, buffer_chars=self.stream_buffer, display_mode=mode)
        progress = Progress(
            client,
            thread,
            stream=stream if tasks else None,
            set_status=ask.set_status,
            react_ts=ask.react_ts,
            plan_title=(rule.scope() if rule is not None else None) or PLAN_TITLE,
            session=thread.channel.startswith("D"),
        )

        def on_token(text: str) -> None:
            if not progress.writing_started:
                progress.writing()
            if stream is not None and self.streaming:
                stream.feed(text)

        wants_tokens = self.streaming or ask.set_status is not None
        try:
            progress.begin(self._count())
            if tasks and not progress.live and self.streaming and not quiet:
                # Task updates were refused; streaming the model's text alone may still be offered.
                stream = AnswerStream(client, thread, buffer_chars=self.stream_buffer)
            answer = ask_pipeline(
                self.pipeline,
                ask.question,
                ask.history,
                rule,
                on_hits=progress.on_hits,
                on_token=on_token if wants_tokens else None,
            )
            if quiet and (answer.refused or not answer.citations):
                assert rule is not None
                self._decline(client, thread, rule)
                return
            progress.checked(answer)
            scope = rule.scope() if rule is not None else None
            message = render_answer(answer, question=ask.question, scope=scope)
            tail = tail_blocks(answer, question=ask.question, scope=scope)
            meta = metadata(ANSWER_EVENT, answer)
            if stream is None or not stream.finish(answer, message, tail, meta):
                post_message(client, thread.channel, thread.thread_ts, message, ANSWER_EVENT, answer)
        except Exception as error:
            log.exception("answering in %s/%s failed: %s", thread.channel, thread.thread_ts, type(error).__name__)
            if stream is None or not stream.abandon(notice(APOLOGY), metadata(NOTICE_EVENT)):
                post_notice(client, thread, APOLOGY)
        finally:
            progress.end()

    def _decline(self, client: WebClient, thread: Thread, rule: ChannelRule) -> None:
        """Only the asker learns that the channel's sources hold no answer."""
        try:
            client.chat_postEphemeral(
                channel=thread.channel,
                user=thread.user,
                thread_ts=thread.thread_ts,
                text=mrkdwn.escape(NOT_COVERED.format(scope=rule.describe())),
            )
        except Exception:
            log.warning("could not tell %s that nothing was cited", thread.user, exc_info=True)


NOT_COVERED = "{scope}: none of them answers this, so I stay quiet in the channel."
