"""Sentence-aware chunking sized to the embedder's window.

A chunk is embedded as `title + "\n" + text`; the title and the text together must fit the model's
window, because the model silently drops whatever lies past it. Chunks end on sentence boundaries
(a single over-long sentence is cut at a word boundary) and overlap by one sentence, so a fact split
across two chunks is still whole in one of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from index.embed.base import Embedder
from index.models import Article, Chunk
from index.sentences import sentence_spans

TITLE_TOKEN_LIMIT = 48


@dataclass(frozen=True)
class ChunkPlan:
    """How big chunks get: `target` word pieces of text, never more than the window allows."""

    target_tokens: int = 200
    overlap_sentences: int = 1


def embedding_text(chunk: Chunk) -> str:
    """The exact string that is embedded for a chunk (the chunker guarantees it fits the window)."""
    return f"{clip_title(chunk.title)}\n{chunk.text}" if chunk.title else chunk.text


def clip_title(title: str) -> str:
    """Titles are capped in words so a long headline cannot crowd out the chunk text."""
    words = title.split()
    return " ".join(words[:24]) if len(words) > 24 else title


def chunk_article(article: Article, embedder: Embedder, plan: ChunkPlan = ChunkPlan()) -> list[Chunk]:
    """Split `article.text` into chunks whose embedding text fits `embedder.max_tokens`."""
    text = article.text
    title = clip_title(article.title)
    # Specials ([CLS]/[SEP]) counted once; the title costs its pieces plus the newline boundary.
    title_cost = embedder.count_tokens(title) - 2 + 1 if title else 0
    budget = min(plan.target_tokens, embedder.max_tokens - 2 - title_cost - 4)
    pieces = _pieces(text, embedder, budget)
    spans = _pack(pieces, budget, plan.overlap_sentences)
    return [
        Chunk(
            article_id=article.id,
            n=n,
            text=text[start:end],
            start=start,
            end=end,
            title=article.title,
            date=article.date,
            source=article.source,
            url=article.url,
            author=article.author,
        )
        for n, (start, end) in enumerate(spans)
    ]


def _pieces(text: str, embedder: Embedder, budget: int) -> list[tuple[int, int, int]]:
    """Sentences as (start, end, tokens); a sentence over budget is cut into word-bounded parts."""
    spans = sentence_spans(text)
    counts = embedder.count_tokens_batch([text[a:b] for a, b in spans]) if spans else []
    pieces: list[tuple[int, int, int]] = []
    for (a, b), count in zip(spans, counts, strict=True):
        tokens = count - 2
        if tokens <= budget:
            pieces.append((a, b, tokens))
        else:
            pieces.extend(_cut_long(text, a, b, embedder, budget))
    return pieces


def _cut_long(text: str, a: int, b: int, embedder: Embedder, budget: int) -> list[tuple[int, int, int]]:
    """Cut one over-long sentence at spaces into parts that each fit the budget."""
    parts: list[tuple[int, int, int]] = []
    start = a
    while start < b:
        end = b
        while embedder.count_tokens(text[start:end]) - 2 > budget:
            # Shrink proportionally, then back off to a space so no word is split.
            over = embedder.count_tokens(text[start:end]) - 2
            guess = start + max(1, int((end - start) * budget / over * 0.95))
            space = text.rfind(" ", start + 1, guess)
            end = space if space > start else guess
        parts.append((start, end, embedder.count_tokens(text[start:end]) - 2))
        start = end
        while start < b and text[start].isspace():
            start += 1
    return parts


def _pack(pieces: list[tuple[int, int, int]], budget: int, overlap: int) -> list[tuple[int, int]]:
    """Greedy packing of consecutive pieces; each new chunk starts with the last `overlap` pieces."""
    chunks: list[tuple[int, int]] = []
    i = 0
    while i < len(pieces):
        j, used = i, 0
        while j < len(pieces) and (j == i or used + pieces[j][2] + 1 <= budget):
            used += pieces[j][2] + (1 if j > i else 0)
            j += 1
        chunks.append((pieces[i][0], pieces[j - 1][1]))
        if j >= len(pieces):
            break
        i = max(j - overlap, i + 1)
    return chunks
