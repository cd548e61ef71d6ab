"""Extra retrievals a question's understanding calls for, merged with the general hits.

- A question naming publications gets one retrieval per named source (filtered to it), so each source
  it asks about is represented even when another source dominates the general ranking.
- A yes/no question gets one retrieval per claim and source, with the claim's own dates.
- A question naming one time frame ("in April 2026", "last week") keeps only hits inside it.
- "Latest" questions retrieve deeper, so the answerer can prefer the newest relevant article.
Explicit filters (`ask --since/--until/--source`) win over what the question says, field by field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from bot.core.models import Hit
from bot.core.retrieve import Filters
from bot.core.text import stems
from bot.core.understand.question import Understanding

MAX_SOURCES = 4
PER_SOURCE_K = 4
PER_CLAIM_K = 3
MIN_CLAIM_TERMS = 3

Retrieve = Callable[[str, int, Filters], list[Hit]]


@dataclass(frozen=True)
class Retrieval:
    query: str
    k: int
    filters: Filters


def question_filters(understanding: Understanding, explicit: Filters) -> Filters:
    """The time frame the question names (one frame only), under any explicit filter."""
    dates = understanding.dates
    multi_claim = understanding.yes_no is not None and len(understanding.yes_no.claims) > 1
    since, until = (None, None) if multi_claim else (dates.since, dates.until)
    return replace(explicit, since=explicit.since or since, until=explicit.until or until)


def retrievals(understanding: Understanding, explicit: Filters, top_k: int) -> list[Retrieval]:
    """The extra retrievals for `understanding`; see the module docstring."""
    base = question_filters(understanding, explicit)
    planned: list[Retrieval] = []
    if base != explicit:
        planned.append(Retrieval(understanding.question, top_k, base))
    if understanding.dates.latest:
        planned.append(Retrieval(understanding.question, top_k * 2, base))
    if not explicit.source:
        for source in understanding.sources[:MAX_SOURCES]:
            planned.append(Retrieval(understanding.question, PER_SOURCE_K, replace(base, source=source)))
    yes_no = understanding.yes_no
    if yes_no is not None and len(yes_no.claims) > 1:
        for claim, dates in zip(yes_no.claims, understanding.claim_dates, strict=True):
            query = claim.text if len(stems(claim.text)) >= MIN_CLAIM_TERMS else understanding.question
            frame = replace(explicit, since=explicit.since or dates.since, until=explicit.until or dates.until)
            for source in ((explicit.source,) if explicit.source else claim.sources[:MAX_SOURCES]) or (None,):
                planned.append(Retrieval(query, PER_CLAIM_K, replace(frame, source=source)))
    return planned


def expand(understanding: Understanding, hits: list[Hit], explicit: Filters, top_k: int, run: Retrieve) -> list[Hit]:
    """`hits` inside the question's time frame, then the hits of every planned retrieval not already there."""
    base = question_filters(understanding, explicit)
    kept = [h for h in hits if _inside(h, base)]
    seen = {h.chunk.id for h in kept}
    for retrieval in retrievals(understanding, explicit, top_k):
        for hit in run(retrieval.query, retrieval.k, retrieval.filters):
            if hit.chunk.id not in seen:
                seen.add(hit.chunk.id)
                kept.append(hit)
    return kept


def _inside(hit: Hit, filters: Filters) -> bool:
    date = hit.chunk.date or ""
    if filters.since and (not date or date < filters.since):
        return False
    return not (filters.until and (not date or date > filters.until))
