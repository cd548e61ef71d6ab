"""`.json`: a list of records, an object holding one (`articles`, `items`, `data`), or one record."""

from __future__ import annotations

import json

from index.loaders import jsonlines
from index.loaders.errors import LoaderError
from index.loaders.records import TEXT_FIELDS, load_records, looks_like_record
from index.loaders.source import Format, Loaded, Source

_LIST_KEYS = ("articles", "items", "data", "records", "documents")


def load(source: Source) -> Loaded:
    try:
        value = json.loads(source.text)
    except json.JSONDecodeError as error:
        if error.msg == "Extra data" and jsonlines.is_json_lines(source.text):
            return jsonlines.load(source)
        where = f"line {error.lineno}: {error.msg} (column {error.colno})"
        raise LoaderError(f"invalid JSON on {where}") from None
    except RecursionError:
        raise LoaderError(jsonlines.TOO_DEEP) from None
    records = _records(value)
    return load_records(source, ((f"record {n}", record) for n, record in enumerate(records, 1)))


def _records(value: object) -> list[object]:
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        for key in _LIST_KEYS:
            if isinstance(value.get(key), list):
                return value[key]
        if looks_like_record(value):
            return [value]
    raise LoaderError(
        f"no articles: expected a list of records, an object with an {'/'.join(_LIST_KEYS[:3])} list, "
        f"or one record with a {'/'.join(TEXT_FIELDS)} field"
    )


FORMAT = Format("json", frozenset({".json"}), load)
