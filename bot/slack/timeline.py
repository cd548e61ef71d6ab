"""`/timeline TOPIC` in Slack, and the Block Kit rendering of a timeline (dated, cited, one per story).

The command is answered privately (ephemeral), like `/ask`: building a timeline retrieves and quotes,
which takes longer than Slack's three seconds, so it is acknowledged at once and answered from the
answers pool through the `response_url`.
"""

from __future__ import annotations

import logging
from concurrent.futures import Executor
from typing import Any

from slack_bolt import Ack, Respond

from bot.core.models import Citation
from bot.core.stories import shown_title
from bot.core.timeline import Timeline, build_timeline
from bot.slack import mrkdwn
from bot.slack.gate import QuestionGate
from bot.slack.render import SlackMessage, carried, packed_message, quote_line
from bot.slack.reply import APOLOGY

log = logging.getLogger(__name__)

USAGE = "Give a topic: /timeline EU 5G security"
NOT_AVAILABLE = "Timelines are not available in this app."
EMPTY = "The indexed articles do not cover this."


def cited(c: Citation, *, title_shown: bool = False) -> str:
    """A quote with its source: `> quote` then `[n] title — source` (linked), then "also carried by". The
    title is left out when the entry's heading shows it (a digest's) or the quote says it, never given twice."""
    title = "" if title_shown else shown_title(c)
    name = mrkdwn.link(c.url, title or c.source or c.article_id)
    source = f" — {mrkdwn.escape(c.source)}" if title and c.source else ""
    return f"{quote_line(c.quote)}\n[{c.n}] {name}{source}{carried(c)}"


def render_timeline(timeline: Timeline) -> SlackMessage:
    heading = f"*Timeline: {mrkdwn.escape(timeline.topic)}*"
    if not timeline.entries:
        return packed_message(heading, [mrkdwn.escape(EMPTY)])
    entries = [f"*{mrkdwn.escape(e.date or 'undated')}*\n{cited(e.citation)}" for e in timeline.entries]
    return packed_message(heading, entries)


class TimelineHandlers:
    """The Bolt listener for `/timeline`; the pipeline must offer a `retriever` (the real one does)."""

    def __init__(self, pipeline: Any, answers: Executor, *, gate: QuestionGate) -> None:
        self.pipeline = pipeline
        self.answers = answers
        self.gate = gate

    def on_timeline(self, ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        topic = " ".join((command.get("text") or "").split())
        channel = command.get("channel_id", "")
        if not self.gate.channel_allowed(channel, is_dm=channel.startswith("D")):
            ack(response_type="ephemeral", text="I am not enabled in this channel.")
            return
        problem = self.gate.problem(topic, command.get("user_id", "")) if topic else USAGE
        if problem:
            ack(response_type="ephemeral", text=problem)
            return
        if not hasattr(type(self.pipeline), "retriever"):
            ack(response_type="ephemeral", text=NOT_AVAILABLE)
            return
        ack(response_type="ephemeral", text=":eyes: Building the timeline…")
        self.answers.submit(self._answer, topic, respond)

    def _answer(self, topic: str, respond: Respond) -> None:
        try:
            message = render_timeline(build_timeline(topic, self.pipeline.retriever))
            respond(response_type="ephemeral", replace_original=False, text=message.text, blocks=message.blocks)
        except Exception as error:
            log.exception("answering /timeline failed: %s", type(error).__name__)
            respond(response_type="ephemeral", replace_original=False, text=APOLOGY)
