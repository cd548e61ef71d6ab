"""The seed format (`seeds/*.txt`): a ` date YYYY-MM-DD` header, maybe a photo caption, the body.

The caption ("People attend ... October 16, 2018. Photo: VCG") describes a picture that is not in
the text, so it is dropped from the answerable body: an answer quoting it would cite a photo.
"""

from __future__ import annotations

import re

from index.loaders.source import Format, Loaded, Source

_HEADER = re.compile(r"\A[ \t]?date:?[ \t]+(?P<date>\d{4}-\d{2}-\d{2})\b[ \t]*")
_CREDIT = r"(?:Photo|Photos|Photograph|Picture|Image|File photo)\s*:\s*"
# The caption line ends with its credit: "Photo: VCG", "Photo: Li Hao/GT", "Photo: IC" (no full stop).
_CAPTION_LINE = re.compile(rf"\A[^\n]{{0,600}}?\b{_CREDIT}[^\n]{{0,59}}[^\n.!?][ \t]*(?:\n|\Z)")
# A caption glued to the body on one line: the credit is one word, or words up to "X/Y".
_CAPTION_GLUED = re.compile(rf"\A[^\n]{{0,600}}?\b{_CREDIT}(?:[^\s/]+(?:\s[^\s/]+){{0,3}}\s?/\s?\S+|\S+)\s+")


def is_seed(text: str) -> bool:
    return _HEADER.match(text) is not None


def drop_caption(text: str) -> str:
    """The text without a leading photo caption, recognised by the credit that ends it."""
    for pattern in (_CAPTION_LINE, _CAPTION_GLUED):
        if match := pattern.match(text):
            return text[match.end() :]
    return text


def load(source: Source) -> Loaded:
    header = _HEADER.match(source.text)
    if header is None:
        return []
    body = drop_caption(source.text[header.end() :])
    return [source.article(text=body, date=header["date"])]


FORMAT = Format("seed", frozenset({".txt"}), load, sniff=is_seed, sniff_required=True)
