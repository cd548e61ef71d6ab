"""Turn what happened on each query into per-query scores and the run's summary (the `--json` shape).

Pure like metrics.py: run.py gathers `Outcome`s, this module only counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from bot.core.citations.markers import MARKER
from measure.eval import metrics
from measure.eval.dataset import Query
from measure.eval.metrics import RetrievedSpan

HIT_KS = (1, 4, 10)
RECALL_K = 10


@dataclass(frozen=True)
class CitedQuote:
    """A citation of the answer, its article already mapped to the dataset's id (None if unknown)."""

    article_id: str | None
    quote: str


@dataclass
class Outcome:
    """Everything the bot did for one query, in the dataset's terms."""

    query: Query
    answer: str
    refused: bool
    retrieved: list[RetrievedSpan]
    citations: list[CitedQuote]
    timings_ms: dict[str, float]
    judge: Verdict | None = None
    verdict: str | None = None
    answerable: float | None = None
    """The reader's P(the retrieved evidence answers the question), when the answerer estimated it."""


@dataclass(frozen=True)
class Verdict:
    """The LLM judge's view of one answer (LlamaIndex CorrectnessEvaluator: score 1..5)."""

    score: float | None
    passing: bool
    feedback: str


def category_of(query: Query) -> str:
    return query.category or ("null" if not query.answerable else "uncategorised")


@dataclass(frozen=True)
class QueryScores:
    """One query's scores; retrieval and citation scores are None where there is no gold evidence."""

    correct: bool
    f1: float
    refused: bool
    retrieval: dict[str, float | None]
    citations: int
    citations_supported: int | None
    yes_no: bool = False
    verdict_correct: bool | None = None
    lenient: bool = False

    def to_dict(self) -> dict[str, object]:
        return {
            "correct": self.correct,
            "f1": self.f1,
            "refused": self.refused,
            "yes_no": self.yes_no,
            "verdict_correct": self.verdict_correct,
            "lenient": self.lenient,
            **self.retrieval,
            "citations": self.citations,
            "citations_supported": self.citations_supported,
        }


RETRIEVAL_KEYS = (*(f"hit@{k}" for k in HIT_KS), "mrr@10", f"evidence_recall@{RECALL_K}")


def score_outcome(outcome: Outcome) -> QueryScores:
    """Score one query.

    An unanswerable query is correct exactly when the bot refused; an answerable one needs an answer
    that is not a refusal and that matches: the verdict when the bot gave one to a yes/no question, else
    the whole phrase, or the yes/no stance read from the text.
    """
    query = outcome.query
    text = MARKER.sub(" ", outcome.answer)
    yes_no = query.answerable and metrics.is_yes_no(query.answers)
    by_verdict = metrics.verdict_correct(outcome.verdict, query.answers) if not outcome.refused else None
    if query.answerable:
        correct = not outcome.refused and metrics.answer_correct(text, query.answers)
        if by_verdict is not None:
            correct = by_verdict
        f1 = 0.0 if outcome.refused else metrics.token_f1(text, query.answers)
        lenient = not outcome.refused and metrics.lenient_correct(text, query.answers)
    else:
        correct, f1, lenient = outcome.refused, float(outcome.refused), outcome.refused

    gold, quotes = query.gold_articles, [e.quote for e in query.evidence]
    ranked = [s.article_id for s in outcome.retrieved]
    retrieval: dict[str, float | None] = dict.fromkeys(RETRIEVAL_KEYS)
    supported: int | None = None
    if gold:
        for k in HIT_KS:
            retrieval[f"hit@{k}"] = metrics.hit_at_k(ranked, gold, k)
        retrieval["mrr@10"] = metrics.reciprocal_rank(ranked, gold, 10)
        supported = sum(metrics.citation_supported(c.article_id, c.quote, gold, quotes) for c in outcome.citations)
    retrieval[f"evidence_recall@{RECALL_K}"] = metrics.evidence_recall(quotes, outcome.retrieved[:RECALL_K])
    scores = QueryScores(correct, f1, outcome.refused, retrieval, len(outcome.citations), supported)
    return replace(scores, yes_no=yes_no, verdict_correct=by_verdict, lenient=lenient)


