"""A yes/no question read as claims about sources and the relation the question asks about.

Rules, in order (all on the lower-cased question):
- **relation** — what the question asserts between its claims:
  `inconsistent` (inconsistent, inconsistency, discrepancy, contradict, conflicting),
  `change` (change, shift, differ, different, evolve), `same` (consistent, consistency, same, similar,
  align, agree, in line with; not "the same source" or "the same day", which only say where or when),
  `order` ("reported/mentioned/published ... before/after <a source or a report>": "after a disappointing
  2023" says when something happened, not which report came first),
  else `holds` (each claim is simply true: "Does X say Y while Z says W?"). The first that matches wins,
  in that order, so "inconsistent" is not read as "consistent".
- **negated** — "no change", "not consistent", "never changed": a negation within two words before the
  relation word flips the answer the relation gives.
- **claims** — the question, its opening auxiliary dropped, split at clause joints ("while", "whereas",
  "; ", ", and did/does/is/was ...", and "compared to", "as opposed to", "in contrast to", "similar to
  how" when what follows names a source or a report: "more toxic compared to other models" is one claim); when that
  gives one clause but the question names two or more sources apart ("Between the report from A ... and
  the report from B ..."), it is split where each source is named. A part that holds nothing but source
  names ("the TechCrunch and") joins the next: "Do the A and B articles both say X" claims X of A and of
  B, one claim each, unless A and B each have their own claim later ("..., with A discussing Y and B
  reporting Z"), which then stand for X. A claim names the indexed sources it mentions; one that names
  none ("the same source") inherits the previous claim's.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.understand.sources import SourceMention

INCONSISTENT = "inconsistent"
CHANGE = "change"
SAME = "same"
ORDER = "order"
HOLDS = "holds"

_RELATIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (INCONSISTENT, re.compile(r"\b(?:inconsisten\w*|discrepanc\w*|contradict\w*|conflicting)\b")),
    (CHANGE, re.compile(r"\b(?:chang\w*|shift\w*|differ\w*|evolv\w*)\b")),
    (
        SAME,
        re.compile(
            r"\b(?:consisten\w*|same(?!\s+(?:source|publication|outlet|news outlet|website|site|article|report|"
            r"day|date|month|week|year)\b)|similar\w*|align\w*|agree\w*|in line with)\b"
        ),
    ),
    (ORDER, re.compile(r"\b(?:report\w*|mention\w*|publish\w*|announc\w*|cover\w*)\b[^?]*?\b(?:before|after)\b")),
)
_ORDER_WORD = re.compile(r"\b(?:before|after)\b", re.IGNORECASE)
_REPORT_AHEAD = re.compile(
    r"\W*(?:\S+\s+){0,5}?(?:article|report|piece|story|coverage|explainer|review|account|post|blog|column)s?\b",
    re.IGNORECASE,
)
"""A report named within six words of "before"/"after": "after the Polygon report", "before its review"."""
SOURCE_REACH = 12
"""Characters between "before"/"after" and a source's name that still make it the reference ("after The
Verge", "before the Fortune article")."""
_NEGATIONS = frozenset("no not never without neither nor".split())
_WORDS = re.compile(r"[a-z]+(?:n't)?")
_AUXILIARY = re.compile(
    r"^\s*(?:is|are|was|were|do|does|did|has|have|had|can|could|will|would|should|may|might)\b\s*", re.IGNORECASE
)
_JOINTS = re.compile(
    r"\s*(?:,\s*)?\b(?:while|whereas|(?P<comparing>as opposed to|compared (?:to|with)|in contrast to|similar to how)|"
    r"and (?:does|did|is|was|do|are|has|have)\b)\s*|\s*;\s*",
    re.IGNORECASE,
)
_REPORT = re.compile(r"\b(?:article|report|piece|story|coverage|account)s?\b", re.IGNORECASE)
_CONNECTIVES = frozenset("the a an and or both article articles report reports piece pieces story stories".split())
"""Words that, with source names, make a part that states nothing ("the TechCrunch and")."""
_BEFORE = re.compile(r"\bbefore\b")


@dataclass(frozen=True)
class Claim:
    """One clause of a yes/no question, the indexed sources it is about, and its span in the question."""

    text: str
    sources: tuple[str, ...]
    start: int
    end: int


@dataclass(frozen=True)
class YesNoQuestion:
    relation: str
    negated: bool
    claims: tuple[Claim, ...]
    order: str = ""  # for `order`: "before" or "after", as the first claim relates to the second

    def to_dict(self) -> dict[str, object]:
        return {
            "relation": self.relation,
            "negated": self.negated,
            "order": self.order or None,
            "claims": [{"text": c.text, "sources": list(c.sources)} for c in self.claims],
        }


