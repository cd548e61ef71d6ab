"""The offline answerer: quote the retrieved sentences that best answer the question, and cite them.

It writes nothing of its own beyond the quotes, so it cannot state what the articles do not say.
Each candidate sentence is scored by meaning (cosine to the question, same embedder as retrieval) and
by words (IDF-weighted share of the question's terms it contains). It refuses when the retrieved text
lacks the question's names and numbers, or when even the best sentence scores below a threshold
calibrated on the MultiHop-RAG dev set (see README, "How refusal is calibrated").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from bot.core.answer.terms import QuestionTerms
from bot.core.citations.assemble import refusal, see_also
from bot.core.citations.markers import strip_markers
from bot.core.condense import condense_heuristic
from bot.core.models import Answer, Citation, Hit, Turn
from bot.core.text import stems
from index.embed import Embedder
from index.sentences import sentence_spans

EMBED_CANDIDATES = 8
MAX_QUOTES = 3


@dataclass(frozen=True)
class Thresholds:
    """Refusal and selection cut-offs.

    Calibrated on ../shared/eval/multihop-rag-dev (137 answerable, 13 unanswerable questions): a best
    sentence scoring under 0.27, or retrieved text holding none of the question's names and numbers,
    refuses 13/13 unanswerable questions and 6/137 answerable ones. Short questions (at most 10 content
    terms; every multihop question is longer) are specific: when over a quarter of their weighted terms
    appear nowhere in the retrieved text, the articles are about something else (measure/gold/seeds: 4 of 5
    unanswerable refused, no answerable one).
    """

    min_score: float = 0.27
    min_key_coverage: float = 0.01
    short_question_terms: int = 10
    max_missing_share: float = 0.25
    semantic_weight: float = 0.55
    companion_ratio: float = 0.85


@dataclass(frozen=True)
class Candidate:
    hit_rank: int
    hit: Hit
    start: int  # offsets into the article text
    end: int
    text: str
    stems: frozenset[str]
    score: float = 0.0
    semantic: float = 0.0
    lexical: float = 0.0


@dataclass(frozen=True)
class Ranking:
    """Scored sentences, best first, with the question's terms and every stem the hits contain."""

    terms: QuestionTerms
    ranked: list[Candidate]
    retrieved: set[str]


class ExtractiveAnswerer:
    """Answers by quotation; `name` is what Answer.backend reports."""

    name = "extractive"

    def __init__(self, embedder: Embedder, thresholds: Thresholds = Thresholds()) -> None:
        self.embedder = embedder
        self.thresholds = thresholds

    def answer(self, question: str, hits: list[Hit], *, on_token: Callable[[str], None] | None = None) -> Answer:
        ranking = self.rank_sentences(question, hits)
        result = self._compose(question, ranking)
        if on_token:
            on_token(result.answer)
        return result

    def rank_sentences(self, question: str, hits: list[Hit]) -> Ranking:
        """Score the hits' sentences, best first.

        Embedding is the expensive part, so only the `EMBED_CANDIDATES` sentences that look best by
        words and by their chunk's dense similarity are embedded and ranked; the words of all of them
        still count for refusal.
        """
        candidates = _candidates(hits)
        terms = QuestionTerms.build(question, [c.stems for c in candidates])
        retrieved: set[str] = set()
        for candidate in candidates:
            retrieved |= candidate.stems
        for hit in hits:
            retrieved |= set(stems(hit.chunk.title))
        if not candidates:
            return Ranking(terms, [], retrieved)
        lexical = {id(c): terms.coverage(set(c.stems)) for c in candidates}
        shortlist = sorted(candidates, key=lambda c: -(lexical[id(c)] + 0.25 * (c.hit.dense_similarity or 0.0)))
        shortlist = shortlist[:EMBED_CANDIDATES]
        # The question's vector is the one retrieval just computed (the embedder caches recent queries).
        semantic = self.embedder.embed([c.text for c in shortlist]) @ self.embedder.embed_query(question)
        weight = self.thresholds.semantic_weight
        scored = []
        for candidate, cosine in zip(shortlist, semantic, strict=True):
            words = lexical[id(candidate)]
            score = weight * float(cosine) + (1 - weight) * words - 0.005 * candidate.hit_rank
            scored.append(replace(candidate, score=score, semantic=float(cosine), lexical=words))
        scored.sort(key=lambda c: (-c.score, c.hit.chunk.id, c.start))
        return Ranking(terms, scored, retrieved)

    def _compose(self, question: str, ranking: Ranking) -> Answer:
        ranked, terms = ranking.ranked, ranking.terms
        if not ranked:
            return refusal(question, [], self.name)
        best = ranked[0]
        if self._refuses(terms, ranking.retrieved, best):
            return refusal(question, see_also((c.hit, c.text, round(c.score, 4)) for c in ranked), self.name)
        chosen = [best]
        covered = set(best.stems)
        for candidate in ranked[1:]:
            if len(chosen) == MAX_QUOTES or candidate.score < best.score * self.thresholds.companion_ratio:
                break
            adds_terms = bool((set(candidate.stems) - covered) & set(terms.weights))
            if adds_terms and not _overlaps(candidate, chosen):
                chosen.append(candidate)
                covered |= candidate.stems
        return _render(question, chosen, self.name)

    def _refuses(self, terms: QuestionTerms, retrieved: set[str], best: Candidate) -> bool:
        """Refuse when the retrieved text lacks the question's names, or a short, specific question's
        words, or when even the best sentence scores low."""
        limits = self.thresholds
        if terms.key_coverage(retrieved) < limits.min_key_coverage or best.score < limits.min_score:
            return True
        specific = len(terms.weights) <= limits.short_question_terms
        return specific and terms.missing_share(retrieved) > limits.max_missing_share

    def condense(self, history: Sequence[Turn], question: str) -> str:
        return condense_heuristic(history, question)


