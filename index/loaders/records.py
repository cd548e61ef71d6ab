"""JSON records to Articles, shared by `.json` and `.jsonl`.

Field names are the dataset format's (title, date, source, url, author, text or body) plus the spellings of
common exports, among them the official MultiHop-RAG `corpus.json` (`published_at`, `body`). A
record's own `id` is kept: evaluation queries refer to articles by it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from index.loaders.errors import LoaderError
from index.loaders.source import Loaded, Source
from index.models import Article, LoadError

TEXT_FIELDS = ("text", "body", "content")
_TITLE_FIELDS = ("title", "headline")
_DATE_FIELDS = ("date", "published_at", "publishedAt", "published", "pubDate", "datetime")
_URL_FIELDS = ("url", "link")
_AUTHOR_FIELDS = ("author", "authors", "byline")
_MAX_REPORTED = 10


def looks_like_record(value: object) -> bool:
    return isinstance(value, dict) and any(field in value for field in TEXT_FIELDS)


def to_article(source: Source, record: object) -> Article:
    """One record as an Article; LoaderError says what is wrong with it."""
    if not isinstance(record, dict):
        raise LoaderError(f"not a JSON object but {_json_type(record)}")
    text = _text(_first(record, TEXT_FIELDS))
    if not text.strip():
        raise LoaderError(f"no article text (expected a {', '.join(TEXT_FIELDS)} field)")
    record_id = record.get("id")
    return source.article(
        text=text,
        title=_first(record, _TITLE_FIELDS) or "",
        date=_first(record, _DATE_FIELDS),
        publication=_name(record.get("source")),
        url=_first(record, _URL_FIELDS) or "",
        author=_name(_first(record, _AUTHOR_FIELDS)),
        article_id="" if record_id is None or isinstance(record_id, dict | list) else str(record_id).strip(),
    )


def load_records(source: Source, records: Iterable[tuple[str, object]]) -> Loaded:
    """Articles for the good records, a LoadError per bad one; a LoaderError if none is good.

    Each record comes labelled ("line 3", "record 2") so that the error says where to look; a record
    that is already a LoadError (a line that is not JSON) is reported as it is.
    """
    articles: list[Article] = []
    problems: list[str] = []
    for label, record in records:
        if isinstance(record, LoadError):
            problems.append(record.error)
            continue
        try:
            articles.append(to_article(source, record))
        except LoaderError as error:
            problems.append(f"{label}: {error}")
        except RecursionError:
            problems.append(f"{label}: fields nested too deeply")
    if not articles:
        if not problems:
            raise LoaderError("no article records")
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise LoaderError(f"no articles: {problems[0]}{more}")
    shown = problems[:_MAX_REPORTED]
    if len(problems) > _MAX_REPORTED:
        shown.append(f"{len(problems) - _MAX_REPORTED} more bad records not shown")
    return [*articles, *(LoadError(source.name, problem) for problem in shown)]


def _first(record: dict[str, Any], fields: tuple[str, ...]) -> Any:
    for field in fields:
        value = record.get(field)
        if value not in (None, "", []):
            return value
    return None


def _text(value: object) -> str:
    """Text as a string, or paragraphs as a list of strings."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "\n\n".join(value)
    return ""


def _name(value: object) -> str:
    """An author or publication given as a string, a list of them, or an object with a name."""
    if isinstance(value, dict):
        return _name(value.get("name") or value.get("title"))
    if isinstance(value, list):
        return ", ".join(filter(None, (_name(v) for v in value)))
    return "" if value is None else str(value)


def _json_type(value: object) -> str:
    names = {list: "a list", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    return names.get(type(value), "null" if value is None else type(value).__name__)
