"""Ask the pipeline and put its answer in the thread: streamed for model answers, posted once otherwise.

Mentions, DMs and assistant threads all answer through `Replier.reply`, so they post the same message,
mark it the same way (metadata that `history` reads back) and fail the same way: one apology in the
thread, never a second or a half answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from slack_sdk import WebClient

from bot.core.models import Answer, Turn
from bot.slack.history import ANSWER_EVENT, NOTICE_EVENT
from bot.slack.render import SlackMessage, notice, render_answer, tail_blocks
from bot.slack.stream import STREAM_BUFFER, AnswerStream, Thread

log = logging.getLogger(__name__)

APOLOGY = "Sorry, something went wrong while I was answering. Please try again in a moment."


class AnswerPipeline(Protocol):
    """The one thing the Slack app needs from the rest of newsbot (bot.core.pipeline.Pipeline fits)."""

    def answer(
        self, question: str, *, history: Sequence[Turn] = (), on_token: Callable[[str], None] | None = None
    ) -> Answer: ...


def metadata(event: str) -> dict[str, Any]:
    """The message metadata that tells an answer from a notice when a thread is read back."""
    return {"event_type": event, "event_payload": {"app": "newsbot"}}


def post_message(client: WebClient, channel: str, thread_ts: str | None, message: SlackMessage, event: str) -> None:
    client.chat_postMessage(
        channel=channel,
        thread_ts=thread_ts,
        text=message.text,
        blocks=message.blocks,
        metadata=metadata(event),
        unfurl_links=False,
        unfurl_media=False,
    )


def post_notice(client: WebClient, thread: Thread, text: str) -> None:
    """A short reply of the bot's own (help, apology, rate limit); a failure is logged, not raised."""
    try:
        post_message(client, thread.channel, thread.thread_ts, notice(text), NOTICE_EVENT)
    except Exception:
        log.exception("could not post a notice in %s", thread.channel)


class Replier:
    """Answers one question in one thread. `streaming` is for backends that write the answer token by token
    (an extractive answer is whole at once, so streaming it would only add API calls)."""

    def __init__(self, pipeline: AnswerPipeline, *, streaming: bool, stream_buffer: int = STREAM_BUFFER) -> None:
        self.pipeline = pipeline
        self.streaming = streaming
        self.stream_buffer = stream_buffer

    def reply(
        self,
        client: WebClient,
        thread: Thread,
        question: str,
        history: Sequence[Turn] = (),
        *,
        on_writing: Callable[[], None] | None = None,
    ) -> None:
        """Answer in the thread; `on_writing` runs once, when the answer's first words exist."""
        stream = AnswerStream(client, thread, buffer_chars=self.stream_buffer) if self.streaming else None
        writing = [on_writing] if on_writing else []

        def on_token(text: str) -> None:
            while writing:
                _quietly(writing.pop())
            if stream is not None:
                stream.feed(text)

        try:
            hooks: dict[str, Any] = {"on_token": on_token} if stream is not None or on_writing else {}
            answer = self.pipeline.answer(question, history=history, **hooks)
            message = render_answer(answer, question=question)
            tail = tail_blocks(answer, question=question)
            if stream is None or not stream.finish(answer, message, tail, metadata(ANSWER_EVENT)):
                post_message(client, thread.channel, thread.thread_ts, message, ANSWER_EVENT)
        except Exception as error:
            log.exception("answering in %s/%s failed: %s", thread.channel, thread.thread_ts, type(error).__name__)
            if stream is None or not stream.abandon(notice(APOLOGY), metadata(NOTICE_EVENT)):
                post_notice(client, thread, APOLOGY)


def _quietly(hook: Callable[[], None]) -> None:
    """A status hook never stops an answer: Slack may refuse it (an older workspace, a missing scope)."""
    try:
        hook()
    except Exception:
        log.debug("a status update failed", exc_info=True)
