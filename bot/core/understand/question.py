"""What a question asks: its answer type, the sources and dates it names, what it rests on (`anchors`), and,
for yes/no, its claims.

`understand` runs on every question before retrieval; it is string work (well under a millisecond) against
a `Catalog` of what is indexed, and, with an `OverviewIntent`, one dot product with the question's vector
(which retrieval embeds anyway). Explicit filters (`ask --since/--until/--source`) always win over
what is read from the question.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from bot.core.understand import answer_type as types
from bot.core.understand import roles
from bot.core.understand.anchors import Anchor, anchors
from bot.core.understand.claims import YesNoQuestion, read_yes_no, split_at
from bot.core.understand.measure import Measure
from bot.core.understand.measure import asked as asked_measure
from bot.core.understand.roles import Role
from bot.core.understand.sources import SourceMatcher, SourceMention
from bot.core.understand.timeframe import DateRange, date_mentions, publication_frame, question_dates
from index.catalog import Catalog

if TYPE_CHECKING:
    from bot.core.understand.intent import OverviewIntent


@dataclass(frozen=True)
class ClaimDates:
    """Date bounds that apply to one claim (from the date expressions inside it)."""

    since: str | None = None
    until: str | None = None


@dataclass(frozen=True)
class Understanding:
    question: str
    answer_type: str
    sources: tuple[str, ...] = ()
    mentions: tuple[SourceMention, ...] = ()
    dates: DateRange = field(default_factory=DateRange)
    yes_no: YesNoQuestion | None = None
    claim_dates: tuple[ClaimDates, ...] = ()
    anchors: tuple[Anchor, ...] = ()
    role: Role | None = None
    """For "who is the <role> of <organisation>": the role asked about (`roles`)."""
    overview_probability: float | None = None
    """P(the question asks for an overview) from the intent model (`intent`); None when the rules decided."""
    measure: Measure | None = None
    """For an amount question: the kinds of amount it asks for ("how many tonnes": a count of tonnes)."""

    @property
    def topic(self) -> str:
        """The question without the sources and dates it names, and without an overview's opening ("catch me
        up on"): what the articles' own words should match (a publication's name or "in March 2026" is
        metadata, not text)."""
        cut = [(m.start, m.end) for m in self.mentions] + [(d.start, d.end) for d in self.dates.mentions]
        lead = types.OVERVIEW_LEAD.match(self.question) if self.answer_type == types.OVERVIEW else None
        if lead is not None:
            cut.append((0, lead.end()))
        return blank(self.question, 0, len(self.question), sorted(cut))

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"answer_type": self.answer_type}
        if self.sources:
            data["sources"] = list(self.sources)
        if self.dates.since or self.dates.until or self.dates.latest:
            data["dates"] = {"since": self.dates.since, "until": self.dates.until, "latest": self.dates.latest}
        if self.yes_no is not None:
            data["yes_no"] = self.yes_no.to_dict()
        if self.anchors:
            data["anchors"] = [a.to_dict() for a in self.anchors]
        if self.overview_probability is not None:
            data["overview_probability"] = round(self.overview_probability, 4)
        if self.measure is not None:
            data["measure"] = self.measure.to_dict()
        return data


class Understander:
    """Understands questions against one catalog; rebuilt when the index changes. With `intent`, whether a
    question asks for an overview is the model's call; without it, the request rules'."""

    def __init__(self, catalog: Catalog, intent: OverviewIntent | None = None) -> None:
        self.catalog = catalog
        self.intent = intent
        self._matcher = SourceMatcher(catalog.sources)
        self._anchor = dt.date.fromisoformat(catalog.newest) if catalog.newest else dt.datetime.now(dt.UTC).date()

    def understand(self, question: str) -> Understanding:
        intent, overview = self.intent, None
        if intent is None:
            kind = types.answer_type(question)
        else:
            overview = intent.probability(question)
            kind = types.OVERVIEW if overview >= intent.threshold else types.fact_type(question)
        mentions = tuple(self._matcher.find(question))
        sources = tuple(dict.fromkeys(s for m in mentions for s in m.sources))
        undated = masked(question, mentions)
        dates = publication_frame(question_dates(undated, self._anchor), self.catalog.oldest, self.catalog.newest)
        yes_no = read_yes_no(question, mentions) if kind == types.YES_NO else None
        claim_dates: tuple[ClaimDates, ...] = ()
        if yes_no is not None:
            found = date_mentions(undated, self._anchor)
            dated = [m for m in found if m.relation in {"on", "in"} and m.reported]
            if len({(m.since, m.until) for m in dated}) >= 2:
                spans = [(m.start, m.end) for m in dated]
                yes_no = replace(yes_no, claims=split_at(yes_no.claims, spans, question))
            claim_dates = tuple(
                _indexed(_dates_within(found, claim.start, claim.end), self.catalog) for claim in yes_no.claims
            )
        role = roles.asked_role(question) if kind in {types.PERSON, types.ORGANISATION} else None
        return Understanding(
            question,
            kind,
            sources,
            mentions,
            dates,
            yes_no,
            claim_dates,
            anchors(question, mentions, [(d.start, d.end) for d in dates.mentions]),
            role,
            overview,
            asked_measure(question) if kind == types.NUMBER else None,
        )


def _dates_within(found: list, start: int, end: int) -> ClaimDates:  # type: ignore[type-arg]
    """The tightest bounds among the dated mentions inside [start, end)."""
    since: str | None = None
    until: str | None = None
    for mention in found:
        if not (start <= mention.start < end) or mention.relation in {"not", "relative"} or not mention.reported:
            continue
        if mention.since and (since is None or mention.since > since):
            since = mention.since
        if mention.until and (until is None or mention.until < until):
            until = mention.until
    return ClaimDates(since, until)


def _indexed(dates: ClaimDates, catalog: Catalog) -> ClaimDates:
    """A claim's dates, or none when they lie outside the indexed dates: then they say when something
    happened ("a higher batting average in 2022"), not which report the claim is about."""
    before = dates.until is not None and catalog.oldest is not None and dates.until < catalog.oldest
    after = dates.since is not None and catalog.newest is not None and dates.since > catalog.newest
    return ClaimDates() if before or after else dates


def masked(question: str, mentions: tuple[SourceMention, ...]) -> str:
    """`question` with each publication's name blanked, offsets kept: "Business Today" or "Latest Stock
    Market News" name a source, not a date or a wish for recent news."""
    chars = list(question)
    for mention in mentions:
        chars[mention.start : mention.end] = " " * (mention.end - mention.start)
    return "".join(chars)


def blank(text: str, start: int, end: int, cut: list[tuple[int, int]]) -> str:
    """text[start:end] with the `cut` spans removed, whitespace collapsed."""
    chars = list(text[start:end])
    for a, b in cut:
        for i in range(max(a, start), min(b, end)):
            chars[i - start] = " "
    return " ".join("".join(chars).split())
