"""Typed spans in evidence sentences, by rules: names (people, organisations), numbers and dates.

The extractive answerer prefers, for a "who" question, sentences naming a person the question does not
already name; for "how much", sentences with an amount; for "when", sentences with a date. Rules:
- a **name** is a run of capitalised words (joined by "of", "de", "van", "&", "-" ...), not a lone
  capitalised stopword at the start of a sentence, not a month or weekday;
- it is **person-like** when it has two to four words and no organisation word (Inc, Corp, Group, Bank,
  University, Commission ...);
- a **number** is a digit, a currency sign, or a number word (million, billion, percent, dozen ...);
- a **date** is a month or weekday name, a year 1900–2099, or an ISO date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.text import STOPWORDS
from bot.core.understand.measure import NUMBER_WORDS, Measure, is_unit
from bot.core.understand.measure import amounts as measure_amounts

_NAME = re.compile(
    r"\b[A-Z][\w'’.&-]*(?:\s+(?:(?:of|de|da|del|der|di|du|la|le|van|von|bin|al|and|&)\s+)?[A-Z][\w'’.&-]*){0,4}"
)
_MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
_ORG_WORDS = frozenset(
    """inc inc. corp corp. corporation co co. company companies ltd ltd. llc plc group holdings bank capital
    university college commission council committee ministry department agency association union league
    federation institute foundation fund partners labs technologies technology systems motors airlines
    robotics media news times post journal network networks club fc united city sportsbook sportsbooks
    exchange markets securities party government court parliament senate""".split()
)
_NUMBER = re.compile(
    r"[$€£¥]\s?\d|\d|\b(?:million|billion|trillion|thousand|hundred|percent|per cent|dozen|half|"
    r"one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|thirty|forty|fifty)\b",
    re.IGNORECASE,
)
_DATE = re.compile(
    r"\b(?:19|20)\d\d\b|\b\d{4}-\d\d-\d\d\b|\b(?:"
    + "|".join(sorted(_MONTHS | _WEEKDAYS, key=len, reverse=True))
    + r")\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Name:
    text: str
    start: int
    end: int

    @property
    def words(self) -> list[str]:
        return self.text.split()

    @property
    def person_like(self) -> bool:
        words = [w.lower().strip(".,'’") for w in self.words]
        if any(c.isdigit() for c in self.text) or self.text.isupper():  # "GPT-4", "NFL": not a person
            return False
        return 2 <= len(words) <= 4 and not any(w in _ORG_WORDS for w in words)


_CONNECTIVES = frozenset(
    "and & of because although though while whereas since unless however meanwhile yet still but even".split()
)
_TITLES = frozenset(
    """ceo ceos cfo coo cto chief president vice chairman chairwoman chair founder co-founder mr mrs ms dr sir
    judge justice coach senator governor minister secretary director executive former late prof professor
    manager captain quarterback star boss""".split()
)


def _edge_word(word: str, first: bool) -> bool:
    """A word a name does not start or end with: a stopword, a connector, a month or weekday, a title
    ("CEO", "Judge"), or, opening the sentence, a capitalised verb form ("Using", "Asked")."""
    folded = word.lower().strip(".,'’\"“”").removesuffix("’s").removesuffix("'s")
    if folded in STOPWORDS or folded in _MONTHS or folded in _WEEKDAYS or folded in _CONNECTIVES:
        return True
    return folded in _TITLES or (first and folded.isalpha() and folded.endswith(("ing", "ed")) and len(folded) > 4)


def names(sentence: str) -> list[Name]:
    """Capitalised name runs in `sentence`, with a capitalised sentence opener or stopword trimmed off; a
    possessive ends a name ("Google’s Prabhakar Raghavan" is two)."""
    runs: list[list[tuple[int, int]]] = []
    for match in _NAME.finditer(sentence):
        runs.append([])
        for word in re.finditer(r"\S+", match.group(0)):
            runs[-1].append((match.start() + word.start(), match.start() + word.end()))
            if word.group(0).endswith(("’s", "'s")):
                runs.append([])
    return [name for run in runs if (name := _trimmed(sentence, run)) is not None]


def _trimmed(sentence: str, tokens: list[tuple[int, int]]) -> Name | None:
    """The name the word spans `tokens` hold once edge words are trimmed off, if any."""
    while tokens and _edge_word(sentence[tokens[0][0] : tokens[0][1]], first=not sentence[: tokens[0][0]].strip()):
        tokens = tokens[1:]
    while tokens and _edge_word(sentence[tokens[-1][0] : tokens[-1][1]], first=False):
        tokens = tokens[:-1]
    if not tokens:
        return None
    start = tokens[0][0]
    text = sentence[start : tokens[-1][1]].rstrip(".,'’\"”").removesuffix("’s").removesuffix("'s")
    return Name(text, start, start + len(text)) if len(text) >= 2 else None


def has_number(sentence: str) -> bool:
    return _NUMBER.search(sentence) is not None


def has_date(sentence: str) -> bool:
    return _DATE.search(sentence) is not None


def new_names(sentence: str, known: set[str]) -> list[Name]:
    """Names in `sentence` none of whose words (lower-cased) appear in `known` (the question's words)."""
    return [n for n in names(sentence) if not any(w.lower().strip(".,'’") in known for w in n.words)]


_MONTH = "(?:" + "|".join(sorted((m for m in _MONTHS if len(m) > 3 or m == "may"), key=len, reverse=True)) + ")"
_DATE_SPAN = re.compile(
    r"\b(?:(?:by|on|in|until|before|after|from|since)\s+)?(?:the\s+(?:end|start|beginning|middle)\s+of\s+)?"
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?|"
    rf"{_MONTH}\s+\d{{4}}|\d{{4}}-\d\d-\d\d|(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
"""A date as a sentence gives it, with the preposition and "the end of" that make it an answer: "by the end
of June 2019", "on March 3, 2025", "in 2019"."""
_AMOUNT_SPAN = re.compile(
    r"(?:[$€£¥]\s?\d[\d,.]*\d|[$€£¥]\s?\d)(?:\s?(?:million|billion|trillion|bn|m)\b)?|"
    r"\b\d[\d,.]*\d?\s?(?:%|percent\b|per cent\b)|"
    r"\b\d[\d,.]*(?:\s+(?:out\s+)?of\s+\d[\d,.]*)?(?:\s+(?:million|billion|trillion|thousand|hundred))?"
    r"(?:[\s-]+[a-z][a-z-]+(?P<more>\s+[a-z][a-z-]+)?)?|"
    r"\b(?:" + "|".join(sorted(NUMBER_WORDS)) + r")[\s-]+(?P<spelled>(?-i:[a-z]+))\b",
    re.IGNORECASE,
)
"""An amount, a share, or a count with what it counts: "$40 million", "6%", "14,200 tonnes", "31 of 60 seats",
"31 cubic metres", "four years", "a nine-metre crack". A second word after a count (`more`), and a count
written in words (`spelled`), only with a unit (of time, length, mass, volume, area or power: `measure.is_unit`):
with any other word the span would run into the verb ("9,400 volunteers took")."""
_JOINED = re.compile(r"[\w-]$")


def answer_span(sentence: str, kind: str, question: str, measure: Measure | None = None) -> str | None:
    """The first date (kind "date") or amount (kind "number") in `sentence` that the question does not already
    hold, verbatim; None when there is none. The span is shown before the quote: the answer first, so it must
    be an answer on its own. An amount is a sum, a share or a count *with what it counts*: a bare figure
    ("2019", "7") says nothing without its sentence, nor does a figure inside a date ("April 7, 2024") or a
    name ("AX-40"); a count's word is never a function word ("2019 to", "31 of"). With the question's
    `measure`, an amount of another kind is never the answer ("34 percent" for "how many crowns") and one
    counting the word asked comes before one counting another."""
    pattern = _DATE_SPAN if kind == "date" else _AMOUNT_SPAN if kind == "number" else None
    if pattern is None:
        return None
    asked = question.lower()
    dated = [m.span() for m in _DATE_SPAN.finditer(sentence)] if kind == "number" else []
    spans: list[str] = []
    for match in pattern.finditer(sentence):
        span = match.group(0).strip(" ,.")
        if kind == "number":
            if _JOINED.search(sentence[: match.start()]) or any(a <= match.start() < b for a, b in dated):
                continue
            if match.group("spelled") is not None and not is_unit(match.group("spelled")):
                continue
            if match.group("more") is not None and not is_unit(match.group("more").strip()):
                span = sentence[match.start() : match.start("more")].strip(" ,.")
            span = _counted(span)
            if span is None:
                continue
        digits = re.sub(r"\D", "", span)
        if span and span.lower() not in asked and (not digits or digits not in re.sub(r"\D", " ", asked).split()):
            spans.append(span)
    if measure is None or kind != "number":
        return spans[0] if spans else None
    fits = [(span, _fit(measure, span)) for span in spans]
    return next((s for s, fit in fits if fit), None) or next((s for s, fit in fits if fit is None), None)


def _fit(measure: Measure, span: str) -> bool | None:
    found = measure_amounts(span)
    return measure.fits(found[0]) if found else False


def _counted(span: str) -> str | None:
    """`span` when it says what it is (a currency, a share, a scale word or the thing counted), else None."""
    words = span.split()
    if words and words[-1].lower() in STOPWORDS:
        words = words[:-1]
    if not words:
        return None
    if len(words) == 1 and not re.search(r"[$€£¥%]|\w-[a-z]", words[0], re.IGNORECASE):
        return None
    return " ".join(words)
