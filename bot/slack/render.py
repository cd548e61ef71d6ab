"""Turn an `Answer` into a Slack message: Block Kit blocks plus the plain `text` fallback.

Every mrkdwn object is `verbatim` so Slack does not auto-link names or `@here` found in article text;
the only live markup is the links built here. Feedback is Slack's native `feedback_buttons` element in a
`context_actions` block; each button's value carries the vote and the question, so any worker can record
a click.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.core.citations.markers import MARKER, marker_numbers
from bot.core.models import Answer, Citation
from bot.slack import mrkdwn

SECTION_LIMIT = 3000
MAX_BLOCKS = 50
FALLBACK_LIMIT = 39_000
BUTTON_VALUE_LIMIT = 2000
QUOTE_LIMIT = 1200

REFUSAL = "The indexed articles do not cover this."

FEEDBACK = "newsbot_feedback"
VOTE_UP = "newsbot_vote_up"
VOTE_DOWN = "newsbot_vote_down"
SHARE = "newsbot_share"
FEEDBACK_BLOCK = "newsbot_feedback"
SHARE_BLOCK = "newsbot_share"
VOTES = ("up", "down")

Block = dict[str, Any]


@dataclass(frozen=True)
class SlackMessage:
    """What `chat.postMessage` (or a `response_url`) takes: fallback text and blocks."""

    text: str
    blocks: list[Block] = field(default_factory=list)


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text, "verbatim": True}}


def context(text: str) -> Block:
    """A small grey line: what the answer was scoped to."""
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text, "verbatim": True}]}


def notice(text: str) -> SlackMessage:
    """A short message of the bot's own (help, apology, rate limit): escaped, one section."""
    escaped = mrkdwn.escape(text)
    return SlackMessage(text=escaped, blocks=[section(escaped)])


def link_markers(escaped_answer: str, citations: list[Citation]) -> str:
    """Replace `[n]` markers (any form the marker grammar reads, `[1, 2]`, `[1-3]`) with links to the cited
    article where it has a URL; a marker citing no linkable article is left as written."""
    urls = {c.n: c.url for c in citations}

    def replace(match: re.Match[str]) -> str:
        numbers = marker_numbers(match.group(1))
        if not any(mrkdwn.safe_url(urls.get(n)) for n in numbers):
            return match.group(0)
        return "".join(mrkdwn.link(urls.get(n), f"[{n}]") for n in numbers)

    return MARKER.sub(replace, escaped_answer)


def _byline(citation: Citation) -> str:
    details = [mrkdwn.escape(part) for part in (citation.source, citation.date or "") if part]
    title = mrkdwn.link(citation.url, citation.title or citation.source or citation.article_id)
    return title + (" — " + ", ".join(details) if details else "")


def carried(citation: Citation) -> str:
    """The other outlets carrying the cited story (wire copies), escaped; "" when none."""
    return f"\n_also carried by: {mrkdwn.escape(', '.join(citation.also_in))}_" if citation.also_in else ""


def quote_line(text: str) -> str:
    """A quote as one escaped `> ` line, cut at QUOTE_LIMIT."""
    text = " ".join(text.split())
    if len(text) > QUOTE_LIMIT:
        text = text[: QUOTE_LIMIT - 1].rstrip() + "…"
    return "> " + mrkdwn.escape(text)


def pack_sections(entries: list[str], heading: str, separator: str = "\n") -> list[str]:
    """Join entries under a heading into as few section texts as the section limit allows."""
    sections: list[str] = []
    current = heading
    for entry in entries:
        for piece in mrkdwn.split(entry, SECTION_LIMIT - len(heading) - len(separator)):
            candidate = f"{current}{separator}{piece}" if current else piece
            if len(candidate) <= SECTION_LIMIT:
                current = candidate
            else:
                sections.append(current)
                current = piece
    if current:
        sections.append(current)
    return sections


def packed_message(heading: str, entries: list[str]) -> SlackMessage:
    """A message of entries under a heading, a blank line apart (timelines, digests), in at most MAX_BLOCKS."""
    blocks = [section(s) for s in pack_sections(entries, heading, "\n\n")[:MAX_BLOCKS]]
    return SlackMessage(text="\n\n".join([heading, *entries])[:3000], blocks=blocks)


def sources_sections(citations: list[Citation]) -> list[str]:
    """'Sources': one entry per cited article, `[n] title — source, date` and the supporting quote."""
    ordered = sorted(citations, key=lambda c: c.n)
    entries = [f"*[{c.n}]* {_byline(c)}\n{quote_line(c.quote)}{carried(c)}" for c in ordered]
    return pack_sections(entries, "*Sources*") if entries else []