def _candidates(hits: list[Hit]) -> list[Candidate]:
    seen: set[tuple[str, int]] = set()
    out: list[Candidate] = []
    for rank, hit in enumerate(hits):
        chunk = hit.chunk
        for a, b in sentence_spans(chunk.text):
            key = (chunk.article_id, chunk.start + a)
            if key in seen or b - a < 12:
                continue
            seen.add(key)
            text = chunk.text[a:b]
            out.append(Candidate(rank, hit, chunk.start + a, chunk.start + b, text, frozenset(stems(text))))
    return out


def _overlaps(candidate: Candidate, chosen: list[Candidate]) -> bool:
    return any(
        c.hit.chunk.article_id == candidate.hit.chunk.article_id and c.start < candidate.end and candidate.start < c.end
        for c in chosen
    )


def _citation(n: int, candidate: Candidate) -> Citation:
    return Citation.from_chunk(n, candidate.hit.chunk, candidate.text, round(candidate.score, 4))


def _render(question: str, chosen: list[Candidate], backend: str) -> Answer:
    """One citation per quote, numbered by first use; an article's quotes in article order.

    Sentences of one article that stand next to each other become one citation whose quote is the
    contiguous slice of the article, so every quote stays verbatim.
    """
    by_article: dict[str, list[Candidate]] = {}
    for candidate in chosen:
        by_article.setdefault(candidate.hit.chunk.article_id, []).append(candidate)
    parts: list[str] = []
    citations: list[Citation] = []
    for quotes in by_article.values():
        for run in _adjacent_runs(sorted(quotes, key=lambda c: c.start)):
            citation = _citation(len(citations) + 1, run)
            citations.append(citation)
            parts.append(f"{strip_markers(citation.quote)} [{citation.n}]")
    return Answer(question=question, answer=" ".join(parts), refused=False, citations=citations, backend=backend)


def _adjacent_runs(quotes: list[Candidate]) -> list[Candidate]:
    """Merge sentences separated only by whitespace into one candidate spanning them."""
    runs = [quotes[0]]
    for quote in quotes[1:]:
        last = runs[-1]
        chunk = quote.hit.chunk
        between = chunk.text[last.end - chunk.start : quote.start - chunk.start] if last.hit is quote.hit else None
        if between is not None and not between.strip():
            text = chunk.text[last.start - chunk.start : quote.end - chunk.start]
            runs[-1] = replace(last, text=text, end=quote.end, score=max(last.score, quote.score))
        else:
            runs.append(quote)
    return runs
