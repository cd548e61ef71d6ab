"""The `[n]` marker grammar: parse, renumber by first use, strip, and split an answer into cited claims.

This is the one place that knows what a citation marker looks like ("[1]", "[1, 2]", "[1-3]",
"[Source 2]"); everything else asks it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.sentences import sentence_spans

_MAX_RANGE = 20

# "[1]", "[1, 2]", "[1;2]", "[1-3]", "[Source 2]": one group of source numbers.
_NUMBERS = r"\d+(?:\s*(?:[,;]|[-–])\s*\d+)*"
MARKER = re.compile(rf"\[\s*(?:sources?\s*:?\s*)?({_NUMBERS})\s*\]", re.IGNORECASE)
MARKER_WITH_SPACE = re.compile(rf"([ \t]*)\[\s*(?:sources?\s*:?\s*)?({_NUMBERS})\s*\]", re.IGNORECASE)
RENUMBERED = re.compile(r"\[(\d+)\]")


@dataclass(frozen=True)
class Claim:
    """One sentence of the answer, without its markers, and the (renumbered) sources it cites."""

    text: str
    cites: tuple[int, ...]


def marker_numbers(group: str) -> list[int]:
    """The numbers of one marker group, ranges expanded ("1-3" -> 1, 2, 3), in written order."""
    numbers: list[int] = []
    for part in re.split(r"\s*[,;]\s*", group):
        bounds = [int(b) for b in re.split(r"\s*[-–]\s*", part) if b]
        if len(bounds) == 2 and 0 <= bounds[1] - bounds[0] <= _MAX_RANGE:
            numbers.extend(range(bounds[0], bounds[1] + 1))
        else:
            numbers.extend(bounds[:1])
    return numbers


def cited_numbers(text: str) -> list[int]:
    """Every number cited in `text`, in order, repeats included (before any validation)."""
    return [n for match in MARKER.finditer(text) for n in marker_numbers(match.group(1))]


class Renumbering:
    """Marker rewriting with memory: source numbers are renumbered by first use across calls."""

    def __init__(self, n_sources: int) -> None:
        self.n_sources = n_sources
        self.numbers: dict[int, int] = {}

    def apply(self, text: str) -> str:
        """`text` with its markers rewritten as `[1][2]`; markers outside 1..n_sources are dropped."""
        return MARKER_WITH_SPACE.sub(self._rewrite, text)

    def _rewrite(self, match: re.Match[str]) -> str:
        kept: list[int] = []
        for original in marker_numbers(match.group(2)):
            if 1 <= original <= self.n_sources:
                number = self.numbers.setdefault(original, len(self.numbers) + 1)
                if number not in kept:
                    kept.append(number)
        return match.group(1) + "".join(f"[{n}]" for n in kept) if kept else ""


def renumber(text: str, n_sources: int) -> tuple[str, list[int]]:
    """Drop markers outside 1..n_sources and renumber the rest by first use.

    Returns the rewritten text and the original source numbers in their new order, so `order[i]`
    is the original number of new citation `i + 1`.
    """
    renumbering = Renumbering(n_sources)
    rewritten = renumbering.apply(text)
    return rewritten, list(renumbering.numbers)


def normalise(text: str, n_sources: int) -> tuple[str, list[int]]:
    """`text` with every marker written `[a][b]` in its own numbers, and the numbers outside 1..n_sources
    it dropped (a model citing evidence it was not shown)."""
    invalid: list[int] = []

    def rewrite(match: re.Match[str]) -> str:
        kept: list[int] = []
        for number in marker_numbers(match.group(2)):
            if not 1 <= number <= n_sources:
                invalid.append(number)
            elif number not in kept:
                kept.append(number)
        return match.group(1) + "".join(f"[{n}]" for n in kept) if kept else ""

    return MARKER_WITH_SPACE.sub(rewrite, text), invalid


def strip_markers(text: str) -> str:
    """Article text without its own bracketed numbers ("[9]", "[Source 2]"), so that text copied into
    an answer cannot pose as one of the answer's citations."""
    return MARKER_WITH_SPACE.sub("", text)


def claims(text: str) -> list[Claim]:
    """The sentences of a renumbered answer with the sources each one cites.

    Markers that open a sentence ("... talks. [2] The ...") belong to the sentence before it.
    """
    result: list[Claim] = []
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        leading = re.match(r"(?:\s*\[\d+\])+", sentence)
        if leading and result:
            carried = tuple(int(n) for n in RENUMBERED.findall(leading.group(0)))
            previous = result[-1]
            result[-1] = Claim(previous.text, tuple(dict.fromkeys(previous.cites + carried)))
            sentence = sentence[leading.end() :]
        cites = tuple(dict.fromkeys(int(n) for n in RENUMBERED.findall(sentence)))
        plain = re.sub(r"\s*\[\d+\]", "", sentence).strip()
        if plain or cites:
            result.append(Claim(plain, cites))
    return result
