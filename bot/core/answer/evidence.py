"""Evidence sentences: every sentence of the retrieved chunks, scored for the question.

A sentence's score is meaning (cosine to the question, the retrieval embedder) and words (IDF-weighted
share of the question's terms it holds), plus a preference for the kind of answer the question expects
(`TYPE_BONUS`): a "who" question prefers a sentence naming a person the question does not name, "how
much" one with an amount, "when" one with a date. Embedding is the expensive part, so only a shortlist
(by words, type and chunk similarity) is embedded.
"""

from __future__ import annotations

import re
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from bot.core.answer import entities
from bot.core.answer.terms import QuestionTerms, with_synonyms
from bot.core.models import Hit
from bot.core.request import Request
from bot.core.text import stems, words
from bot.core.understand import answer_type as types
from bot.core.understand.measure import Measure
from index.embed import Embedder
from index.sentences import sentence_spans

EMBED_CANDIDATES = 8
TYPE_BONUS = 0.12
"""Added to a sentence holding the expected kind of answer; about the gap between a right and a wrong
sentence that share the question's words (measured on our own test articles, not on the eval sets)."""
_COUNT = re.compile(r"\b\d[\d,.]*\b(?!\s*(?:am|pm))")
SENTENCE_CACHE = 4096
"""Evidence sentence vectors kept per embedder (about 6 MB at 384 dimensions): ranking, each claim's
support and citation checks embed many of the same sentences, and a conversation returns to the same
articles. Embedding is most of an extractive answer's time."""
_SENTENCES: weakref.WeakKeyDictionary[Embedder, OrderedDict[str, np.ndarray]] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()  # Slack answers in worker threads; embedding itself runs outside it


