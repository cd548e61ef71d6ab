"""General features of a (question, sentence) pair and of a yes/no question's claim checks.

Nothing here names a benchmark's words: each feature is a measure any question and article have — meaning
(cosine), word coverage, the expected kind of answer, the question's anchors (names, numbers, quoted terms)
held by the sentence or its article, the neighbouring sentences, whether the sentence contradicts what the
question presupposes (a negation, an opposite word or another number: `verdict.disagree`), retrieval rank
and what the question's words find in the whole retrieved text. The learned reader weighs them (`scorer`);
the weights are fitted by `measure/fit_reader.py` on the shipped gold sets.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from bot.core.answer import verdict
from bot.core.answer.evidence import Candidate, Ranking
from bot.core.answer.verdict import ClaimEvidence
from bot.core.text import stems
from bot.core.understand import answer_type as types
from bot.core.understand import claims as rel
from bot.core.understand.question import Understanding

VALUE_KINDS = frozenset({types.NUMBER, types.DATE})
NAME_KINDS = frozenset({types.PERSON, types.ORGANISATION, types.PLACE})
"""Kinds of expected answer a sentence can be checked for: a value (amount, date) is checked precisely, a
name loosely (any new name), so the fit weighs them apart. Question length is deliberately no feature:
in the gold sets it tells which set a question comes from (short blind questions are half unanswerable,
long multi-hop ones rarely), not whether the articles answer it."""

ANSWER_FEATURES = (
    "semantic",
    "lexical",
    "lexical_gap",
    "typed_value",
    "value_missing",
    "typed_name",
    "name_missing",
    "anchors_in_sentence",
    "anchors_in_article",
    "neighbour_lexical",
    "contradicts",
    "title_lexical",
    "novelty",
    "hit_rank",
    "dense",
    "key_coverage",
    "missing_share",
)
"""The columns of `answer_features`, in order (the weights file names them, so a mismatch is caught)."""

SIGNS = {
    "semantic": 1,
    "lexical": 1,
    "typed_value": 1,
    "value_missing": -1,
    "typed_name": 1,
    "name_missing": -1,
    "anchors_in_sentence": 1,
    "anchors_in_article": 1,
    "contradicts": -1,
    "title_lexical": 1,
    "key_coverage": 1,
    "missing_share": -1,
}
"""The direction each feature may push "this answers the question", fixed before any fit: more meaning, words,
the kind of answer and the question's anchors never count against a sentence, a contradiction or a missing
kind of answer never for it. Small gold sets of different styles otherwise teach artefacts of how each set
was written (in one, a question asking for an amount is often an adversarial one); features absent here
(rank, novelty, neighbours) may go either way."""

VERDICT_FEATURES = (
    "rules_yes",
    "rules_no",
    "support_min",
    "support_max",
    "contradicted_share",
    "negation_share",
    "opposite_share",
    "numbers_share",
    "unsupported_share",
    "relation_inconsistent",
    "relation_change",
    "relation_order",
    "negated",
    "claims",
    "anchored_yes",
)


def answer_features(understanding: Understanding, ranking: Ranking, scored: Sequence[Candidate]) -> np.ndarray:
    """One row per scored candidate (`ranking.ranked`, which carries semantic and lexical scores)."""
    if not scored:
        return np.zeros((0, len(ANSWER_FEATURES)))
    terms = ranking.terms
    anchors = [a.terms for a in understanding.anchors if a.terms]
    kind = understanding.answer_type
    value_question = kind in VALUE_KINDS
    name_question = kind in NAME_KINDS
    best_lexical = max(c.lexical for c in scored)
    neighbours = _neighbour_lexical(ranking, scored)
    key_coverage = terms.key_coverage(ranking.retrieved) if terms.key else 1.0
    missing = terms.missing_share(ranking.retrieved)
    asked = set(terms.weights)
    topic = understanding.topic or understanding.question
    rows = []
    for candidate, neighbour in zip(scored, neighbours, strict=True):
        article = ranking.articles.get(candidate.article_id, set())
        novel = len(candidate.stems - asked) / len(candidate.stems) if candidate.stems else 0.0
        rows.append(
            [
                candidate.semantic,
                candidate.lexical,
                candidate.lexical - best_lexical,
                float(value_question and candidate.typed),
                float(value_question and not candidate.typed),
                float(name_question and candidate.typed),
                float(name_question and not candidate.typed),
                _share(anchors, candidate.stems),
                _share(anchors, article),
                neighbour,
                float(verdict.disagree(topic, candidate.text)),
                terms.coverage(set(_title_stems(candidate))),
                novel,
                1.0 / (1 + candidate.hit_rank),
                candidate.hit.dense_similarity or 0.0,
                key_coverage,
                missing,
            ]
        )
    return np.asarray(rows, dtype=np.float64)


def verdict_features(understanding: Understanding, found: Sequence[ClaimEvidence], rules: str | None) -> np.ndarray:
    """One row for a yes/no question: what the claim-by-claim checks found and the relation asked about.
    `anchored_yes`: the checks say yes and the share of claims tied to a source and a date ("did Fortune
    report on November 12 that ...") that a sentence of that source and date supports: such a claim's evidence
    is the report it describes, not any sentence on its subject."""
    assert understanding.yes_no is not None
    question = understanding.yes_no
    supports = [e.support for e in found] or [0.0]
    n = max(len(found), 1)
    kinds = [verdict.disagreement(e.reads or e.claim.text, e.best.text) for e in found if e.best is not None]
    return np.asarray(
        [
            float(rules == "yes"),
            float(rules == "no"),
            min(supports),
            max(supports),
            sum(e.contradicted for e in found) / n,
            sum(k.negation for k in kinds) / n,
            sum(k.opposite for k in kinds) / n,
            sum(k.numbers for k in kinds) / n,
            sum(not e.supported for e in found) / n,
            float(question.relation == rel.INCONSISTENT),
            float(question.relation == rel.CHANGE),
            float(question.relation == rel.ORDER),
            float(question.negated),
            math.log(n),
            float(rules == "yes") * sum(e.anchored and e.supported for e in found) / n,
        ],
        dtype=np.float64,
    )


def _share(anchors: list[frozenset[str]], held: set[str] | frozenset[str]) -> float:
    """Share of the question's anchors held whole (1.0 when it has none: nothing to miss)."""
    if not anchors:
        return 1.0
    return sum(a <= held for a in anchors) / len(anchors)


def _title_stems(candidate: Candidate) -> list[str]:
    return stems(candidate.hit.chunk.title)


def _neighbour_lexical(ranking: Ranking, scored: Sequence[Candidate]) -> list[float]:
    """The question-term coverage of the sentence just before or after each candidate in its article
    (the larger): a "why" question's cause often stands next to the sentence that restates its words."""
    by_article: dict[str, list[Candidate]] = {}
    for candidate in ranking.candidates:
        by_article.setdefault(candidate.article_id, []).append(candidate)
    for sentences in by_article.values():
        sentences.sort(key=lambda c: c.start)
    out = []
    for candidate in scored:
        sentences = by_article.get(candidate.article_id, [])
        starts = [c.start for c in sentences]
        best = 0.0
        if candidate.start in starts:
            i = starts.index(candidate.start)
            for j in (i - 1, i + 1):
                if 0 <= j < len(sentences):
                    best = max(best, sentences[j].lexical)
        out.append(best)
    return out
