"""Shared cleaning: text, titles, dates, decoding."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from index.loaders import LoaderError
from index.loaders.clean import clean_line, clean_text, derive_title, normalise_date
from index.loaders.decode import declared_charset, decode


def test_clean_text_keeps_paragraphs_and_fixes_glue() -> None:
    raw = "  One\u00a0two\r\nthree.Four\t five.\n \n\n\nSe\u0301cond\x00 para\u200b.\n"
    assert clean_text(raw) == "One two three. Four five.\n\nSécond para."
    assert clean_text("\n\n \t\n") == ""


def test_clean_text_is_idempotent() -> None:
    raw = 'He said."Yes."Then left.\n\nNext  one.'
    once = clean_text(raw)
    assert once == 'He said. "Yes." Then left.\n\nNext one.'
    assert clean_text(once) == once


def test_clean_line() -> None:
    assert clean_line("  A\n\ntitle\u00a0here ") == "A title here"
    assert clean_line(None) == ""
    assert clean_line(42) == "42"


def test_derive_title() -> None:
    assert derive_title("Short one. Second sentence.") == "Short one."
    long = "word " * 40 + "end."
    title = derive_title(long)
    assert title.endswith("…") and len(title) <= 101 and " " not in title[-2:]
    assert derive_title("No stop at all") == "No stop at all"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019-03-27", "2019-03-27"),
        ("2023-11-27T08:45:59+00:00", "2023-11-27"),
        ("2023-11-27T23:30:00-05:00", "2023-11-27"),
        ("2023/9/6", "2023-09-06"),
        ("20230926", "2023-09-26"),
        ("Tue, 26 Sep 2023 10:00:00 GMT", "2023-09-26"),
        ("September 26, 2023", "2023-09-26"),
        ("Sept. 5th, 2023 at 10am", "2023-09-05"),
        ("26 September 2023", "2023-09-26"),
        ("13/02/2023", "2023-02-13"),
        ("02/13/2023", "2023-02-13"),
        ("03/04/2023", None),
        ("2023-02-30", None),
        ("0001-01-01", None),
        ("soon", None),
        ("", None),
        (None, None),
        (True, None),
        (1695686400, "2023-09-26"),
        (1695686400000, "2023-09-26"),
        (date(2020, 1, 2), "2020-01-02"),
        (datetime(2020, 1, 2, 23, 59), "2020-01-02"),
    ],
)
def test_normalise_date(value: object, expected: str | None) -> None:
    assert normalise_date(value) == expected


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b" \n\t", "empty file"),
        (b"\xef\xbb\xbf  ", "empty file"),
        (b"abc\x00def", "binary file"),
        (bytes(range(1, 9)) * 20 + b"\xff", "binary file"),
        (b"ok \xff", r"not valid UTF-8 \(byte 0xff at offset 3\)"),
        (b'<meta charset="no-such-codec"><p>\xff', "unknown charset 'no-such-codec' declared"),
    ],
)
def test_decode_refuses(data: bytes, reason: str) -> None:
    with pytest.raises(LoaderError, match=reason):
        decode(data)


def test_decode_declared_charsets() -> None:
    assert decode('<?xml version="1.0" encoding="ISO-8859-1"?><a>\xe9</a>'.encode("latin-1")).endswith("é</a>")
    assert decode("caf\xe9".encode("latin-1"), "iso-8859-1") == "café"
    assert decode("caf\u00e9".encode(), "iso-8859-1") == "café"
    assert declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">') == (
        "windows-1252"
    )
    assert declared_charset(b"<p>nothing</p>") is None