def sentence_vectors(embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    """`embedder.embed(texts)`, computing only the sentences not embedded recently."""
    if not texts:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    with _LOCK:
        cache = _SENTENCES.setdefault(embedder, OrderedDict())
        known = {t: cache[t] for t in texts if t in cache}
    todo = list(dict.fromkeys(t for t in texts if t not in known))
    if todo:
        known.update(zip(todo, embedder.embed(todo), strict=True))
    with _LOCK:
        for text in texts:
            cache[text] = known[text]
            cache.move_to_end(text)
        while len(cache) > SENTENCE_CACHE:
            cache.popitem(last=False)
    return np.stack([known[t] for t in texts])


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
    typed: bool = False

    @property
    def article_id(self) -> str:
        return self.hit.chunk.article_id


@dataclass(frozen=True)
class Ranking:
    """The question's terms, every stem the hits contain, their sentences, and (`ranked`) the shortlist
    scored by meaning, best first: embedded on first use, since a yes/no answer its claims decide, or a
    refusal, never needs it."""

    terms: QuestionTerms
    score: Callable[[], list[Candidate]] = field(repr=False, compare=False)
    retrieved: set[str] = field(default_factory=set)
    candidates: list[Candidate] = field(default_factory=list)
    articles: dict[str, set[str]] = field(default_factory=dict)
    """Stems of each retrieved article (its retrieved text and title), by article id."""

    @cached_property
    def ranked(self) -> list[Candidate]:
        return self.score()

    @cached_property
    def texts(self) -> list[str]:
        """The retrieved titles and sentences: where the anchors' phrase checks look."""
        titles = {c.hit.chunk.title for c in self.candidates if c.hit.chunk.title}
        return [*titles, *(c.text for c in self.candidates)]


def candidates(hits: list[Hit]) -> list[Candidate]:
    """Each sentence of the hits once (by article and offset), in hit order."""
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


def holds_type(kind: str, question: str, sentence: str, known: set[str], measure: Measure | None = None) -> bool:
    """True when `sentence` holds the kind of answer `kind` expects (see `entities` for the rules); for an
    amount question with a `measure`, an amount of the kind it asks for (`bot.core.understand.measure`)."""
    if kind == types.PERSON:
        return any(n.person_like for n in entities.new_names(sentence, known))
    if kind in {types.ORGANISATION, types.PLACE}:
        return bool(entities.new_names(sentence, known))
    if kind == types.DATE:
        return entities.has_date(sentence)
    if kind == types.NUMBER:
        if measure is not None:
            return measure.held_by(sentence)
        return any(m.group(0) not in question for m in _COUNT.finditer(sentence)) or entities.has_number(sentence)
    return False


def question_words(question: str) -> set[str]:
    return {w.lower() for w in words(question)}


def rank(
    question: str,
    hits: list[Hit],
    embedder: Embedder,
    kind: str,
    semantic_weight: float,
    sources: tuple[str, ...] = (),
    shortlist_size: int = EMBED_CANDIDATES,
    measure: Measure | None = None,
) -> Ranking:
    """Score the hits' sentences for `question`, best first (only the shortlist is scored by meaning).

    With `sources` (publications the question names), only their sentences are ranked when there are any (a
    story a named source carried as a wire copy counts as its: the copy's sentences are stored once).
    """
    pool = candidates(hits)
    terms = QuestionTerms.build(question, [c.stems for c in pool])
    articles: dict[str, set[str]] = {}
    for candidate in pool:
        articles.setdefault(candidate.article_id, set()).update(candidate.stems)
    for hit in hits:
        articles.setdefault(hit.chunk.article_id, set()).update(stems(hit.chunk.title))
    articles = {a: with_synonyms(held) for a, held in articles.items()}
    retrieved: set[str] = set().union(*articles.values()) if articles else set()
    if not pool:
        return Ranking(terms, list, retrieved, [], articles)
    named = [c for c in pool if c.hit.chunk.source in sources or set(c.hit.chunk.also_in) & set(sources)]
    pool = named or pool
    known = question_words(question)
    pool = [
        replace(c, typed=holds_type(kind, question, c.text, known, measure), lexical=terms.coverage(set(c.stems)))
        for c in pool
    ]
    bonus = {id(c): TYPE_BONUS if c.typed else 0.0 for c in pool}
    shortlist = sorted(pool, key=lambda c: -(c.lexical + bonus[id(c)] + 0.25 * (c.hit.dense_similarity or 0.0)))[
        :shortlist_size
    ]

    def score() -> list[Candidate]:
        # The question's vector is the one retrieval just computed (the embedder caches recent queries).
        semantic = sentence_vectors(embedder, [c.text for c in shortlist]) @ embedder.embed_query(question)
        scored = []
        for candidate, cosine in zip(shortlist, semantic, strict=True):
            value = semantic_weight * float(cosine) + (1 - semantic_weight) * candidate.lexical
            value += bonus[id(candidate)] - 0.005 * candidate.hit_rank
            scored.append(replace(candidate, score=value, semantic=float(cosine)))
        return sorted(scored, key=lambda c: (-c.score, c.hit.chunk.id, c.start))

    return Ranking(terms, score, retrieved, pool, articles)


def support(embedder: Embedder, claim: str, sentences: list[Candidate]) -> np.ndarray:
    """How well each sentence supports `claim`: 0.6 × cosine + 0.4 × share of the claim's terms it holds."""
    if not sentences:
        return np.zeros(0)
    claim_terms = set(stems(claim))
    cosine = sentence_vectors(embedder, [c.text for c in sentences]) @ embedder.embed_query(claim)
    share = np.array([len(claim_terms & c.stems) / len(claim_terms) if claim_terms else 0.0 for c in sentences])
    return 0.6 * cosine + 0.4 * share


def rank_request(
    request: Request, embedder: Embedder, semantic_weight: float, shortlist: int = EMBED_CANDIDATES
) -> Ranking:
    """`rank` for a request: its topic (the question without the sources and dates it names), its hits, the
    answer type it expects and, for an open question, only the publications it names."""
    understanding = request.understanding
    named = understanding.sources if understanding.yes_no is None else ()
    topic = understanding.topic or request.standalone
    kind = understanding.answer_type
    return rank(topic, request.hits, embedder, kind, semantic_weight, named, shortlist, understanding.measure)
