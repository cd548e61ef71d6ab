"""BM25 ranking over the keyword index's candidates: which terms find candidates, and the final scores.

FTS5 ranks with `bm25()` at about a microsecond per matching row, so a query whose terms occur in half
of a million chunks would cost half a second. Instead the rarest query terms pick the candidates (their
postings summed stay under `CANDIDATE_POSTINGS`), FTS5 ranks only those, and the best `RERANK` of them
are scored here with every query term by the Lucene BM25 formula the previous engine (bm25s) used, so
rankings match it exactly while the index is small. Terms that occur in more chunks than the budget
still add to a candidate's score; they only no longer bring in chunks that have none of the rarer terms,
and a query made only of such terms gets no keyword hits (dense retrieval still answers it).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

K1 = 1.5
B = 0.75
CANDIDATE_POSTINGS = 10_000
"""Postings FTS5 may rank per query: about 15 ms on one core of the bench machine."""
RERANK_MIN = 100


@dataclass(frozen=True)
class Stats:
    """Collection statistics BM25 needs: documents, their mean length, and each query term's document count."""

    docs: int
    mean_length: float
    df: dict[str, int]

    def idf(self, term: str) -> float:
        df = self.df.get(term, 0)
        return math.log(1.0 + (self.docs - df + 0.5) / (df + 0.5))


def selective_terms(terms: Sequence[str], df: dict[str, int], budget: int = CANDIDATE_POSTINGS) -> list[str]:
    """The rarest present terms whose postings fit the budget (none when even the rarest does not)."""
    chosen: list[str] = []
    spent = 0
    for term in sorted((t for t in dict.fromkeys(terms) if df.get(t, 0) > 0), key=lambda t: (df[t], t)):
        if spent + df[term] > budget:
            break
        chosen.append(term)
        spent += df[term]
    return chosen


def bm25(query: Sequence[str], document: Sequence[str], stats: Stats) -> float:
    """Lucene BM25 of one document (its analysed terms) for the query terms (repeats count, as in bm25s)."""
    counts = Counter(document)
    norm = K1 * (1 - B + B * len(document) / max(stats.mean_length, 1e-9))
    score = 0.0
    for term in query:
        tf = counts.get(term, 0)
        if tf:
            score += stats.idf(term) * tf * (K1 + 1) / (tf + norm)
    return score
