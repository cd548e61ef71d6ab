"""Sentence boundaries with character offsets, shared by the loaders, the chunker and the answerers.

Offsets matter more than elegance here: a citation quote must be an exact slice of the article text,
so every function returns spans into the string it was given.
"""

from __future__ import annotations

import re

_ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof sr jr st vs etc e.g i.e u.s u.k u.n e.u inc corp co ltd no nos jan feb mar apr jun
    jul aug sep sept oct nov dec gov sen rep gen col lt sgt capt cmdr adm fig vol op approx est dept
    univ ave blvd mt ft a.m p.m d.c
    """.split()
)

# A full stop glued to the next sentence, as in "boycott.The", 'Wednesday."Security' or 'US."Not': a
# lower-case letter, digit, bracket or two-letter acronym before the stop, a capital (maybe behind a
# quote) after it. Initials such as "J.K.Rowling" do not match: one capital is not an acronym.
_GLUED = re.compile(r"(?:(?<=[a-z0-9%)\]])|(?<=[A-Z]{2}))([.!?])([\"”’]?)(?=[\"“‘]?[A-Z])")
_BOUNDARY = re.compile(r"[.!?]+[\"”’')\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])|\n\s*\n|\n")
_WORD_BEFORE = re.compile(r"([A-Za-z.]+)$")
# How far back `_is_abbreviation` looks: longer than any abbreviation, so a cut word never matches one,
# and bounded, so that a text with many sentences is split in linear time.
_LONGEST_WORD = 32


def fix_glued_sentences(text: str) -> str:
    """Insert the missing space in "boycott.The" so the sentence splitter sees two sentences.

    A straight quote right after the stop is closing when an odd number of straight quotes precede
    it in the paragraph (`said."The`), else opening (`risks."Huawei`). The quote count is carried
    from one match to the next, so a long paragraph costs linear time, not quadratic.
    """
    parity = _QuoteParity(text)

    def space(match: re.Match[str]) -> str:
        stop, quote = match.group(1), match.group(2)
        if quote == "”" or (quote == '"' and parity.inside(match.start())):
            return f"{stop}{quote} "
        return f"{stop} {quote}"

    return _GLUED.sub(space, text)


class _QuoteParity:
    """Whether a position sits inside straight quotes of its paragraph; positions must not go back."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0
        self.odd = False

    def inside(self, position: int) -> bool:
        segment_start = self.at
        newline = self.text.rfind("\n", segment_start, position)
        if newline != -1:
            segment_start, self.odd = newline + 1, False
        self.odd ^= self.text.count('"', segment_start, position) % 2 == 1
        self.at = position
        return self.odd


def _is_abbreviation(text: str, stop: int) -> bool:
    """True when the full stop at `stop` ends an abbreviation or an initial, not a sentence."""
    if text[stop] != ".":
        return False
    match = _WORD_BEFORE.search(text, max(0, stop - _LONGEST_WORD), stop)
    if not match:
        return False
    word = match.group(1).lower().strip(".")
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans (start, end) of the sentences in text[start:end], whitespace trimmed, offsets into `text`."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _BOUNDARY.finditer(text, start, end):
        if match.group(0).strip() and _is_abbreviation(text, match.start()):
            continue
        _append_trimmed(text, cursor, match.end(), spans)
        cursor = match.end()
    _append_trimmed(text, cursor, end, spans)
    return spans


def split_sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


def _append_trimmed(text: str, a: int, b: int, spans: list[tuple[int, int]]) -> None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if b > a:
        spans.append((a, b))
