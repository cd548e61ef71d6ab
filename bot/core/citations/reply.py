"""Cleaning a model's raw reply: echoed source lists and `<source>` tags, and the refusal sentinel."""

from __future__ import annotations

import re
import string

# A "Sources:" / "References:" list, or a source block of the prompt echoed back.
SOURCE_LIST = re.compile(
    r"^[ \t]*(?:(?:[#>*_-]+[ \t]*)?(?:sources?|references?|citations?|bibliography)\b[*_ \t]*(?::|$)"
    r"|<\s*/?\s*source\b)",
    re.IGNORECASE | re.MULTILINE,
)
# A `<source n="...">` or `</source>` delimiter of the prompt, wherever the model echoes it.
_SOURCE_TAG = re.compile(r"[ \t]*<\s*/?\s*source\b[^>\n]*>", re.IGNORECASE)
_REFERENCE_LINE = re.compile(r"^[ \t]*(?:[-*][ \t]*)?\[\d+\][ \t]*\S.*$")


def strip_source_list(text: str) -> str:
    """Remove what a model echoes after its answer: a "Sources:" list, `<source>` blocks, "[n] Title" lines."""
    match = SOURCE_LIST.search(text)
    if match and text[: match.start()].strip():
        text = text[: match.start()]
    lines = text.rstrip().split("\n")
    while len(lines) > 1 and (_REFERENCE_LINE.match(lines[-1]) or not lines[-1].strip()):
        lines.pop()
    return "\n".join(lines).strip()


def drop_source_tags(text: str) -> str:
    """`text` without the prompt's `<source>` delimiters: they are markup of the prompt, not prose."""
    return _SOURCE_TAG.sub("", text)


def squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).lower()


def is_refusal(text: str, sentinel: str) -> bool:
    """True when the reply is the sentinel alone, give or take whitespace, punctuation and case."""
    core = text.strip(string.whitespace + string.punctuation + "“”‘’")
    return bool(core) and squash(core) == squash(sentinel)


def remove_sentinel(text: str, sentinel: str) -> tuple[str, bool]:
    """`text` without any occurrence of the sentinel token, and whether there was one."""
    pattern = re.compile(r"[ \t]*" + re.escape(sentinel) + r"[.!]?", re.IGNORECASE)
    cleaned, count = pattern.subn("", text)
    return cleaned.strip(), count > 0
