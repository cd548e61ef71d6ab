"""Slack's markup rules: escaping untrusted text, building links, reading user text, splitting long text.

Article text is untrusted: `<!channel>`, `<@U123>` or `<https://evil|click>` inside it must reach Slack as
plain characters, so `&`, `<` and `>` are always escaped; only links this module builds are live markup.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit


def escape(text: str) -> str:
    """Escape the three characters Slack treats as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def safe_url(url: str | None) -> str | None:
    """The URL ready to sit inside `<...|...>`, or None when it is not a plain http(s) link."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    encoded = url.replace("|", "%7C").replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")
    return encoded.replace("&", "&amp;")


def link(url: str | None, label: str) -> str:
    """A Slack link whose label is escaped text; plain escaped text when the URL is unusable."""
    href = safe_url(url)
    label_text = escape(label).replace("|", "¦")
    return f"<{href}|{label_text}>" if href else escape(label)


_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|([^>]*))?>")
_SPECIAL = re.compile(r"<!([a-z]+)(?:\^[^>|]*)?(?:\|([^>]*))?>")
_LINK = re.compile(r"<((?:https?|mailto):[^>|]+)(?:\|([^>]*))?>")


def user_text(text: str, bot_user_id: str | None) -> str:
    """What a person typed, as plain text: the bot's own mention dropped, other markup made readable."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", text)
    text = _MENTION.sub(lambda m: "@" + m.group(1), text)
    text = _CHANNEL.sub(lambda m: "#" + (m.group(2) or m.group(1)), text)
    text = _SPECIAL.sub(lambda m: "@" + (m.group(2) or m.group(1)).lstrip("@"), text)
    text = _LINK.sub(lambda m: m.group(2) or m.group(1), text)
    return " ".join(unescape(text).split())


def split(text: str, limit: int) -> list[str]:
    """Split mrkdwn into pieces of at most `limit` characters at paragraph, line, sentence or word breaks,
    never inside a `<...>` link or an `&...;` entity."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = _cut_point(rest, limit)
        head, rest = rest[:cut].rstrip(), rest[cut:].lstrip()
        if head:
            pieces.append(head)
    if rest:
        pieces.append(rest)
    return pieces


def _cut_point(text: str, limit: int) -> int:
    window = text[:limit]
    cut = 0
    for separator in ("\n\n", "\n", ". ", " "):
        at = window.rfind(separator)
        if at > limit // 2:
            cut = at + len(separator)
            break
    if cut == 0:
        cut = limit
    opened = text.rfind("<", 0, cut)
    if opened > 0 and text.find(">", opened, cut) == -1:
        cut = opened
    amp = text.rfind("&", max(0, cut - 8), cut)
    if amp > 0 and text.find(";", amp, cut) == -1:
        cut = amp
    return cut
