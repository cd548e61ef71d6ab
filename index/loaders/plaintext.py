"""Plain `.txt`: no metadata, so the title is a heading-like first line or else the first sentence."""

from __future__ import annotations

import re

from index.loaders.clean import clean_line
from index.loaders.source import Format, Loaded, Source

_HEADING_CHARS = 120
_FIRST_BLOCK = re.compile(r"\A\s*(?P<first>[^\n]+)\n[^\S\n]*\n(?P<rest>.*\S.*)\Z", re.DOTALL)


def split_heading(text: str) -> tuple[str, str]:
    """(title, body): a short first line set apart by a blank line and not ending a sentence."""
    match = _FIRST_BLOCK.match(text)
    if match:
        first = clean_line(match["first"])
        if len(first) <= _HEADING_CHARS and not first.endswith((".", "!", "?", ",", ";", ":", '"', "”")):
            return first, match["rest"]
    return "", text


def load(source: Source) -> Loaded:
    title, body = split_heading(source.text)
    return [source.article(text=body, title=title)]


FORMAT = Format("text", frozenset({".txt", ".text"}), load)
