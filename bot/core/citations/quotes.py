"""Quote selection: the verbatim sentence(s) of a chunk that best support what the answer says."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

from bot.core.text import stems
from index.sentences import sentence_spans

_QUOTE_WINDOW = 2


def idf_weights(texts: Iterable[str]) -> dict[str, float]:
    """Inverse document frequency of each term over the sentences of `texts`."""
    sentences = [set(stems(s)) for text in texts for s in _sentences(text)]
    df = Counter(t for s in sentences for t in s)
    n = max(len(sentences), 1)
    return {t: math.log(1 + n / count) for t, count in df.items()}


def _sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


def _overlap(query: set[str], sentence: str, idf: dict[str, float]) -> float:
    return sum(idf.get(t, math.log(2)) for t in query & set(stems(sentence)))


def best_quote(chunk_text: str, supported: Sequence[str], idf: dict[str, float], fallback: str = "") -> str:
    """The sentence(s) of `chunk_text` that best support the `supported` claims: a verbatim slice.

    Each claim picks its best sentence by IDF-weighted word overlap; when the picks lie close
    together the quote spans them, else it is the single best one. `fallback` (the question) is
    used when no claim shares a word with the chunk.
    """
    spans = sentence_spans(chunk_text)
    if not spans:
        return chunk_text.strip()
    picks = _picks(chunk_text, spans, supported, idf) or _picks(chunk_text, spans, [fallback], idf)
    if not picks:
        first = last = 0
    else:
        indices = sorted({i for _, i in picks})
        if indices[-1] - indices[0] <= _QUOTE_WINDOW:
            first, last = indices[0], indices[-1]
        else:
            first = last = max(picks)[1]
    return chunk_text[spans[first][0] : spans[last][1]]


def _picks(
    chunk_text: str, spans: Sequence[tuple[int, int]], queries: Sequence[str], idf: dict[str, float]
) -> list[tuple[float, int]]:
    """(score, sentence index) of the best-overlapping sentence for each query that overlaps at all."""
    picks: list[tuple[float, int]] = []
    for text in queries:
        query = set(stems(text))
        if not query:
            continue
        score, index = max((_overlap(query, chunk_text[a:b], idf), -i) for i, (a, b) in enumerate(spans))
        if score > 0:
            picks.append((score, -index))
    return picks
