"""Cleaning shared by every format: the text that citations quote, titles and ISO dates.

Whatever comes out of `clean_text` is the article's answerable body, so it is done once, here, and
the same way for every format.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

from index.sentences import fix_glued_sentences, split_sentences

TITLE_CHARS = 100
_TITLE_SCAN_CHARS = 10_000

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200e\u200f\u2060\ufeff"))
_CONTROLS = {c: " " for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, *range(0x80, 0xA0))}
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_ISO_LIKE = re.compile(r"^(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})(?:$|[T\s])")
_COMPACT = re.compile(r"^(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})$")
_NUMERIC_DMY = re.compile(r"^(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<year>\d{4})(?:$|\s)")
_MONTH_FIRST = re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})\b")
_DAY_FIRST = re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(?P<year>\d{{4}})\b")
_YEARS = range(1800, 2201)


def clean_text(text: str) -> str:
    """NFC, no control characters, one space between words, paragraphs apart by one blank line.

    Single line breaks inside a paragraph are hard wraps and become spaces; glued sentences
    ("boycott.The") get their missing space.
    """
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.translate(_INVISIBLE).translate(_CONTROLS)
    paragraphs = (" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(text))
    return "\n\n".join(fix_glued_sentences(p) for p in paragraphs if p)


def clean_line(value: object) -> str:
    """A one-line field (title, author, source): text cleaned and kept on one line."""
    if value is None:
        return ""
    return " ".join(clean_text(str(value)).split())


def derive_title(text: str, limit: int = TITLE_CHARS) -> str:
    """A title for an article that has none: its first sentence, cut at a word near `limit`."""
    first_paragraph = text[:_TITLE_SCAN_CHARS].split("\n\n", 1)[0]
    sentences = split_sentences(first_paragraph)
    title = sentences[0] if sentences else first_paragraph
    if len(title) <= limit:
        return title
    cut = title[:limit].rsplit(" ", 1)[0] if " " in title[:limit] else title[:limit]
    return cut.rstrip(",;:-–— ") + "…"


def normalise_date(value: object) -> str | None:
    """An ISO `YYYY-MM-DD` for the common ways dates are written, None when unknown or ambiguous.

    A timestamp keeps the calendar date it was written with: "2023-11-27T23:30:00-05:00" is the
    27th, the publication's own date, not the UTC one.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return _checked(value.date())
    if isinstance(value, date):
        return _checked(value)
    if isinstance(value, int | float):
        seconds = value / 1000 if value > 1e11 else value
        try:
            return _checked(datetime.fromtimestamp(seconds, UTC).date())
        except (OverflowError, OSError, ValueError):
            return None
    return _parse_text(str(value).strip())


def _parse_text(text: str) -> str | None:
    if not text:
        return None
    if match := _ISO_LIKE.match(text) or _COMPACT.match(text):
        return _build(match["year"], match["month"], match["day"])
    if match := _NUMERIC_DMY.match(text):
        first, second = int(match["a"]), int(match["b"])
        if first > 12 >= second:
            return _build(match["year"], second, first)
        if second > 12 >= first:
            return _build(match["year"], first, second)
        return _build(match["year"], first, second) if first == second else None
    if "," in text[:5] or re.search(r"\d{1,2}:\d{2}", text):
        try:
            return _checked(parsedate_to_datetime(text).date())
        except (TypeError, ValueError, IndexError):
            pass
    for pattern in (_MONTH_FIRST, _DAY_FIRST):
        if (match := pattern.search(text)) and match["month"].lower() in _MONTHS:
            return _build(match["year"], _MONTHS[match["month"].lower()], match["day"])
    return None


def _build(year: str | int, month: str | int, day: str | int) -> str | None:
    try:
        return _checked(date(int(year), int(month), int(day)))
    except ValueError:
        return None


def _checked(value: date) -> str | None:
    return value.isoformat() if value.year in _YEARS else None
