"""Stream a model's answer into its thread with `chat.startStream` / `chat.appendStream` / `chat.stopStream`.

The live text is what the core's stream rewriter emits (markers renumbered as in the final answer),
escaped like every other text the bot posts. The stream starts at the first token, so the reader sees
the answer being written at once; later text goes out in batches of `buffer_chars`, to stay well inside
the methods' rate limits. `chat.stopStream` then adds the Sources and feedback under the streamed text.

When the verified answer differs from what was streamed (verification moved or removed something, or
the answer became a refusal), the message is replaced with the whole verified answer by `chat.update`.
Where streaming is not available (the workspace or token refuses `chat.startStream`), nothing was posted
and the caller posts the answer once; a stream that breaks half way is completed by `chat.update`. Either
way the thread ends with exactly one whole answer.

A stream may also open with progress (`open_tasks`: task and plan chunks, `bot.slack.progress`) before any
text: the answer's text then arrives as tokens, or whole in `chat.stopStream` for an extractive answer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.models import Answer
from bot.slack import mrkdwn
from bot.slack.render import REFUSAL, Block, SlackMessage

log = logging.getLogger(__name__)

STREAM_BUFFER = 256
"""Characters gathered before each `chat.appendStream` (slack_sdk's `chat_stream` uses the same default)."""


@dataclass(frozen=True)
class Thread:
    """Where an answer goes, and who asked: streaming into a channel needs the recipient user and team."""

    channel: str
    thread_ts: str
    user: str
    team: str | None = None


def _code(error: Exception) -> str:
    """The Slack error code (or the exception's type), never the response body."""
    if isinstance(error, SlackApiError):
        return str(error.response.get("error") or "slack_api_error")
    return type(error).__name__


def _same(streamed: str, final: str) -> bool:
    return " ".join(streamed.split()) == " ".join(final.split())


class AnswerStream:
    """One streamed message. Feed it tokens, then `finish` it with the answer (or `abandon` it)."""

    def __init__(
        self,
        client: WebClient,
        thread: Thread,
        *,
        buffer_chars: int = STREAM_BUFFER,
        display_mode: str | None = None,
    ) -> None:
        self.client = client
        self.thread = thread
        self.buffer_chars = buffer_chars
        self.display_mode = display_mode
        self.ts: str | None = None
        self._state = "new"  # new → live → (broken) ; new → off when streaming is unavailable
        self._sent = ""
        self._pending = ""

    @property
    def started(self) -> bool:
        """A message exists in the thread (so the answer must go into it, never into a second one)."""
        return self.ts is not None

    def feed(self, text: str) -> None:
        """Take the next piece of the live answer (the pipeline's `on_token`)."""
        if self._state in ("off", "broken") or not text:
            return
        self._pending += mrkdwn.escape(text)
        if self._state == "new":
            if self._pending.strip():
                self._start()
        elif len(self._pending) >= self.buffer_chars:
            self._append()

    def open_tasks(self, chunks: list[dict[str, Any]]) -> bool:
        """Start the stream with progress chunks (no text yet); False, and the stream off, when refused."""
        if self._state != "new":
            return self._state == "live"
        return self._start(chunks=chunks, task_display_mode=self.display_mode)

    def tasks(self, chunks: list[dict[str, Any]]) -> None:
        """Send progress chunks (task or plan updates) into a live stream, after any text waiting to go."""
        if self._state != "live" or not chunks:
            return
        if self._pending:
            self._append()
        try:
            self.client.chat_appendStream(channel=self.thread.channel, ts=str(self.ts), chunks=chunks)
        except Exception as error:
            log.warning("streaming broke off (%s): the answer will replace the streamed text", _code(error))
            self._state = "broken"

    def _start(self, **extra: Any) -> bool:
        text = {"markdown_text": self._pending} if self._pending else {}
        try:
            response = self.client.chat_startStream(
                channel=self.thread.channel,
                thread_ts=self.thread.thread_ts,
                recipient_user_id=self.thread.user,
                recipient_team_id=self.thread.team,
                **text,
                **extra,
            )
        except Exception as error:
            log.info("streaming is not available here (%s): the answer is posted once", _code(error))
            self._state = "off"
            return False
        self.ts = str(response["ts"])
        self._state = "live"
        self._sent, self._pending = self._pending, ""
        return True

    def _append(self) -> None:
        try:
            self.client.chat_appendStream(channel=self.thread.channel, ts=str(self.ts), markdown_text=self._pending)
        except Exception as error:
            log.warning("streaming broke off (%s): the answer will replace the streamed text", _code(error))
            self._state = "broken"
            return
        self._sent += self._pending
        self._pending = ""

    def finish(self, answer: Answer, message: SlackMessage, tail: list[Block], metadata: dict[str, Any]) -> bool:
        """Complete the streamed message with the verified answer; False when nothing was streamed.

        `message` is the whole answer as it would be posted at once, `tail` what goes under streamed text.
        """
        if not self.started:
            return False
        if self._state == "live":
            final = REFUSAL if answer.refused or not answer.answer.strip() else mrkdwn.escape(answer.answer)
            # Only progress was streamed (an extractive answer, whole at once): the text goes in with the stop.
            whole = not self._sent and not self._pending
            text = final if whole else self._pending
            try:
                self.client.chat_stopStream(
                    channel=self.thread.channel,
                    ts=str(self.ts),
                    markdown_text=text or None,
                    blocks=tail,
                    metadata=metadata,
                )
            except Exception as error:
                log.warning("could not stop the stream (%s): replacing it with the answer", _code(error))
            else:
                self._sent += text
                self._pending = ""
                self._state = "stopped"
                if (whole or not answer.refused) and _same(self._sent, final):
                    return True
        self._replace(message, metadata)
        return True

    def abandon(self, message: SlackMessage, metadata: dict[str, Any]) -> bool:
        """Replace a started stream with `message` (an apology); False when nothing was streamed."""
        if not self.started:
            return False
        self._replace(message, metadata)
        return True

    def _replace(self, message: SlackMessage, metadata: dict[str, Any]) -> None:
        if self._state in ("live", "broken"):
            try:
                self.client.chat_stopStream(channel=self.thread.channel, ts=str(self.ts))
            except Exception as error:
                log.debug("stopping a broken stream failed too (%s)", _code(error))
            self._state = "stopped"
        try:
            self.client.chat_update(
                channel=self.thread.channel,
                ts=str(self.ts),
                text=message.text,
                blocks=message.blocks,
                metadata=metadata,
            )
        except Exception as error:
            log.error("could not replace the streamed message %s (%s)", self.ts, _code(error))