def see_also_sections(see_also: list[Citation]) -> list[str]:
    entries = [f"• {_byline(c)}" for c in see_also]
    return pack_sections(entries, "*Closest articles*") if entries else []


def vote_value(vote: str, question: str) -> str:
    """A feedback button's value: the vote, then the question it answers (Slack allows 2000 characters)."""
    return f"{vote}:{question}"[:BUTTON_VALUE_LIMIT]


def parse_vote(value: str) -> tuple[str, str]:
    """(vote, question) from a feedback button's value; an unknown vote reads as "unknown"."""
    vote, _, question = value.partition(":")
    return (vote if vote in VOTES else "unknown"), question


def feedback_block(question: str) -> Block:
    """Slack's native 👍/👎 (`feedback_buttons` in a `context_actions` block)."""
    return {
        "type": "context_actions",
        "block_id": FEEDBACK_BLOCK,
        "elements": [
            {
                "type": "feedback_buttons",
                "action_id": FEEDBACK,
                "positive_button": {
                    "text": {"type": "plain_text", "text": "👍"},
                    "accessibility_label": "This answer was helpful",
                    "value": vote_value("up", question),
                },
                "negative_button": {
                    "text": {"type": "plain_text", "text": "👎"},
                    "accessibility_label": "This answer was not helpful",
                    "value": vote_value("down", question),
                },
            }
        ],
    }


def share_block(question: str) -> Block:
    """The "Share to channel" button under a private `/ask` answer."""
    button: Block = {
        "type": "button",
        "action_id": SHARE,
        "text": {"type": "plain_text", "text": "Share to channel", "emoji": True},
        "value": question[:BUTTON_VALUE_LIMIT] or " ",
        "style": "primary",
    }
    return {"type": "actions", "block_id": SHARE_BLOCK, "elements": [button]}


def _controls(question: str, *, feedback: bool, share: bool) -> list[Block]:
    return ([share_block(question)] if share else []) + ([feedback_block(question)] if feedback else [])


def _scope_line(scope: str | None) -> list[Block]:
    """The channel scope as a context line; `<#C…>` channel links are the one markup kept live."""
    if not scope:
        return []
    escaped = mrkdwn.escape(scope)
    return [context(re.sub(r"&lt;#(C[A-Z0-9]+)&gt;", r"<#\1>", escaped))]


def tail_blocks(
    answer: Answer, *, question: str | None = None, feedback: bool = True, scope: str | None = None
) -> list[Block]:
    """What follows the answer text: the scope, Sources (or the closest articles of a refusal) and feedback.

    A streamed answer's text is already in the message, so `chat.stopStream` adds only these.
    """
    asked = question if question is not None else answer.question
    refused = answer.refused or not answer.answer.strip()
    tail = see_also_sections(answer.see_also) if refused else sources_sections(answer.citations)
    sections = [section(text) for text in tail[: MAX_BLOCKS - 10]]
    return _scope_line(scope) + sections + _controls(asked, feedback=feedback, share=False)


def render_answer(
    answer: Answer,
    *,
    question: str | None = None,
    feedback: bool = True,
    share: bool = False,
    scope: str | None = None,
) -> SlackMessage:
    """The answer in the thread: its scope (a channel's sources), answer section(s), Sources (cited articles
    only), buttons, fallback text.

    A refusal says plainly that the articles do not cover the question and lists the closest articles.
    The fallback holds the answer text alone so a thread read back as history stays clean.
    """
    asked = question if question is not None else answer.question
    body = answer.answer.strip()
    if answer.refused or not body:
        fallback = REFUSAL
        main = [REFUSAL]
        tail = see_also_sections(answer.see_also)
    else:
        escaped = mrkdwn.escape(body)
        fallback = escaped
        main = mrkdwn.split(link_markers(escaped, answer.citations), SECTION_LIMIT)
        tail = sources_sections(answer.citations)
    tail = tail[: MAX_BLOCKS - 10]
    controls = _controls(asked, feedback=feedback, share=share)
    scoped = _scope_line(scope)
    room = MAX_BLOCKS - len(tail) - len(controls) - len(scoped)
    if len(main) > room:
        main = [*main[: room - 1], "_(answer shortened to fit in Slack)_"]
    blocks = scoped + [section(text) for text in (*main, *tail)] + controls
    if len(fallback) > FALLBACK_LIMIT:
        fallback = fallback[: FALLBACK_LIMIT - 1] + "…"
    return SlackMessage(text=fallback, blocks=blocks)