def relation_of(question: str, mentions: Sequence[SourceMention] = ()) -> tuple[str, bool, str]:
    """(relation, negated, order) of a yes/no question, with the sources `mentions` found in it; see the
    module docstring."""
    lowered = question.lower()
    for relation, pattern in _RELATIONS:
        match = pattern.search(lowered)
        if match is None or (relation == ORDER and not _orders_reports(question, match, mentions)):
            continue
        before = _WORDS.findall(lowered[: match.start()])[-3:]
        negated = relation != ORDER and any(w in _NEGATIONS or w.endswith("n't") for w in before)
        order = ("before" if _BEFORE.search(match.group(0)) else "after") if relation == ORDER else ""
        return relation, negated, order
    return HOLDS, False, ""


def _orders_reports(question: str, match: re.Match[str], mentions: Sequence[SourceMention]) -> bool:
    """Whether the "before"/"after" of an `order` match is followed by a source or a report."""
    word = list(_ORDER_WORD.finditer(question, match.start(), match.end()))[-1]
    if any(0 <= m.start - word.end() <= SOURCE_REACH for m in mentions):
        return True
    return _REPORT_AHEAD.match(question, word.end()) is not None


def read_claims(question: str, mentions: Sequence[SourceMention]) -> tuple[Claim, ...]:
    """The claims of `question` with the sources `mentions` (found in it) assigns to each."""
    offset = 0
    lead = _AUXILIARY.match(question)
    if lead:
        offset = lead.end()
    joints = list(_JOINTS.finditer(question, offset))
    joints = [j for i, j in enumerate(joints) if not j["comparing"] or _names_source(j, joints[i + 1 :], mentions)]
    spans: list[tuple[int, int]] = []
    cursor = offset
    for joint in joints:
        if joint.start() > cursor:
            spans.append((cursor, joint.start()))
        cursor = joint.end()
    spans.append((cursor, len(question)))
    spans = [(a, b) for a, b in spans if question[a:b].strip(" ,.?")]
    if len(spans) == 1 and len({m.sources for m in mentions}) >= 2:
        starts = [offset] + [m.start for m in mentions[1:]]
        spans = [(a, b) for a, b in zip(starts, [*starts[1:], len(question)], strict=True)]
    parts: list[tuple[int, int, list[tuple[str, ...]]]] = []
    carried: list[tuple[str, ...]] = []
    for start, end in spans:
        named = carried + list(dict.fromkeys(m.sources for m in mentions if start <= m.start < end))
        if _only_names(question, start, end, mentions) and (start, end) != spans[-1]:
            carried = named
            continue
        carried = []
        parts.append((start, end, named))
    claims: list[Claim] = []
    for i, (start, end, named) in enumerate(parts):
        text = question[start:end].strip(" ,.?;")
        if len(named) <= 1:
            sources = named[0] if named else (claims[-1].sources if claims else ())
            claims.append(Claim(text, sources, start, end))
            continue
        later = {sources for *_, after in parts[i + 1 :] for sources in after}
        own = [sources for sources in named if sources not in later]
        claims.extend(Claim(text, sources, start, end) for sources in own)
    return tuple(claims)


def _names_source(joint: re.Match[str], following: Sequence[re.Match[str]], mentions: Sequence[SourceMention]) -> bool:
    """Whether a source or a report ("its earlier report") is named between `joint` and the next joint."""
    end = following[0].start() if following else len(joint.string)
    return any(joint.end() <= m.start < end for m in mentions) or bool(_REPORT.search(joint.string, joint.end(), end))


def _only_names(question: str, start: int, end: int, mentions: Sequence[SourceMention]) -> bool:
    """Whether question[start:end] names sources and holds nothing else but connectives."""
    inside = [m for m in mentions if start <= m.start < end]
    if not inside:
        return False
    chars = list(question[start:end])
    for m in inside:
        chars[m.start - start : m.end - start] = " " * (m.end - m.start)
    words = re.findall(r"[a-z]+", "".join(chars).lower())
    return all(w in _CONNECTIVES for w in words)


def split_at(claims: Sequence[Claim], dated: Sequence[tuple[int, int]], question: str) -> tuple[Claim, ...]:
    """A claim holding two or more dated expressions (`dated` spans) is cut after each but the last ("the
    report on X on <date 1>, and the report on Y on <date 2>": one claim per dated report); the parts keep
    the claim's sources."""
    out: list[Claim] = []
    for claim in claims:
        inside = [end for start, end in dated if claim.start <= start < claim.end]
        bounds = [claim.start, *inside[:-1], claim.end]
        for a, b in itertools.pairwise(bounds):
            text = question[a:b].strip(" ,.?;")
            if text:
                out.append(Claim(text, claim.sources, a, b))
    return tuple(out)


def read_yes_no(question: str, mentions: Sequence[SourceMention]) -> YesNoQuestion:
    relation, negated, order = relation_of(question, mentions)
    return YesNoQuestion(relation, negated, read_claims(question, mentions), order)
