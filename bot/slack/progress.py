"""What newsbot shows while it works on one question, in the streaming API's own terms when it can.

`NEWSBOT_SLACK_PROGRESS=plan` (or `timeline`): the answer's message opens at once as a stream with task
updates, "Searching 12,430 articles", "Found 8 passages in 5 articles", "Checking 3 quotes" (the last one
listing the cited articles with Slack's URL source elements), then the answer's text. Where the workspace
refuses that (`chat.startStream` with chunks fails) or with `status`, newsbot falls back to what it did
before: the thread's status in DMs and assistant threads, 👀 on the question in channels.

One `Progress` per question (it holds that question's counts), never shared between questions.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.models.blocks import UrlSourceElement
from slack_sdk.models.messages.chunk import PlanUpdateChunk, TaskUpdateChunk

from bot.core.models import Answer, Hit
from bot.slack import mrkdwn
from bot.slack.stream import AnswerStream, Thread

log = logging.getLogger(__name__)

MODES = ("plan", "timeline", "status")
PLAN_TITLE = "Answering from the indexed articles"
WRITING = "Writing the answer…"
WORKING = "eyes"
SOURCE_TEXT_LIMIT = 150

SetStatus = Callable[[str], None]


def searching(count: int | None) -> str:
    return f"Searching {count:,} article{'s' * (count != 1)}" if count else "Searching the articles"


def found(passages: int, articles: int) -> str:
    return f"Found {passages} passage{'s' * (passages != 1)} in {articles} article{'s' * (articles != 1)}"


def checking(quotes: int) -> str:
    return f"Checking {quotes} quote{'s' * (quotes != 1)}"


def citation_sources(answer: Answer) -> list[UrlSourceElement]:
    """Slack's own source elements for the cited articles that have a link, in citation order."""
    sources = []
    for citation in sorted(answer.citations, key=lambda c: c.n):
        if mrkdwn.safe_url(citation.url):
            label = f"[{citation.n}] {citation.title or citation.source or citation.article_id}"
            sources.append(UrlSourceElement(url=citation.url, text=label[:SOURCE_TEXT_LIMIT]))
    return sources


class Progress:
    """Progress of one question: in its answer's stream when `stream` opens with tasks, else the fallback
    (`set_status` where the thread has a status and Slack takes it, else 👀 on `react_ts`)."""

    def __init__(
        self,
        client: WebClient,
        thread: Thread,
        *,
        stream: AnswerStream | None,
        set_status: SetStatus | None = None,
        react_ts: str | None = None,
        plan_title: str = PLAN_TITLE,
        session: bool = False,
    ) -> None:
        self.client = client
        self.thread = thread
        self.stream = stream
        self.set_status = set_status
        self.react_ts = react_ts
        self.plan_title = plan_title
        self.session = session
        self.live = False
        self._reacted = False
        self._chunks: set[str] = set()
        self._articles: set[str] = set()
        self._reported: tuple[int, int] | None = None
        self.writing_started = False
        self._search = searching(None)

    def begin(self, count: int | None) -> None:
        """Say newsbot is searching: the agent session is `processing`, the stream's first tasks show, else
        the status or 👀."""
        if self.session:
            self.session = self._session("processing")
        self._search = searching(count)
        if self.stream is not None:
            plan = PlanUpdateChunk(title=self.plan_title).to_dict()
            task = TaskUpdateChunk(id="search", title=self._search, status="in_progress").to_dict()
            self.live = self.stream.open_tasks([plan, task])
        if self.live:
            return
        if self.set_status is not None and self._status(self._search + "…"):
            return
        self.set_status = None  # refused (an app without the AI features): 👀 instead
        if self.react_ts:
            self._reacted = self._react(add=True)

    def on_hits(self, query: str, hits: list[Hit]) -> None:
        """Count what retrieval found (every retrieval of the question); the first one is reported at once."""
        self._chunks.update(h.chunk.id for h in hits)
        self._articles.update(h.chunk.article_id for h in hits)
        if self._reported is None:
            self._report_found()

    def _report_found(self) -> None:
        counts = (len(self._chunks), len(self._articles))
        if counts == self._reported:
            return
        self._reported = counts
        title = found(*counts)
        if self.live and self.stream is not None:
            done = TaskUpdateChunk(id="search", title=self._search, status="complete").to_dict()
            self.stream.tasks([done, TaskUpdateChunk(id="found", title=title, status="complete").to_dict()])
        elif self.set_status is not None and not self.writing_started:
            self._status(title + "…")

    def writing(self) -> None:
        """The answer's first words exist (a model writing): the status says so; a stream shows the words."""
        self.writing_started = True
        if not self.live and self.set_status is not None:
            self._status(WRITING)

    def checked(self, answer: Answer) -> None:
        """The answer is verified: the final counts, then the quotes checked with the articles they cite."""
        if not self.live or self.stream is None:
            return
        if self._reported is not None:
            self._report_found()
        chunks = []
        if self._reported is None:  # a pipeline that retrieved out of sight: the search is over all the same
            chunks.append(TaskUpdateChunk(id="search", title=self._search, status="complete").to_dict())
        if not answer.refused and answer.citations:
            sources: list[Any] = citation_sources(answer)
            title = checking(len(answer.citations))
            task = TaskUpdateChunk(id="check", title=title, status="complete", sources=sources or None)
            chunks.append(task.to_dict())
        self.stream.tasks(chunks)

    def end(self) -> None:
        """Take the 👀 away and return the agent session to `active` (a status clears itself when the
        answer is posted)."""
        if self._reacted:
            self._react(add=False)
        if self.session:
            self._session("active")

    def _session(self, status: str) -> bool:
        """The agent session's state (`agents.sessions.setStatus`, the agent view's own status: a stop
        button while `processing`); False where the workspace or app has no agent sessions."""
        try:
            self.client.agents_sessions_setStatus(
                channel_id=self.thread.channel,
                thread_ts=self.thread.thread_ts,
                status=status,
                initiator_user_id=self.thread.user if status == "processing" else None,
            )
            return True
        except Exception as error:
            log.debug("no agent session status here: %s", type(error).__name__)
            return False

    def _status(self, text: str) -> bool:
        try:
            assert self.set_status is not None
            self.set_status(text)
            return True
        except Exception as error:  # a status is decoration: an older workspace refusing it stops nothing
            log.debug("a status update failed: %s", type(error).__name__)
            return False

    def _react(self, add: bool) -> bool:
        try:
            if add:
                self.client.reactions_add(channel=self.thread.channel, timestamp=self.react_ts, name=WORKING)
            else:
                self.client.reactions_remove(channel=self.thread.channel, timestamp=self.react_ts, name=WORKING)
            return True
        except Exception:
            log.debug("could not %s the :%s: reaction", "add" if add else "remove", WORKING, exc_info=True)
            return False
