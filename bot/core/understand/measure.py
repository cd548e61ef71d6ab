"""What an amount question measures, and which amounts of a sentence measure it.

"How many crowns did Volterra take in?" asks for a count of crowns: a sentence whose only amount is "34
percent" holds a number but not the answer, and "34 percent" shown first as the answer is wrong however
close the sentence is. Amounts fall in four kinds, each read from how it is written:

- **share** — "34 percent", "6%", "2 percentage points";
- **money** — a currency sign ("$40 million", "€3") or name ("4,990 crowns"); a count in millions or
  billions may be one too, in a currency this reading does not know (not "22 megawatts", which a money
  question does not accept);
- **span** — a count of a unit of time ("four years", "10 days");
- **count** — a figure and what it counts ("14,200 tonnes", "9,400 volunteers", "6.3 kilometres").

A question asks for one or more of them: "what percentage/share/proportion" a share; "how long" a span or a
length; "how many/much X" a count of X (a span when X is a unit of time, a share when X is "percent",
money when X is a currency);
a question about a price ("cost", "pay", "worth", "how much" with no noun) money or a count in millions, but
not a count of something it names itself ("what price per dose" is not answered by "1.2 million doses"). What it
counts is known only by its own words, so a count of other words ("people" asked, "spectators" written)
is not ruled out, only preferred less than the word asked. Questions of no such form have no measure and
nothing is ruled out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.text import STOPWORDS, stemmer, stems

SHARE, MONEY, SPAN, COUNT = "share", "money", "span", "count"
_TIME_UNITS = "second seconds minute minutes hour hours day days week weeks month months year years decade decades"
_LENGTH_UNITS = (
    "metre metres meter meters kilometre kilometres kilometer kilometers km mile miles foot feet inch inches "
    "centimetre centimetres yard yards"
)
"""Closed classes: the units of time and of length, the two things "how long" can ask for."""
_OTHER_UNITS = {
    "mass": "tonne tonnes ton tons kilogram kilograms kg kilo kilos gram grams",
    "volume": "cubic litre litres liter liters gallon gallons barrel barrels",
    "area": "square hectare hectares acre acres",
    "power": "watt watts kilowatt kilowatts megawatt megawatts gigawatt gigawatts mw gw kwh mwh gwh",
}
"""The other units a count may be in, by what they measure (closed classes; "pound" is left out, a currency
too): "how many tonnes" is not answered by "31 cubic metres" nor by "22 megawatts"."""
_NUMBER_WORDS = "one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty"
_AMOUNT = re.compile(
    r"(?P<money>[$€£¥]\s?)?(?<![\w.])(?P<figure>\d[\d,.]*\d|\d|(?i:" + "|".join(_NUMBER_WORDS.split()) + r"))"
    r"(?:\s?(?P<scale>million|billion|trillion|thousand|hundred|bn)\b)?"
    r"(?P<share>\s?(?:%|percent\b|per cent\b|percentage points?\b))?"
    r"(?:[\s-]+(?P<unit>[a-z][a-z-]*)(?:\s+(?P<head>[a-z][a-z-]*))?)?",
)
"""A figure (in digits, or a small count in words), the currency sign before it, its scale and share mark,
and the one or two words after it: what it counts ("3,000 warehouse robots"), if the first is not a function
word."""
_ASK_SHARE = re.compile(
    r"\b(?:what|which)\s+(?:percentage|percent|share|proportion|fraction|per\s*cent)\b|\bhow\s+many\s+per\s*cent",
    re.IGNORECASE,
)
_ASK_LONG = re.compile(r"\bhow\s+(?:long|old)\b", re.IGNORECASE)
_ASK_COUNT = re.compile(
    r"\bhow\s+(?:many|much)\s+(?:more\s+|fewer\s+|less\s+)?(?P<phrase>[\w-]+(?:\s+[\w-]+){0,3})", re.IGNORECASE
)
""""How many/much" and up to four words: what is counted is among them, before the first function word."""
_ASK_MONEY = re.compile(
    r"\b(?:cost|costs|price|priced|pay|paid|worth|spend|spent|charge|charged|fee|fine|fined|raise|raised|bill|"
    r"sell for|sold for)\b",
    re.IGNORECASE,
)
"""A question about a price, by its verb or noun; "how much" with no noun after it asks one too ("how much did
it cost")."""
_MONEY_WORDS = frozenset({"money", "cash", "funding"})


def _stem(word: str) -> str:
    return str(stemmer().stemWord(word.lower()))


_TIME = frozenset(_stem(w) for w in _TIME_UNITS.split())
_LENGTH = frozenset(_stem(w) for w in _LENGTH_UNITS.split())
NUMBER_WORDS = frozenset(_NUMBER_WORDS.split())
_DIMENSIONS = {
    "time": _TIME,
    "length": _LENGTH,
    **{name: frozenset(_stem(w) for w in words.split()) for name, words in _OTHER_UNITS.items()},
}


def dimensions(units: frozenset[str]) -> set[str]:
    """What the stemmed words after a count measure: {"volume"} for "cubic metres", {"mass"} for "tonnes",
    none for "volunteers"."""
    found = {name for name, members in _DIMENSIONS.items() if units & members}
    return found - {"length"} if found & {"volume", "area"} else found


def is_unit(word: str) -> bool:
    """Whether `word` is a unit of what a count may measure ("metres" in "31 cubic metres", "years", "tonnes")."""
    return any(_stem(word) in members for members in _DIMENSIONS.values())


_CURRENCIES = frozenset(
    _stem(w)
    for w in """dollar euro pound yen yuan renminbi rupee rouble ruble franc crown krona krone koruna kroner lira
    peso rand reais shekel dirham riyal rial dinar zloty forint baht ringgit rupiah naira""".split()
)
"""Currencies written as words, a closed class (English names of the world's currencies): "4,990 crowns" is
a price however small."""


@dataclass(frozen=True)
class Amount:
    """One amount of a sentence: its text, kind and (for a count or span) the stems of the words after it, one
    of which says what it counts."""

    text: str
    kind: str
    units: frozenset[str] = frozenset()
    scaled: bool = False
    """In thousands, millions or billions ("6.5 million crowns")."""


@dataclass(frozen=True)
class Measure:
    """The kinds of amount a question asks for, the stems of what it counts (a count or span), and, for a
    price, the stems of its own words (the thing priced, never the price)."""

    kinds: frozenset[str]
    units: frozenset[str] = frozenset()
    named: frozenset[str] = frozenset()

    def fits(self, amount: Amount) -> bool | None:
        """True when `amount` is what is asked (a count of the word asked, a share for a share), None when it
        may be (a count of another word, or of another unit of what the asked unit measures: miles for
        kilometres), False when it is another kind of amount or, when a unit is asked, not one of its
        measure ("31 cubic metres" or "9,400 volunteers" for "how many tonnes")."""
        if amount.kind not in self.kinds:
            return False
        if amount.kind == COUNT:
            if SPAN in self.kinds and MONEY not in self.kinds:
                return bool(amount.units & _LENGTH)
            if amount.units & self.named or (MONEY in self.kinds and not amount.scaled):
                return False
            asked = dimensions(self.units)
            if asked and not asked & dimensions(amount.units):
                return False
            return True if amount.units & self.units else None
        return True

    def held_by(self, sentence: str) -> bool:
        """Whether `sentence` holds an amount that is, or may be, what is asked."""
        return any(self.fits(amount) is not False for amount in amounts(sentence))

    def to_dict(self) -> dict[str, list[str]]:
        return {"kinds": sorted(self.kinds), "units": sorted(self.units)}


def asked(question: str) -> Measure | None:
    """The measure of an amount question (see the module docstring); None when its form names none."""
    if _ASK_SHARE.search(question):
        return Measure(frozenset({SHARE, COUNT}))
    match = _ASK_COUNT.search(question)
    phrase: list[str] = []
    for word in match.group("phrase").split() if match else []:
        if word.lower() in STOPWORDS:
            break
        phrase.append(word)
    counted = [w for w in phrase if w.islower()]
    if counted and not set(counted) & _MONEY_WORDS:
        units = frozenset(_stem(w) for w in counted)
        if units & {"percent", "percentag"}:
            return Measure(frozenset({SHARE}))
        if units & _TIME:
            return Measure(frozenset({SPAN}), units)
        if units & _CURRENCIES:
            return Measure(frozenset({MONEY, COUNT}), units, frozenset(stems(question)) - units)
        return Measure(frozenset({COUNT}), units)
    if _ASK_LONG.search(question):
        return Measure(frozenset({SPAN, COUNT}))
    much = match is not None and match.group(0).split()[1].lower() == "much"
    if counted or much or _ASK_MONEY.search(question):
        return Measure(frozenset({MONEY, COUNT}), named=frozenset(stems(question)))
    return None


def amounts(sentence: str) -> list[Amount]:
    """The amounts of `sentence` that say what they are: a bare figure (a year, a day of the month, "7") is
    no amount of any kind."""
    found = []
    for match in _AMOUNT.finditer(sentence):
        unit, head = match.group("unit"), match.group("head")
        words = (unit, head) if unit is not None and unit not in STOPWORDS else ()
        counted = [_stem(w.split("-")[0]) for w in words if w and w not in STOPWORDS]
        units = frozenset(counted)
        if match.group("money") or units & _CURRENCIES:
            kind: str | None = MONEY
        elif match.group("share"):
            kind = SHARE
        elif counted and counted[0] in _TIME:
            kind = SPAN
        elif units or match.group("scale"):
            kind = COUNT
        else:
            kind = None
        if kind is not None:
            text = match.group(0).split()
            while text[-1].lower() in STOPWORDS:
                text.pop()
            found.append(Amount(" ".join(text), kind, units, match.group("scale") is not None))
    return found
