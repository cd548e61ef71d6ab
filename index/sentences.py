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


def fix_glued_sentences(text: str) -> str:
    """Insert the missing space in "boycott.The" so the sentence splitter sees two sentences.

    A straight quote right after the stop is closing when an odd number of straight quotes precede
    it in the paragraph (`said."The`), else opening (`risks."Huawei`).
    """

    def space(match: re.Match[str]) -> str:
        stop, quote = match.group(1), match.group(2)
        if quote == "”" or (quote == '"' and _inside_quote(text, match.start())):
            return f"{stop}{quote} "
        return f"{stop} {quote}"

    return _GLUED.sub(space, text)


def _inside_quote(text: str, position: int) -> bool:
    paragraph_start = text.rfind("\n", 0, position) + 1
    return text.count('"', paragraph_start, position) % 2 == 1


def _is_abbreviation(text: str, stop: int) -> bool:
    """True when the full stop at `stop` ends an abbreviation or an initial, not a sentence."""
    if text[stop] != ".":
        return False
    match = _WORD_BEFORE.search(text, 0, stop)
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
