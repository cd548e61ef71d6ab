"""`newsbot timeline "TOPIC"`: how a story unfolded, one dated entry per story, each one cited sentence.

Retrieval (dense + BM25) finds the articles about the topic inside the date window; those the fitted
estimate (`story_topic`) reads as off the topic are dropped (retrieval always returns something);
the rest are grouped by story, so ten wire copies make one entry, and each entry quotes the sentence
that carries the most of the topic. Entries run oldest first; undated ones come last.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field

from bot.core.models import Citation, Hit
from bot.core.retrieve import Filters, HybridRetriever
from bot.core.stories import best_sentence, story_key, topic_terms
from bot.core.story_topic import by_article, on_topic
from index.models import Chunk

TOP_K = 60


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
) -> Timeline:
    hits = retriever.retrieve(topic, top_k, Filters(since=since, until=until))
    return timeline_from_hits(topic, hits, retriever.embedder.name, since=since, until=until)


def timeline_from_hits(
    topic: str, hits: list[Hit], embedder: str, *, since: str | None = None, until: str | None = None
) -> Timeline:
    """The timeline of these retrieved hits (any order, their similarities `embedder`'s): the articles on the
    topic, one entry per story."""
    terms = topic_terms(topic)
    chunks, closest = by_article(hits)
    kept = on_topic(terms, chunks, closest, embedder)
    by_story: dict[str, list[Chunk]] = defaultdict(list)
    for article, article_chunks in chunks.items():
        if article in kept:
            by_story[story_key(article_chunks[0])].extend(article_chunks)
    picks = []
    for story, story_chunks in by_story.items():
        pick = best_sentence(story_chunks, terms)
        if pick is not None:
            picks.append((story, pick))
    picks.sort(key=lambda sp: (sp[1].chunk.date or "9999-99-99", sp[1].chunk.article_id))
    entries = [Entry(pick.chunk.date, story, pick.citation(n)) for n, (story, pick) in enumerate(picks, start=1)]
    return Timeline(topic, since, until, entries)