def _rate(flags: Sequence[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def _latency(outcomes: Sequence[Outcome]) -> dict[str, object]:
    stages: dict[str, list[float]] = {}
    for outcome in outcomes:
        for stage, ms in outcome.timings_ms.items():
            stages.setdefault(stage, []).append(ms)
    totals = stages.get("total", [])
    return {
        "p50": metrics.percentile(totals, 50),
        "p95": metrics.percentile(totals, 95),
        "stages": {
            stage: {"p50": metrics.percentile(v, 50), "p95": metrics.percentile(v, 95)}
            for stage, v in sorted(stages.items())
        },
    }


def yes_no_figures(pairs: Sequence[tuple[Outcome, QueryScores]]) -> dict[str, object]:
    """Over the yes/no questions among `pairs`: accuracy, the always-"yes" baseline (the share whose gold
    answer is yes), verdict coverage (share given a verdict) and verdict precision (share of verdicts
    right). All None when there is no yes/no question."""
    yes_no = [(o, s) for o, s in pairs if s.yes_no]
    given = [s for o, s in yes_no if s.verdict_correct is not None]
    return {
        "yes_no_n": len(yes_no),
        "yes_no_accuracy": _rate([s.correct for _, s in yes_no]),
        "always_yes": _rate([metrics.yes_no_stance(o.query.answers[0]) == "yes" for o, _ in yes_no]),
        "verdict_coverage": _rate([s.verdict_correct is not None for _, s in yes_no]),
        "verdict_precision": _rate([bool(s.verdict_correct) for s in given]),
    }


CURVE_STEPS = 20


def answerability_curve(outcomes: Sequence[Outcome]) -> dict[str, object]:
    """Answerability as a detector of answerable questions: at each threshold on the reader's estimate, the
    share of questions kept that are answerable (precision) and the share of answerable ones kept (recall),
    over the questions the reader estimated."""
    known = [o for o in outcomes if o.answerable is not None]
    positives = sum(o.query.answerable for o in known)
    points = []
    for step in range(CURVE_STEPS + 1):
        threshold = step / CURVE_STEPS
        kept = [o for o in known if (o.answerable or 0.0) >= threshold]
        hits = sum(o.query.answerable for o in kept)
        points.append(
            {
                "threshold": threshold,
                "precision": hits / len(kept) if kept else None,
                "recall": hits / positives if positives else None,
            }
        )
    return {"n": len(known), "n_answerable": positives, "curve": points}


def summarize(outcomes: Sequence[Outcome], scores: Sequence[QueryScores]) -> dict[str, Any]:
    """The run's summary with the keys of the issue (plus counts), fractions in 0..1 or None."""
    pairs = list(zip(outcomes, scores, strict=True))
    with_gold = [s for o, s in pairs if o.query.gold_articles]
    retrieval: dict[str, object] = {"n": len(with_gold)}
    for key in RETRIEVAL_KEYS:
        retrieval[key] = metrics.mean(s.retrieval[key] for s in with_gold)

    by_category: dict[str, dict[str, object]] = {}
    for category in sorted({category_of(o.query) for o in outcomes}):
        picked = [(o, s) for o, s in pairs if category_of(o.query) == category]
        by_category[category] = {
            "n": len(picked),
            "accuracy": _rate([s.correct for _, s in picked]),
            "f1": metrics.mean(s.f1 for _, s in picked),
            "lenient_accuracy": _rate([s.lenient for _, s in picked]),
            **yes_no_figures(picked),
        }

    answered = [o for o in outcomes if not o.refused]
    n_cited = sum(s.citations for s in with_gold)
    n_supported = sum(s.citations_supported or 0 for s in with_gold)
    summary: dict[str, Any] = {
        "n": len(outcomes),
        "retrieval": retrieval,
        "answers": {
            "accuracy": _rate([s.correct for s in scores]),
            "f1": metrics.mean(s.f1 for s in scores),
            "answerable_accuracy": _rate([s.correct for o, s in pairs if o.query.answerable]),
            "lenient_accuracy": _rate([s.lenient for s in scores]),
            "yes_no": yes_no_figures(pairs),
            "by_category": by_category,
        },
        "baselines": {
            "always_refuse_accuracy": _rate([not o.query.answerable for o in outcomes]),
            "always_yes": yes_no_figures(pairs)["always_yes"],
        },
        "answerability": answerability_curve(outcomes),
        "refusals": {
            "refusal_rate": _rate([o.refused for o in outcomes if not o.query.answerable]),
            "false_refusal_rate": _rate([o.refused for o in outcomes if o.query.answerable]),
            "n_unanswerable": sum(not o.query.answerable for o in outcomes),
            "n_answerable": sum(o.query.answerable for o in outcomes),
        },
        "citations": {
            "precision": n_supported / n_cited if n_cited else None,
            "cited_share": _rate([bool(o.citations) for o in answered]),
            "n_citations": n_cited,
        },
        "latency_ms": _latency(outcomes),
    }
    judged = [o.judge for o in outcomes if o.judge is not None]
    if judged:
        summary["judge"] = {
            "n": len(judged),
            "mean_score": metrics.mean(j.score for j in judged),
            "passing_rate": _rate([j.passing for j in judged]),
        }
    return summary
