"""Markdown with optional YAML front matter (title, date, source, url, author).

Only the syntax that would spoil a quote is removed (heading marks, emphasis, link targets, list
and quote markers); a Markdown renderer would be heavier and would not keep the words any better.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from index.loaders.errors import LoaderError
from index.loaders.source import Format, Loaded, Source

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<yaml>.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FENCE = re.compile(r"^\s{0,3}(?:```|~~~)")
_ATX_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?P<text>.*?)(?:\s+#+)?\s*$")
_SETEXT_UNDERLINE = re.compile(r"^\s{0,3}(?:=+|-+)\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_QUOTE_MARK = re.compile(r"^\s{0,3}(?:>\s?)+")
_LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+")
_REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+.*$")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>~|])")
_ESCAPED = "\\`*_{}[]()#+-.!>~|"
_INLINE = (
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),
    (re.compile(r"!\[[^\]]*\]\[[^\]]*\]"), ""),
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),
    (re.compile(r"<((?:https?|mailto):[^>\s]+)>"), r"\1"),
    (re.compile(r"`([^`]+)`"), r"\1"),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])"), r"\1"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),
)


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader without anchors and aliases: front matter never needs them, and nested aliases
    ("billion laughs") would make one short title expand to gigabytes when it is turned into text."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed", event.start_mark)
        return super().compose_node(parent, index)


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """(metadata, body); a front matter block that is not a YAML mapping is an error."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        meta = yaml.load(match["yaml"], Loader=_NoAliasLoader) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" on line {mark.line + 2}" if mark is not None else ""
        raise LoaderError(f"invalid YAML front matter{where}: {getattr(error, 'problem', error)}") from None
    if not isinstance(meta, dict):
        raise LoaderError("front matter is not a mapping of fields")
    return {str(k).lower(): v for k, v in meta.items()}, text[match.end() :]


def strip_markdown(text: str) -> tuple[str, str]:
    """(first heading, plain text); headings and list items become paragraphs of their own."""
    text = _COMMENT.sub("", text)
    text = _ESCAPE.sub(lambda m: chr(0xE000 + _ESCAPED.index(m[1])), text)
    lines = text.split("\n")
    out: list[str] = []
    heading = ""
    for i, line in enumerate(lines):
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if _FENCE.match(line) or _REFERENCE.match(line):
            continue
        if _RULE.match(line) or (_SETEXT_UNDERLINE.match(line) and out and out[-1] == ""):
            out.append("")
            continue
        if match := _ATX_HEADING.match(line):
            line, is_heading = match["text"], True
        elif line.strip() and _SETEXT_UNDERLINE.match(following) and not _LIST_MARK.match(line):
            is_heading = True
        else:
            is_heading = False
        line = _QUOTE_MARK.sub("", line)
        if is_heading or _LIST_MARK.match(line):
            line = _LIST_MARK.sub("", line)
            out.extend(["", _inline(line), ""])
            heading = heading or (_inline(line) if is_heading else "")
        else:
            out.append(_inline(line))
    return _unescape(heading), _unescape("\n".join(out))


def _unescape(text: str) -> str:
    return re.sub("[\ue000-\ue012]", lambda m: _ESCAPED[ord(m[0]) - 0xE000], text)


def _inline(line: str) -> str:
    for pattern, replacement in _INLINE:
        line = pattern.sub(replacement, line)
    return line


def load(source: Source) -> Loaded:
    meta, body = split_front_matter(source.text)
    heading, plain = strip_markdown(body)
    title = meta.get("title") or ""
    if not title and heading and plain.lstrip().startswith(heading):
        title, plain = heading, plain.lstrip()[len(heading) :]
    return [
        source.article(
            text=plain,
            title=title,
            date=meta.get("date"),
            publication=meta.get("source") or "",
            url=meta.get("url") or meta.get("link") or "",
            author=_author(meta.get("author")),
        )
    ]


def _author(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


FORMAT = Format("markdown", frozenset({".md", ".markdown"}), load)
