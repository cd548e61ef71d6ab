"""Bytes to text, refusing what is not text: empty files, binary files, undeclared non-UTF-8.

Guessing an encoding silently would corrupt the quotes that citations copy verbatim, so a file that
is not UTF-8 loads only when it declares its charset (HTML meta, XML prolog, HTTP header).
"""

from __future__ import annotations

import codecs
import re

from index.loaders.errors import LoaderError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SNIFF_BYTES = 8192
_CONTROL_BYTES = frozenset(range(0x09)) | frozenset(range(0x0E, 0x20))
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"\A\s*<\?xml[^>]*\bencoding\s*=\s*[\"']([A-Za-z0-9_.:-]+)[\"']", re.IGNORECASE)


def decode(data: bytes, declared: str | None = None) -> str:
    """The text of `data`; `declared` is a charset from outside the bytes, such as an HTTP header."""
    if not data.strip():
        raise LoaderError("empty file")
    text = _decode(data, declared)
    if not text.strip():
        raise LoaderError("empty file")
    return text


def _decode(data: bytes, declared: str | None) -> str:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _decode_as(data, codec)
    head = data[:_SNIFF_BYTES]
    if b"\x00" in head:
        raise LoaderError("binary file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        charset = declared or declared_charset(head)
        if charset and codecs.lookup(_known(charset)).name != "utf-8":
            return _decode_as(data, charset)
        if sum(byte in _CONTROL_BYTES for byte in head) > len(head) // 10:
            raise LoaderError("binary file") from None
        raise LoaderError(
            f"not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}); "
            "convert it to UTF-8 or declare its charset"
        ) from None


def declared_charset(head: bytes) -> str | None:
    """The charset an HTML meta tag or an XML prolog declares in the first bytes, if any."""
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii") if match else None


def _known(charset: str) -> str:
    try:
        codecs.lookup(charset)
    except LookupError:
        raise LoaderError(f"unknown charset {charset!r} declared") from None
    return charset


def _decode_as(data: bytes, charset: str) -> str:
    try:
        return data.decode(_known(charset))
    except UnicodeDecodeError as error:
        raise LoaderError(f"not valid {charset} (byte 0x{data[error.start]:02x} at offset {error.start})") from None
