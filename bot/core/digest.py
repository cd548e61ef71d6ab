"""`newsbot digest`: what is new since a time, grouped by story, one cited sentence per story.

Without a topic the digest reads the store directly (every article dated inside the window) and quotes
each story's lede; with a topic it retrieves like a timeline and quotes the sentence carrying the most
of the topic. Wire copies are one story, named with the outlets that also carried it. Newest first.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime

from bot.core.errors import QuestionError
from bot.core.models import Citation
from bot.core.retrieve import Filters, HybridRetriever
from bot.core.stories import best_sentence, story_key, topic_terms
from bot.core.story_topic import by_article, on_topic
from index.models import Chunk
from index.period import FORMAT, PeriodError, parse_period
from index.store import Store

MAX_STORIES = 40
TOP_K = 80


def resolve_since(value: str, now: datetime | None = None) -> str:
    """The first day of a window, ISO: a date as given, or the UTC day a span ("24h", "7d") back from `now`
    (aware; default the current time) falls on. Articles carry dates only, so that whole day is in: the
    window never loses its oldest hours, and it is the same on a server in any time zone."""
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        pass
    try:
        span = parse_period(value)
    except PeriodError:
        raise QuestionError(f"--since {value!r}: give a date (2024-05-01) or a span back, {FORMAT}") from None
    moment = datetime.now(UTC) if now is None else now
    if moment.tzinfo is None:
        raise ValueError("resolve_since needs an aware `now`: a naive one would be read in the local time zone")
    return (moment.astimezone(UTC) - span).date().isoformat()


@dataclass(frozen=True)
class DigestStory:
    """One story of the digest: its newest date, the outlets that also carried it, one cited sentence."""

    story_id: str
    title: str
    date: str | None
    source: str
    also_in: tuple[str, ...]
    citation: Citation


@dataclass
class Digest:
    since: str
    until: str | None = None
    topic: str | None = None
    stories: list[DigestStory] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def build_digest(
    store: Store,
    retriever: HybridRetriever,
    *,
    since: str,
    until: str | None = None,
    topic: str | None = None,
    sources: tuple[str, ...] = (),
    max_stories: int = MAX_STORIES,
) -> Digest:
    """The digest of the window; `sources` (a Slack channel's) limits it to those outlets."""
    filters = Filters(since=since, until=until, sources=sources)
    if topic:
        chunks, closest = by_article(retriever.retrieve(topic, TOP_K, filters))
    else:
        chunks, closest = defaultdict(list), None
        for chunk in _dated_chunks(store, filters):
            chunks[chunk.article_id].append(chunk)
    embedder = retriever.embedder.name
    return digest_from_articles(
        chunks, closest, embedder, since=since, until=until, topic=topic, max_stories=max_stories
    )


def digest_from_articles(
    chunks: dict[str, list[Chunk]],
    closest: dict[str, float] | None,
    embedder: str,
    *,
    since: str,
    until: str | None = None,
    topic: str | None = None,
    max_stories: int = MAX_STORIES,
) -> Digest:
    """The digest of these articles' chunks (`story_topic.by_article`, similarities `embedder`'s), those on the
    topic only."""
    terms = topic_terms(topic or "")
    for article_chunks in chunks.values():
        article_chunks.sort(key=lambda c: c.n)
    kept = on_topic(terms, chunks, closest, embedder)
    by_story: dict[str, list[Chunk]] = defaultdict(list)
    for article_id, article_chunks in chunks.items():
        if article_id not in kept:
            continue
        first = article_chunks[0]
        founder = story_key(first) == f"story:{article_id}"
        story = by_story[story_key(first)]
        by_story[story_key(first)] = [*article_chunks, *story] if founder else [*story, *article_chunks]
    stories = []
    for story, story_chunks in by_story.items():
        pick = best_sentence(story_chunks, terms)
        if pick is None:
            continue
        newest = max((c.date or "" for c in story_chunks), default="") or None
        stories.append((story, newest, pick))
    stories.sort(key=lambda s: (s[1] or "", s[2].chunk.title), reverse=True)
    items = [
        DigestStory(story, pick.chunk.title, newest, pick.chunk.source, pick.chunk.also_in, pick.citation(n))
        for n, (story, newest, pick) in enumerate(stories[:max_stories], start=1)
    ]
    return Digest(since, until, topic, items)


def _dated_chunks(store: Store, filters: Filters) -> list[Chunk]:
    from index.store.schema import stored_chunk

    return [stored_chunk(text, meta).chunk for _, text, meta in store.scan(where=filters.chroma_where())]
