"""What timelines and digests share: a topic's terms, a story's key, one cited sentence per story, and the
title an entry shows with it.

A story is the group of wire copies of one article (`Chunk.story_id`, assigned at ingest); an article
that never had a copy is its own story. The sentence chosen for a story is the one that carries the
most of the topic's terms, earlier sentences winning ties (news puts the fact first); with no topic,
the lede.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.models import Citation
from bot.core.text import stems
from index.models import Chunk
from index.sentences import sentence_spans

LEAD_BONUS = 0.05
"""Per position earlier in the article, a sentence gains this much over one further down (up to 5 places)."""


def shown_title(citation: Citation) -> str:
    """The title an entry shows beside its quote, or "" when the quote already says it: a plain-text
    article's title is its first sentence (cut with "…" when long), which is also the lede a digest quotes."""
    title = " ".join(citation.title.split()).casefold()
    quote = " ".join(citation.quote.split()).casefold()
    if title.endswith("…"):
        return "" if quote.startswith(title[:-1]) else citation.title
    return "" if quote.rstrip(".!?") == title.rstrip(".!?") else citation.title


def story_key(chunk: Chunk) -> str:
    return chunk.story_id or f"story:{chunk.article_id}"


def topic_terms(topic: str) -> frozenset[str]:
    return frozenset(stems(topic))


def coverage(terms: frozenset[str], text: str) -> float:
    """The share of `terms` that `text` contains (1.0 when there are no terms)."""
    if not terms:
        return 1.0
    return len(terms & set(stems(text))) / len(terms)


@dataclass(frozen=True)
class Pick:
    """The sentence chosen from a chunk: offsets into the chunk text and its score."""

    chunk: Chunk
    start: int
    end: int
    score: float

    @property
    def quote(self) -> str:
        return self.chunk.text[self.start : self.end]

    def citation(self, n: int) -> Citation:
        return Citation.from_chunk(n, self.chunk, self.quote, round(self.score, 4))


def best_sentence(chunks: list[Chunk], terms: frozenset[str]) -> Pick | None:
    """The sentence of these chunks (one article's or one story's) that best covers the topic terms.

    Ties go to the chunk given first, so a caller lists the copy it prefers (the first copy) first."""
    best: Pick | None = None
    for chunk in chunks:
        for position, (a, b) in enumerate(sentence_spans(chunk.text)):
            text = chunk.text[a:b]
            if len(text.split()) < 4:
                continue  # a dateline or a caption is no fact
            rank = chunk.start + a  # position in the article, for the lead bonus
            lead = LEAD_BONUS * max(0, 5 - position) if rank < 2000 and chunk.n == 0 else 0.0
            score = coverage(terms, text) + lead if terms else 1.0 - rank / 1e6
            if best is None or score > best.score:
                best = Pick(chunk, a, b, score)
    return best
