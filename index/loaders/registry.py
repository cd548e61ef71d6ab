"""Which format loads a source: by suffix first, by content for feeds and for unknown suffixes.

Adding a format is one module with a `FORMAT` and one line here.
"""

from __future__ import annotations

from index.loaders import feed, htmlpage, jsonfile, jsonlines, markdown, plaintext, seed
from index.loaders.errors import LoaderError
from index.loaders.source import Format

# Order matters where formats share a suffix or a file could pass two sniffs: first claim wins.
FORMATS: tuple[Format, ...] = (
    feed.FORMAT,
    seed.FORMAT,
    plaintext.FORMAT,
    markdown.FORMAT,
    htmlpage.FORMAT,
    jsonfile.FORMAT,
    jsonlines.FORMAT,
)
KNOWN_SUFFIXES = frozenset(suffix for fmt in FORMATS for suffix in fmt.suffixes)


def pick(suffix: str, text: str) -> Format:
    """The format for a decoded source with this (lower-case) suffix."""
    known = suffix in KNOWN_SUFFIXES
    for fmt in FORMATS:
        if fmt.owns(suffix, text) if known else fmt.recognises(text):
            return fmt
    raise LoaderError(unsupported(suffix))


def unsupported(suffix: str) -> str:
    return f"unsupported file type {suffix or '(no extension)'}"
