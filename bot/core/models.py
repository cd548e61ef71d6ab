"""The conversation-side seams: a retrieved chunk (Hit), a Citation and the Answer every front end renders."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from index.models import Chunk

REFUSAL_TEXT = "The indexed articles do not cover this."
"""What every backend answers when the articles do not hold the answer (front ends check `refused`)."""


@dataclass(frozen=True)
class Hit:
    """A chunk returned by retrieval, with its fused score and the ranks that produced it."""

    chunk: Chunk
    score: float
    dense_rank: int | None = None
    keyword_rank: int | None = None
    dense_similarity: float | None = None
    boost: float = 0.0
    """Feedback's effect on this hit's article (positive: boosted, negative: down-weighted); 0 when none."""


@dataclass(frozen=True)
class Citation:
    """One numbered source of an answer; `quote` occurs verbatim in the article's text."""

    n: int
    article_id: str
    title: str
    date: str | None
    source: str
    url: str
    quote: str
    chunk_id: str
    score: float
    story_id: str | None = None
    also_in: tuple[str, ...] = ()

    @classmethod
    def from_chunk(cls, n: int, chunk: Chunk, quote: str, score: float) -> Citation:
        """A citation of `quote` (a verbatim slice of `chunk.text`) carrying the chunk's article fields."""
        return cls(
            n=n,
            article_id=chunk.article_id,
            title=chunk.title,
            date=chunk.date,
            source=chunk.source,
            url=chunk.url,
            quote=quote,
            chunk_id=chunk.id,
            score=score,
            story_id=chunk.story_id,
            also_in=chunk.also_in,
        )

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Correction:
    """One change citation verification made to a model's reply before it became the answer.

    `kind` is "moved" (a marker pointed at evidence that does not support the sentence; it now points at
    the evidence that does), "dropped" (such a marker, with no other evidence to move to), "added" (an
    uncited sentence the evidence supports), "removed" (a sentence no evidence supports) or "kept" (a
    marker the score alone would have rejected, accepted by the judge: nothing changed). Evidence
    numbers are those of the prompt; `support` is the best support score found.
    """

    kind: str
    sentence: str
    cited: tuple[int, ...] = ()
    to: int | None = None
    support: float = 0.0
    judged: bool = False


@dataclass
class Answer:
    """What the chain returns: text with inline `[n]` markers and the citations those markers point to.

    `refused` is the sentinel front ends check: True when the indexed articles do not hold the answer.
    `verdict` is "yes" or "no" for a yes/no question the cited evidence decides, else None; front ends
    show it first. `see_also` lists the closest sources of a refusal; they are not citations.
    `understood` is what the question was read as (answer type, sources, dates, claims): shown in
    `--json` so a user can see why this answer was chosen. `corrections` is what citation verification
    changed in a model's reply (empty for the extractive answerer, which writes no prose of its own).
    """

    question: str
    answer: str
    refused: bool
    citations: list[Citation] = field(default_factory=list)
    backend: str = ""
    timings_ms: dict[str, float] = field(default_factory=dict)
    see_also: list[Citation] = field(default_factory=list)
    standalone_question: str | None = None
    verdict: str | None = None
    understood: dict[str, object] = field(default_factory=dict)
    corrections: list[Correction] = field(default_factory=list)
    boosts: dict[str, float] = field(default_factory=dict)
    """Feedback boosts applied to the cited articles (article id → boost), so a user can see why."""

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Turn:
    """One exchange of a conversation, the history a follow-up is condensed against."""

    question: str
    answer: str
