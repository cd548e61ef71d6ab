"""`newsbot timeline "TOPIC"`: how a story unfolded, one dated entry per story, each one cited sentence.

Retrieval (dense + BM25) finds the articles about the topic inside the date window; articles whose
retrieved text covers too little of the topic's terms are dropped (retrieval always returns something);
the rest are grouped by story, so ten wire copies make one entry, and each entry quotes the sentence
that carries the most of the topic. Entries run oldest first; undated ones come last.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field

from bot.core.models import Citation
from bot.core.retrieve import Filters, HybridRetriever
from bot.core.stories import best_sentence, coverage, story_key, topic_terms
from index.models import Chunk

TOP_K = 60
MIN_COVER = 0.5
"""An article enters the timeline when its title and retrieved text hold half the topic's terms."""


@dataclass(frozen=True)
class Entry:
    """One story on the timeline: its date and the one sentence cited for it."""

    date: str | None
    story_id: str
    citation: Citation

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class Timeline:
    topic: str
    since: str | None = None
    until: str | None = None
    entries: list[Entry] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def build_timeline(
    topic: str,
    retriever: HybridRetriever,
    *,
    since: str | None = None,
    until: str | None = None,
    top_k: int = TOP_K,
    min_cover: float = MIN_COVER,
) -> Timeline:
    hits = retriever.retrieve(topic, top_k, Filters(since=since, until=until))
    return timeline_from_chunks(topic, [h.chunk for h in hits], since=since, until=until, min_cover=min_cover)


def timeline_from_chunks(
    topic: str,
    chunks: list[Chunk],
    *,
    since: str | None = None,
    until: str | None = None,
    min_cover: float = MIN_COVER,
) -> Timeline:
    """The timeline of these retrieved chunks (any order): relevant articles, one entry per story."""
    terms = topic_terms(topic)
    by_article: dict[str, list[Chunk]] = defaultdict(list)
    for chunk in chunks:
        by_article[chunk.article_id].append(chunk)
    by_story: dict[str, list[Chunk]] = defaultdict(list)
    for article_chunks in by_article.values():
        first = article_chunks[0]
        text = first.title + "\n" + "\n".join(c.text for c in article_chunks)
        if coverage(terms, text) >= min_cover:
            by_story[story_key(first)].extend(article_chunks)
    picks = []
    for story, story_chunks in by_story.items():
        pick = best_sentence(story_chunks, terms)
        if pick is not None:
            picks.append((story, pick))
    picks.sort(key=lambda sp: (sp[1].chunk.date or "9999-99-99", sp[1].chunk.article_id))
    entries = [Entry(pick.chunk.date, story, pick.citation(n)) for n, (story, pick) in enumerate(picks, start=1)]
    return Timeline(topic, since, until, entries)
