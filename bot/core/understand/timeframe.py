"""Dates and relative time in a question, resolved to inclusive ISO bounds.

Rules (each a regular expression; the first that claims a span keeps it):
- absolute days: "2023-11-24", "October 18, 2023", "Oct. 18, 2023", "18 October 2023", "October 1st"
  (no year: the latest such day on or before the anchor);
- months and years: "November 2023", "in March 2019", "mid-November 2023", "in 2019" (a bare year only
  after in, during, since, before, after, of, by or until);
- relative: today, yesterday, this/last week (Monday to Sunday), this/last month, this/last year,
  "past/last N days|weeks|months";
- a preceding before / after / since / until / by turns a day into an open bound ("before October 1"
  ends the day before); "between X and Y" and "from X to Y" span both;
- "a date other than X" names no bound (relation `not`); "the same day/date" names none (`relative`);
- recency ("latest", "most recent", "newest", "recent news", "recently") sets `latest`;
- nothing inside quotation marks is a date: "the 'starting today' explainer" quotes a title.
Relative expressions resolve against `anchor`, which the caller sets to the newest indexed article's
date: a static archive answers "last week" about its own last week, a live feed about this one.

A date may be when something was reported ("the report from The Verge on 2023-11-24", "in April 2026",
"last week") or when something happened ("releasing a new device on November 16th", "its June 2017
launch"). `DateMention.reported` is true for the first kind: a relative or month/year expression, one
with a reporting word (report, published, article, said ...) shortly before it, or one in a clause that
describes a report ("the report on the launch of GPT-4 with vision on September 28, 2023"), unless it is
possessive ("last week's game", "Sunday's match": when the event happened) or compared to ("just like
today", "than last year"). Only those may limit which articles are searched (`publication_frame`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, replace

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
_MONTHS["sept"] = 9
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("iso", r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b"),
        ("mdy", rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b"),
        ("dmy", rf"\b{_DAY}\s+{_MONTH},?\s+{_YEAR}\b"),
        ("md", rf"\b{_MONTH}\s+{_DAY}\b(?!,?\s+(?:19|20)\d\d)(?!\s*(?:%|percent|million|billion|points?))"),
        ("my", rf"\b(?:mid-|early\s+|late\s+)?{_MONTH}\s+(?:of\s+)?{_YEAR}\b"),
        ("y", rf"\b(?:in|during|since|before|after|of|by|until)\s+{_YEAR}\b(?![-,.]?\d)"),
        ("rel", r"\b(?P<rel>today|yesterday|(?:this|last|past) (?:week|month|year))\b"),
        ("past", r"\b(?:past|last) (?P<n>\d+|two|three|four|five|six|seven|ten) (?P<unit>day|week|month)s?\b"),
    )
)
_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "ten": 10}
_LATEST = re.compile(r"\b(?:latest|most recent|newest|recent news|recently|most recently)\b", re.IGNORECASE)
_OTHER_THAN = re.compile(r"\bother than\s*$", re.IGNORECASE)
_SAME = re.compile(r"\b(?:on )?the same (?:day|date)\b", re.IGNORECASE)
_REPORTING = re.compile(
    r"\b(?:report\w*|publish\w*|article\w*|news|story|stories|coverage|covered|said|wrote|announc\w*|"
    r"issue|edition|column|review)\b[^.?!;]{0,40}$",
    re.IGNORECASE,
)
_SPACES = re.compile(r"\s+")
_QUOTED = re.compile(r"(?<![\w'‘’])['‘\"“](?=\w)[^'’\"”?]*?(?<=[\w.!?,])['’\"”](?!\w)")
"""A quoted phrase ("the 'starting today' explainer"): a title or someone's words, not a date of the question's."""
_COMPARED = re.compile(r"\b(?:like|unlike|than)\s+$", re.IGNORECASE)
_CLAUSE = re.compile(r"[,;.?!]")
_REPORT_CLAUSE = re.compile(
    r"\bthe\s+(?:\S+\s+)?(?:report|article|piece|story)\s+(?:on|about|regarding|concerning|discussing)\b", re.IGNORECASE
)
_LEAD = re.compile(r"\b(?P<word>before|after|since|until|by|between|from|on|in|during)\s+(?:the\s+)?$", re.IGNORECASE)


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    relation: str  # on | in | before | after | since | until | between | relative | not | latest
    since: str | None
    until: str | None
    reported: bool = False


@dataclass(frozen=True)
class DateRange:
    since: str | None = None
    until: str | None = None
    latest: bool = False
    mentions: tuple[DateMention, ...] = ()

    def is_empty(self) -> bool:
        return not (self.since or self.until or self.latest)


def _span(kind: str, m: re.Match[str], anchor: dt.date) -> tuple[dt.date, dt.date] | None:
    """The first and last day a matched expression covers, or None when it is not a real date."""
    try:
        if kind in {"iso", "mdy", "dmy", "md"}:
            month = int(m["month"]) if kind == "iso" else _MONTHS[m["month"].lower().rstrip(".")]
            year = int(m["year"]) if kind != "md" else anchor.year
            day = dt.date(year, month, int(m["day"]))
            if kind == "md" and day > anchor:
                day = day.replace(year=year - 1)
            return day, day
        if kind == "my":
            month, year = _MONTHS[m["month"].lower().rstrip(".")], int(m["year"])
            return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
        if kind == "y":
            return dt.date(int(m["year"]), 1, 1), dt.date(int(m["year"]), 12, 31)
    except ValueError:
        return None
    if kind == "rel":
        return _relative(m["rel"].lower(), anchor)
    n = _NUMBERS.get(m["n"].lower()) or int(m["n"])
    days = {"day": 1, "week": 7, "month": 30}[m["unit"].lower()] * n
    return anchor - dt.timedelta(days=days - 1), anchor


def _relative(word: str, anchor: dt.date) -> tuple[dt.date, dt.date]:
    monday = anchor - dt.timedelta(days=anchor.weekday())
    first = anchor.replace(day=1)
    previous_month_end = first - dt.timedelta(days=1)
    return {
        "today": (anchor, anchor),
        "yesterday": (anchor - dt.timedelta(days=1),) * 2,
        "this week": (monday, anchor),
        "last week": (monday - dt.timedelta(days=7), monday - dt.timedelta(days=1)),
        "past week": (anchor - dt.timedelta(days=6), anchor),
        "this month": (first, anchor),
        "last month": (previous_month_end.replace(day=1), previous_month_end),
        "past month": (anchor - dt.timedelta(days=29), anchor),
        "this year": (anchor.replace(month=1, day=1), anchor),
        "last year": (dt.date(anchor.year - 1, 1, 1), dt.date(anchor.year - 1, 12, 31)),
        "past year": (anchor - dt.timedelta(days=364), anchor),
    }[word]


def date_mentions(question: str, anchor: dt.date) -> list[DateMention]:
    """Every date expression in `question`, in order, with its bounds (see the module docstring)."""
    taken: list[tuple[int, int]] = [(m.start(), m.end()) for m in _QUOTED.finditer(question)]
    found: list[DateMention] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(question):
            start = m.start("year") if kind == "y" else m.start()  # "in 2019": the preposition leads, as above
            if any(start < b and a < m.end() for a, b in taken):
                continue
            span = _span(kind, m, anchor)
            if span is None:
                continue
            taken.append((start, m.end()))
            found.append(_mention(question, start, m.end(), span, kind))
    for m in _SAME.finditer(question):
        found.append(DateMention(m.start(), m.end(), m.group(0), "relative", None, None))
    for m in _LATEST.finditer(question):
        found.append(DateMention(m.start(), m.end(), m.group(0), "latest", None, None))
    found.sort(key=lambda d: d.start)
    return _pair_betweens(question, found)


def _mention(question: str, start: int, end: int, span: tuple[dt.date, dt.date], kind: str) -> DateMention:
    head = _SPACES.sub(" ", question[max(0, start - 200) : start])[-40:]  # a blanked source name is one space
    text = question[start:end]
    first, last = span
    if _OTHER_THAN.search(head):
        return DateMention(start, end, text, "not", None, None)
    lead = _LEAD.search(head)
    word = lead["word"].lower() if lead else ("in" if kind in {"my", "y", "rel", "past"} else "on")
    possessive = question[end : end + 2] in {"'s", "’s"}  # "last week's game": when it happened
    compared = _COMPARED.search(head) is not None  # "just like today", "than last year": a time compared to
    clause = _CLAUSE.split(question[:start])[-1]
    described = _REPORT_CLAUSE.search(clause) is not None  # "the report on <what> on <date>"
    reported = (kind in {"my", "rel", "past"} or _REPORTING.search(head) is not None or described) and not (
        possessive or compared
    )
    if word == "before":
        return DateMention(start, end, text, "before", None, (first - dt.timedelta(days=1)).isoformat(), reported)
    if word == "after":
        return DateMention(start, end, text, "after", (last + dt.timedelta(days=1)).isoformat(), None, reported)
    if word == "since":
        return DateMention(start, end, text, "since", first.isoformat(), None, reported)
    if word in {"until", "by"}:
        return DateMention(start, end, text, "until", None, last.isoformat(), reported)
    relation = "between" if word in {"between", "from"} else ("in" if first != last else "on")
    return DateMention(start, end, text, relation, first.isoformat(), last.isoformat(), reported)


def _pair_betweens(question: str, found: list[DateMention]) -> list[DateMention]:
    """ "between X and Y" / "from X to Y": X's start and Y's end bound both mentions, and both say when
    something was reported if either does."""
    out = list(found)
    for i, mention in enumerate(found[:-1]):
        following = found[i + 1]
        joint = question[mention.end : following.start].strip(" ,").lower()
        if mention.relation == "between" and joint in {"and", "to", "until"} and following.until:
            reported = mention.reported or following.reported
            out[i] = replace(mention, relation="between", until=following.until, reported=reported)
            out[i + 1] = replace(following, relation="between", since=mention.since, reported=reported)
    return out


def question_dates(question: str, anchor: dt.date) -> DateRange:
    """One time frame for the whole question: the span covering every bounded mention."""
    mentions = date_mentions(question, anchor)
    bounded = [m for m in mentions if m.relation not in {"not", "relative", "latest"}]
    latest = any(m.relation == "latest" for m in mentions)
    starts = [m.since for m in bounded]
    ends = [m.until for m in bounded]
    since = None if not starts or None in starts else min(s for s in starts if s)
    until = None if not ends or None in ends else max(e for e in ends if e)
    return DateRange(since, until, latest, tuple(mentions))


def publication_frame(found: DateRange, oldest: str | None, newest: str | None) -> DateRange:
    """The part of `found` that may limit the search: reported dates only, and only when they overlap the
    indexed dates (a frame outside them is about an event, not about when articles were published)."""
    bounded = [m for m in found.mentions if m.reported and m.relation not in {"not", "relative", "latest"}]
    starts = [m.since for m in bounded]
    ends = [m.until for m in bounded]
    since = None if not starts or None in starts else min(s for s in starts if s)
    until = None if not ends or None in ends else max(e for e in ends if e)
    outside = (until is not None and oldest is not None and until < oldest) or (
        since is not None and newest is not None and since > newest
    )
    if outside:
        since = until = None
    return DateRange(since, until, found.latest, tuple(bounded))
