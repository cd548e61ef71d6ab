"""What a question rests on: words the evidence must hold, or the articles cannot answer it.

Three kinds, read by rules from the question:
- **publication** — a capitalised name in the place of a source ("according to Bloomberg", "a Le Monde
  profile", "a piece by The Washington Post", "reported by Reuters", "Did Bloomberg report") that is not
  an indexed source: a question that rests on what that publication said cannot be answered from
  articles it did not write ("according to Megan Grey in The Age" names a person quoted in a
  publication, not one);
- **qualifier** — the name that narrows what is asked for ("which Microsoft executive", "what Apple
  product"): articles that never name Microsoft cannot say which of its executives did something;
- **model** — a token mixing digits and letters ("1TB", "512GB", "M3"; not an ordinal such as "4th"):
  a product variant the articles never mention is not one they describe.

The gate (`bot.core.answer.gate`) refuses when an anchor's words appear nowhere in the retrieved text.
An indexed source is never an anchor: it is metadata, matched by `sources`, not text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.text import stems
from bot.core.understand.sources import SourceMention

PUBLICATION, QUALIFIER, MODEL = "publication", "qualifier", "model"

_NAME = r"[‘'\"“]?(?=[\w&.’'-]*[A-Z])[A-Z0-9][\w&.’'-]*(?:\s+(?:of\s+|de\s+|&\s+)?[A-Z][\w&.’'-]*)*[’'\"”]?"
_LIST = rf"{_NAME}(?:(?:\s*,\s*(?:the\s+)?{_NAME})*\s*,?\s+and\s+(?:the\s+)?{_NAME})?"
"""One name, or a list that ends in "and": "The Verge, Wired and Bloomberg" (not "Fortune, Bankman-Fried")."""
_KINDS = r"(?:article|report|piece|story|profile|coverage|review|column|interview|op-ed|editorial|analysis|feature)s?"
_SLOTS = (
    re.compile(
        rf"\b(?i:according to)\s+(?:the\s+|a\s+|an\s+)?(?P<names>(?>{_LIST}))(?!\s+(?:in|from|of|at)\s+[A-Z‘'\"“])"
    ),
    re.compile(rf"\b(?:{_KINDS}|reported|published|written|posted)\s+(?:by|from|in)\s+(?:the\s+)?(?P<names>{_LIST})"),
    re.compile(rf"\b(?:a|an|the|another)\s+(?P<names>{_NAME})(?:['’]s)?\s+{_KINDS}\b"),
    re.compile(rf"\b(?i:did|does|has|had)\s+(?:the\s+)?(?P<names>{_NAME})\s+(?:report|write|publish)"),
)
_QUALIFIER = re.compile(rf"\b(?:[Ww]hich|[Ww]hat)\s+(?P<names>{_NAME})\s+[a-z]")
_MODEL = re.compile(r"\b(?=[A-Za-z]*\d)(?=\d*[A-Za-z])[A-Za-z\d]{2,}\b")
_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th|s)$", re.IGNORECASE)
_SPLIT = re.compile(r"\s*(?:,\s*and|,|\band)\s+(?:the\s+)?")
_QUOTES = "‘'\"“’”"
_LEADING = frozenset("the a an".split())


@dataclass(frozen=True)
class Anchor:
    """A phrase of the question that the evidence must hold, and why."""

    text: str
    kind: str
    start: int

    @property
    def terms(self) -> frozenset[str]:
        return frozenset(stems(self.text))

    def to_dict(self) -> dict[str, str]:
        return {"text": self.text, "kind": self.kind}


def anchors(question: str, mentions: Sequence[SourceMention]) -> tuple[Anchor, ...]:
    """The anchors of `question` (see the module docstring); `mentions` are its indexed sources."""
    found: list[Anchor] = []
    for pattern in _SLOTS:
        for match in pattern.finditer(question):
            found += _names(match, PUBLICATION, mentions)
    for match in _QUALIFIER.finditer(question):
        found += _names(match, QUALIFIER, mentions)
    for match in _MODEL.finditer(question):
        if not _ORDINAL.match(match.group(0)) and not _inside(match.start(), match.end(), mentions):
            found.append(Anchor(match.group(0), MODEL, match.start()))
    unique: dict[str, Anchor] = {}
    for anchor in sorted(found, key=lambda a: a.start):
        if anchor.terms:
            unique.setdefault(anchor.text.lower(), anchor)
    return tuple(unique.values())


def missing(found: Sequence[Anchor], present: set[str]) -> list[Anchor]:
    """The anchors some of whose words `present` (stems of the retrieved text) lacks."""
    return [a for a in found if not a.terms <= present]


def _names(match: re.Match[str], kind: str, mentions: Sequence[SourceMention]) -> list[Anchor]:
    """Each name of a matched list ("The Verge and Bloomberg"), leading "the" and quotes off; indexed
    sources left out."""
    text, offset = match.group("names"), match.start("names")
    bounds = [0]
    for joint in _SPLIT.finditer(text):
        bounds += [joint.start(), joint.end()]
    bounds.append(len(text))
    out = []
    for a, b in zip(bounds[::2], bounds[1::2], strict=True):
        words = text[a:b].strip(_QUOTES + " ").split()
        while words and words[0].lower() in _LEADING:
            words.pop(0)
        name = " ".join(words).removesuffix("'s").removesuffix("’s").strip(_QUOTES)
        if name and not _inside(offset + a, offset + b, mentions):
            out.append(Anchor(name, kind, offset + a))
    return out


def _inside(start: int, end: int, mentions: Sequence[SourceMention]) -> bool:
    return any(m.start < end and start < m.end for m in mentions)
