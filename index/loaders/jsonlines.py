"""`.jsonl`: one record a line; a bad line is reported with its number and the others still load."""

from __future__ import annotations

import json
from collections.abc import Iterator

from index.loaders.records import load_records
from index.loaders.source import Format, Loaded, Source
from index.models import LoadError

TOO_DEEP = "invalid JSON: arrays or objects nested too deeply"


def is_json_lines(text: str) -> bool:
    """True when every non-blank line of the first few is a JSON object on its own."""
    lines = [line for line in text.split("\n")[:20] if line.strip()]
    try:
        return len(lines) > 1 and all(isinstance(json.loads(line), dict) for line in lines)
    except (json.JSONDecodeError, RecursionError):
        return False


def load(source: Source) -> Loaded:
    return load_records(source, _lines(source))


def _lines(source: Source) -> Iterator[tuple[str, object]]:
    # split("\n"), not splitlines(): U+2028 may sit unescaped inside a JSON string.
    for number, line in enumerate(source.text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            yield f"line {number}", json.loads(line)
        except json.JSONDecodeError as error:
            message = f"invalid JSON on line {number}: {error.msg} (column {error.colno})"
            yield f"line {number}", LoadError(source.name, message)
        except RecursionError:
            yield f"line {number}", LoadError(source.name, f"{TOO_DEEP} on line {number}")


FORMAT = Format("jsonl", frozenset({".jsonl", ".ndjson"}), load)
