"""What a question rests on: words the evidence must hold, or the articles cannot answer it.

Six kinds, read by rules from the question:
- **publication** — a capitalised name in the place of a source ("according to Bloomberg", "a Le Monde
  profile", "a piece by The Washington Post", "reported by Reuters", "Did Bloomberg report") that is not
  an indexed source: a question that rests on what that publication said cannot be answered from
  articles it did not write ("according to Megan Grey in The Age" names a person quoted in a
  publication, not one);
- **qualifier** — the name that narrows what is asked for ("which Microsoft executive", "what Apple
  product"): articles that never name Microsoft cannot say which of its executives did something;
- **model** — a token mixing digits and letters ("1TB", "512GB", "M3", "AX-40"; not an ordinal such as "4th"
  or a time such as "3pm"): a product variant the articles never mention is not one they describe;
- **name** — a run of capitalised words that does not open the question or one of its sentences ("the Nine
  Years' Treaty", "Marta Kessler"; not a month or weekday), or a web address ("cctime.com"), **number** — a
  figure or year ("14,200", "2019") that is not part of a date, **quoted** — a term in quotation marks:
  what the question is about, by name.

The gate (`bot.core.answer.gate`) refuses when a publication, qualifier or model anchor's words appear
nowhere in the retrieved text (`missing`), and when a name, quoted term or model appears in no retrieved
sentence or title as a phrase (`unheld`): the words of "the Nine Years' Treaty" are all in an article about
the Ten Years' Treaty, the phrase is not. Names, numbers and quoted terms are also features the reader
weighs (whether the answering sentence, or its article, holds each).
An indexed source is never an anchor: it is metadata, matched by `sources`, not text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.core.text import stems
from bot.core.understand.sources import SourceMention

PUBLICATION, QUALIFIER, MODEL = "publication", "qualifier", "model"
NAME, NUMBER, QUOTED = "name", "number", "quoted"
PER_ARTICLE = frozenset({NAME, NUMBER, QUOTED})
"""Kinds read from any capitalised run, figure or quotation. Whether the answering sentence, or its article,
holds them whole is a feature the reader weighs (`bot.core.read.features`); as a rule per article they
refused 33 of 137 answerable dev questions (multi-hop questions name things spread over several articles)."""
PHRASE_KINDS = frozenset({NAME, QUOTED, MODEL})
"""Kinds `unheld` looks for as phrases in everything retrieved. Numbers are left out: a figure is written
many ways ("$1.5 billion", "1.5bn") and a single digit is in every article."""

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
_MODEL = re.compile(r"\b(?=[A-Za-z]*\d)(?=\d*[A-Za-z])[A-Za-z\d]{2,}\b|\b[A-Za-z]{1,4}-\d{1,3}\b(?!-)")
"""A token mixing letters and digits ("M3", "512GB"), or a short letter code, a hyphen and up to three digits
("AX-40", "gpt-4", "F-35"), whatever its case: how product variants are written. Four digits after a hyphen
are a year ("mid-2024")."""
_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th|s)$", re.IGNORECASE)
_TIME = re.compile(r"^\d{1,2}(?:am|pm)$", re.IGNORECASE)
"""A time of day ("3pm") mixes digits and letters but names no product variant."""
_SPLIT = re.compile(r"\s*(?:,\s*and|,|\band)\s+(?:the\s+)?")
_QUOTES = "‘'\"“’”"
_RUN = re.compile(r"(?<![\w’'])[A-Z][\w&.’'–—-]*(?:\s+(?:of\s+|de\s+|the\s+|&\s+)?[A-Z][\w&.’'–—-]*)*")
"""A run of capitalised words, with "of"/"de"/"the"/"&" inside it: "Bank of England", "Nine Years' Treaty"."""
_PAIRING = re.compile(r"\b([A-Z][a-z]+)[-–—]([A-Z][a-z]+)\b")
"""Two capitalised words joined by a dash: a pairing of two names ("the Chiefs–Jets game", "Israel-Hamas
talks") or a double-barrelled one ("Bankman-Fried"); either way each side is a name of its own, and so is
what follows ("Chiefs-Jets Sunday Night Football": "Chiefs", "Jets", "Sunday Night Football")."""
_FIGURE = re.compile(r"(?<![\w.])\d[\d,.]*\d(?![\w])|(?<![\w.])\d(?![\w.,])")
_ADDRESS = re.compile(r"(?<![\w.@/-])(?:[a-z0-9][a-z0-9-]*\.)+[a-z]{2,}(?![\w-])(?!\.\w)", re.IGNORECASE)
"""A web address written bare ("cctime.com", "news.example.org"): a site's name however it is capitalised."""
_QUOTED = re.compile(r"[“\"]([^”\"]{2,60})[”\"]|(?<![\w])[‘']([^’']{2,60})[’'](?![\w])")
_CALENDAR = frozenset(
    "january february march april may june july august september october november december monday tuesday "
    "wednesday thursday friday saturday sunday".split()
)
"""Capitalised words that make dates, which the time frame reads, not names."""
_CALENDAR_BEFORE = re.compile(r"\b(?:" + "|".join(_CALENDAR) + r")\s+(?:\d{1,2},?\s+)?$", re.IGNORECASE)
"""A figure right after a month ("November 6, 2023", "March 2024") is part of a date."""
_NOT_NAMES = frozenset(
    "i who what when where which why how whose whom did does do is are was were has have had can could will "
    "would should may might according".split()
)
"""Capitalised words that are question syntax, not names ("Did", "According")."""
_LEADING = frozenset("the a an".split())
_WORD = re.compile(r"[^\W_]+")
_POSSESSIVE = re.compile(r"['’]s\b", re.IGNORECASE)
_JOINT = re.compile(r"\s*(?:['’]s\b|\bof\b|\bde\b|&)\s*", re.IGNORECASE)
_ACRONYM = re.compile(r"[A-Z]{2,5}s?")


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


def anchors(
    question: str, mentions: Sequence[SourceMention], dates: Sequence[tuple[int, int]] = ()
) -> tuple[Anchor, ...]:
    """The anchors of `question` (see the module docstring); `mentions` are its indexed sources, `dates`
    the spans of the dates it filters by (metadata, like sources)."""
    found: list[Anchor] = []
    for pattern in _SLOTS:
        for match in pattern.finditer(question):
            found += _names(match, PUBLICATION, mentions)
    for match in _QUALIFIER.finditer(question):
        found += _names(match, QUALIFIER, mentions)
    for match in _MODEL.finditer(question):
        token = match.group(0)
        if not _ORDINAL.match(token) and not _TIME.match(token) and not _inside(match.start(), match.end(), mentions):
            found.append(Anchor(token, MODEL, match.start()))
    models = [(a.start, a.start + len(a.text)) for a in found if a.kind == MODEL]
    found += _phrases(question, [(m.start, m.end) for m in mentions] + list(dates), {a.start for a in found}, models)
    unique: dict[str, Anchor] = {}
    for anchor in sorted(found, key=lambda a: a.start):
        if anchor.terms:
            unique.setdefault(anchor.text.lower(), anchor)
    return tuple(unique.values())


def missing(found: Sequence[Anchor], present: set[str]) -> list[Anchor]:
    """The rule's anchors (publication, qualifier, model) some of whose words `present` (stems of the
    retrieved text) lacks."""
    return [a for a in found if a.kind not in PER_ARTICLE and not a.terms <= present]


def unheld(found: Sequence[Anchor], texts: Iterable[str], kinds: frozenset[str] = PHRASE_KINDS) -> list[Anchor]:
    """The anchors of `kinds` with a part that no text holds as a phrase: its words in order, case, quotes
    and punctuation aside. A possessive or "of" splits a name into parts, each looked for alone ("Volterra's
    Brookmere factory" is about "Volterra" and "Brookmere", "the CEO of Hallstead" about "Hallstead",
    whichever way an article words it); an acronym is no part (articles spell them out, "chief executive") and
    separates the names around it (`_parts`). A model is held written with or without its hyphen or space
    ("G-7", "G7")."""
    wanted = [(a, parts) for a in found if a.kind in kinds and (parts := _parts(a.text))]
    if not wanted:
        return []
    held = " | ".join(" ".join(_words(text)) for text in texts)
    held = f" {held} "

    def holds(anchor: Anchor, part: str) -> bool:
        forms = {part, part.replace(" ", "")} if anchor.kind == MODEL else {part}
        return any(f" {form} " in held for form in forms)

    return [a for a, parts in wanted if not all(holds(a, part) for part in parts)]


def held_share(found: Sequence[Anchor], texts: Iterable[str], kinds: frozenset[str] = PHRASE_KINDS) -> float:
    """The share of the anchors of `kinds` with parts (see `unheld`) that `texts` hold as phrases (1.0 when
    there are none)."""
    wanted = [a for a in found if a.kind in kinds and _parts(a.text)]
    return 1.0 - len(unheld(wanted, texts, kinds)) / len(wanted) if wanted else 1.0


def all_held(found: Sequence[Anchor], texts: Iterable[str]) -> bool:
    """True when the question names something (a name, quoted term or model with parts) and `texts` hold all
    of it as phrases: then the articles are about what it asks, however far its wording is from theirs."""
    wanted = [a for a in found if a.kind in PHRASE_KINDS and _parts(a.text)]
    return bool(wanted) and not unheld(wanted, texts, PHRASE_KINDS)


def spelled_terms(anchor: Anchor) -> frozenset[str]:
    """The stems of an anchor's words, its acronyms left out ("CEO Changpeng Zhao": changpeng, zhao; "US":
    none), as `unheld` leaves them out: articles spell them out ("chief executive")."""
    return frozenset(stems(" ".join(w for w in anchor.text.split() if not _ACRONYM.fullmatch(w.strip(_QUOTES + ".,")))))


def _parts(text: str) -> list[str]:
    """The phrases `unheld` looks for: split at a possessive, "of", "de" or "&", at a dash between two
    capitalised words (`_PAIRING`), and at an acronym, which is no part ("Sam Bankman-Fried FTX": "sam
    bankman", "fried"; "CEO Changpeng Zhao": "changpeng zhao")."""
    parts: list[str] = []
    for piece in _JOINT.split(_PAIRING.sub(r"\1 & \2 &", text)):
        run: list[str] = []
        for token in [*piece.split(), ""]:
            if token and not _ACRONYM.fullmatch(token.strip(_QUOTES + ".,")):
                run.append(token)
                continue
            if words := _words(" ".join(run)):
                parts.append(" ".join(words))
            run = []
    return parts


def _words(text: str) -> list[str]:
    return _WORD.findall(_POSSESSIVE.sub(" ", text.replace("’", "'")).lower())


def _phrases(
    question: str, taken: list[tuple[int, int]], claimed: set[int], models: Sequence[tuple[int, int]] = ()
) -> list[Anchor]:
    """Name, number and quoted anchors outside `taken` spans (sources, dates) and not already anchors; no
    number inside a model's span (the 40 of "AX-40")."""

    def free(start: int, end: int) -> bool:
        return start not in claimed and not any(a < end and start < b for a, b in taken)

    out: list[Anchor] = []
    for match in _QUOTED.finditer(question):
        text = (match.group(1) or match.group(2) or "").strip()
        if text and free(match.start(), match.end()):
            out.append(Anchor(text, QUOTED, match.start()))
            taken = [*taken, (match.start(), match.end())]
    for match in _ADDRESS.finditer(question):
        if free(match.start(), match.end()):
            out.append(Anchor(match.group(0), NAME, match.start()))
            taken = [*taken, (match.start(), match.end())]
    for match in _RUN.finditer(question):
        words = match.group(0).split()
        start = match.start()
        while words and (words[0].lower() in _NOT_NAMES or words[0].lower() in _LEADING):
            start += len(words[0]) + 1
            words.pop(0)
        name = " ".join(words).removesuffix("'s").removesuffix("’s").rstrip(".,'’")
        if name and not _opens_sentence(question, start) and free(start, match.end()) and name.lower() not in _CALENDAR:
            out.append(Anchor(name, NAME, start))
    for match in _FIGURE.finditer(question):
        inside_model = any(a < match.end() and match.start() < b for a, b in models)
        if (
            free(match.start(), match.end())
            and not inside_model
            and not _CALENDAR_BEFORE.search(question[: match.start()])
        ):
            out.append(Anchor(match.group(0).rstrip(".,"), NUMBER, match.start()))
    return out


def _opens_sentence(question: str, start: int) -> bool:
    """Whether `start` begins the question or one of its sentences ("… first year? I'd like …", "Thanks!"):
    a capital there says nothing about a name."""
    before = question[:start].rstrip()
    return not before or before[-1] in ".?!"


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
