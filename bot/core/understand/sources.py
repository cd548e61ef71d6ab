"""Publications named in a question, matched against the sources actually indexed.

A source is matched by its whole name ("The Roar | Sports Writers Blog"), or by the part before a
" | " or " - " separator ("The Independent" matches "The Independent - Life and Style" and
"The Independent - Travel"), with or without a leading "The", ignoring case, quotes and punctuation.
Longer names win over shorter ones at the same place, so "TechCrunch" inside a longer name is not
matched twice. Only names of at least 3 letters are matched, and only where the question writes them
with a capital letter (as publication names are written), unless the indexed name has none itself
("cctime.com"): "on the verge of" does not name The Verge.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|:)\s+")
_NON_WORD = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class SourceMention:
    """A span of the question that names one or more indexed sources."""

    start: int
    end: int
    text: str
    sources: tuple[str, ...]


def _fold(text: str) -> tuple[str, list[int]]:
    """Lower-case `text` with every run of non-alphanumerics as one space, and each folded char's offset."""
    folded: list[str] = []
    offsets: list[int] = []
    previous_space = True
    for i, char in enumerate(text.lower()):
        if char.isalnum():
            folded.append(char)
            offsets.append(i)
            previous_space = False
        elif not previous_space:
            folded.append(" ")
            offsets.append(i)
            previous_space = True
    return "".join(folded), offsets


def _aliases(source: str) -> set[str]:
    names = {source, _SEPARATORS.split(source)[0]}
    for name in list(names):
        if name.lower().startswith("the "):
            names.add(name[4:])
    return {" ".join(_NON_WORD.sub(" ", n.lower()).split()) for n in names if len(n.strip()) >= 3}


class SourceMatcher:
    """Built once per catalog of indexed sources; `find` is a few string searches per alias."""

    def __init__(self, sources: Iterable[str]) -> None:
        by_alias: dict[str, set[str]] = {}
        self._lowercase: set[str] = set()
        for source in sources:
            if source == source.lower():
                self._lowercase.add(source)
            for alias in _aliases(source):
                if alias:
                    by_alias.setdefault(alias, set()).add(source)
        self._aliases = sorted(by_alias.items(), key=lambda item: -len(item[0]))

    def find(self, question: str) -> list[SourceMention]:
        """Non-overlapping mentions in question order; each names the indexed sources it may mean."""
        folded, offsets = _fold(question)
        padded = f" {folded} "
        taken: list[tuple[int, int]] = []
        found: list[SourceMention] = []
        for alias, sources in self._aliases:
            for match in re.finditer(re.escape(f" {alias} "), padded):
                a, b = match.start(), match.end() - 2  # in `folded` coordinates
                if any(a < end and start < b for start, end in taken):
                    continue
                start, end = offsets[a], offsets[b - 1] + 1
                text = question[start:end]
                if text == text.lower() and not set(sources) & self._lowercase:
                    continue
                taken.append((a, b))
                found.append(SourceMention(start, end, text, tuple(sorted(sources))))
        return sorted(found, key=lambda m: m.start)
