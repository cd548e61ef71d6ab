"""Turn an `Answer` into a Slack message: Block Kit blocks plus the plain `text` fallback.

Every mrkdwn object is `verbatim` so Slack does not auto-link names or `@here` found in article text;
the only live markup is the links built here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.core.models import Answer, Citation
from bot.slack import mrkdwn

SECTION_LIMIT = 3000
MAX_BLOCKS = 50
FALLBACK_LIMIT = 39_000
BUTTON_VALUE_LIMIT = 2000
QUOTE_LIMIT = 1200

REFUSAL = "The indexed articles do not cover this."

VOTE_UP = "newsbot_vote_up"
VOTE_DOWN = "newsbot_vote_down"
SHARE = "newsbot_share"
FEEDBACK_BLOCK = "newsbot_feedback"

Block = dict[str, Any]

_MARKERS = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")


@dataclass(frozen=True)
class SlackMessage:
    """What `chat.postMessage` (or a `response_url`) takes: fallback text and blocks."""

    text: str
    blocks: list[Block] = field(default_factory=list)


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text, "verbatim": True}}


def notice(text: str) -> SlackMessage:
    """A short message of the bot's own (help, apology, rate limit): escaped, one section."""
    escaped = mrkdwn.escape(text)
    return SlackMessage(text=escaped, blocks=[section(escaped)])


def link_markers(escaped_answer: str, citations: list[Citation]) -> str:
    """Replace `[n]` (and `[n, m]`) markers with links to the cited article where it has a URL."""
    urls = {c.n: c.url for c in citations}

    def replace(match: re.Match[str]) -> str:
        numbers = [int(n) for n in re.split(r"\s*,\s*", match.group(1))]
        if not any(mrkdwn.safe_url(urls.get(n)) for n in numbers):
            return match.group(0)
        return "".join(mrkdwn.link(urls.get(n), f"[{n}]") for n in numbers)

    return _MARKERS.sub(replace, escaped_answer)


def _byline(citation: Citation) -> str:
    details = [mrkdwn.escape(part) for part in (citation.source, citation.date or "") if part]
    title = mrkdwn.link(citation.url, citation.title or citation.source or citation.article_id)
    return title + (" — " + ", ".join(details) if details else "")


def _quote(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > QUOTE_LIMIT:
        text = text[: QUOTE_LIMIT - 1].rstrip() + "…"
    return "> " + mrkdwn.escape(text)


def _pack(entries: list[str], heading: str) -> list[str]:
    """Join entries under a heading into as few sections as the section limit allows."""
    sections: list[str] = []
    current = heading
    for entry in entries:
        for piece in mrkdwn.split(entry, SECTION_LIMIT - len(heading) - 2):
            candidate = f"{current}\n{piece}" if current else piece
            if len(candidate) <= SECTION_LIMIT:
                current = candidate
            else:
                sections.append(current)
                current = piece
    if current:
        sections.append(current)
    return sections


def sources_sections(citations: list[Citation]) -> list[str]:
    """'Sources': one entry per cited article, `[n] title — source, date` and the supporting quote."""
    entries = [f"*[{c.n}]* {_byline(c)}\n{_quote(c.quote)}" for c in sorted(citations, key=lambda c: c.n)]
    return _pack(entries, "*Sources*") if entries else []


def see_also_sections(see_also: list[Citation]) -> list[str]:
    entries = [f"• {_byline(c)}" for c in see_also]
    return _pack(entries, "*Closest articles*") if entries else []


def _buttons(question: str, *, feedback: bool, share: bool) -> Block | None:
    value = question[:BUTTON_VALUE_LIMIT] or " "
    elements: list[Block] = []
    if share:
        elements.append(_button("Share to channel", SHARE, value, style="primary"))
    if feedback:
        elements.append(_button("👍", VOTE_UP, value))
        elements.append(_button("👎", VOTE_DOWN, value))
    return {"type": "actions", "block_id": FEEDBACK_BLOCK, "elements": elements} if elements else None


def _button(label: str, action_id: str, value: str, style: str | None = None) -> Block:
    button: Block = {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": label, "emoji": True},
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def render_answer(
    answer: Answer, *, question: str | None = None, feedback: bool = True, share: bool = False
) -> SlackMessage:
    """The answer in the thread: answer section(s), Sources (cited articles only), buttons, fallback text.

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
    buttons = _buttons(asked, feedback=feedback, share=share)
    room = MAX_BLOCKS - len(tail) - (1 if buttons else 0)
    if len(main) > room:
        main = [*main[: room - 1], "_(answer shortened to fit in Slack)_"]
    blocks = [section(text) for text in (*main, *tail)]
    if buttons:
        blocks.append(buttons)
    if len(fallback) > FALLBACK_LIMIT:
        fallback = fallback[: FALLBACK_LIMIT - 1] + "…"
    return SlackMessage(text=fallback, blocks=blocks)
