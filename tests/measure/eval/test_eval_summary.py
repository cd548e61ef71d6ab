"""Per-query scores and the run summary, on outcomes built by hand (no pipeline)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from measure.eval.dataset import Evidence, Query
from measure.eval.metrics import RetrievedSpan
from measure.eval.summary import CitedQuote, Outcome, score_outcome, summarize

TEXT = "Huawei opened a centre in Brussels. ZTE will open labs in Italy and Belgium."


def _query(qid: str, category: str | None, answers: tuple[str, ...], quote: str | None) -> Query:
    evidence = (Evidence("a1", quote),) if quote else ()
    kind = "answerable" if answers else "unanswerable"
    return Query(qid, f"question {qid}", kind, category, answers, evidence)


def _outcome(query: Query, answer: str, refused: bool, ranked: list[str], cited: list[str], total: float) -> Outcome:
    spans = [RetrievedSpan(a, 0, len(TEXT), TEXT) for a in ranked]
    citations = [CitedQuote(a, "Huawei opened a centre in Brussels.") for a in cited]
    timings = {"retrieve": total / 2, "generate": total / 2, "total": total}
    return Outcome(query, answer, refused, spans, citations, timings)


@pytest.fixture
def outcomes() -> list[Outcome]:
    brussels = _query("q1", "fact", ("Brussels",), "Huawei opened a centre in Brussels.")
    labs = _query("q2", "fact", ("Italy and Belgium",), "ZTE will open labs in Italy and Belgium.")
    yes_no = _query("q3", "yes-no", ("yes",), "Text not retrieved anywhere.")
    unanswerable = _query("q4", None, (), None)
    return [
        _outcome(brussels, "In Brussels [1].", False, ["a1"], ["a1"], 10.0),
        _outcome(labs, "Italy [1].", False, ["x", "x", "x", "a1"], ["x"], 20.0),
        _outcome(yes_no, "The articles do not say.", True, ["x"], [], 30.0),
        _outcome(unanswerable, "The articles do not say.", True, ["x"], [], 40.0),
    ]


def test_score_outcome_by_hand(outcomes: list[Outcome]) -> None:
    first, second, third, fourth = (score_outcome(o) for o in outcomes)
    assert first.correct and first.f1 == pytest.approx(2 / 3)  # "in brussels" vs "brussels"
    assert first.retrieval["hit@1"] == 1.0
    assert first.citations == 1 and first.citations_supported == 1
    assert not second.correct and second.retrieval["hit@1"] == 0.0 and second.retrieval["hit@4"] == 1.0
    assert second.retrieval["mrr@10"] == 0.25
    # the cited article is wrong, but the cited quote ("...Brussels.") does not overlap q2's gold either
    assert second.citations_supported == 0
    assert not third.correct and third.f1 == 0.0 and third.retrieval["evidence_recall@10"] == 0.0
    assert fourth.correct and fourth.f1 == 1.0 and fourth.retrieval["hit@10"] is None


def test_summary_has_the_issue_keys_and_hand_checked_values(outcomes: list[Outcome]) -> None:
    summary = summarize(outcomes, [score_outcome(o) for o in outcomes])
    assert summary["n"] == 4
    retrieval = summary["retrieval"]
    assert retrieval["n"] == 3
    assert retrieval["hit@1"] == pytest.approx(1 / 3)
    assert retrieval["hit@4"] == pytest.approx(2 / 3)
    assert retrieval["mrr@10"] == pytest.approx((1 + 0.25 + 0) / 3)
    assert retrieval["evidence_recall@10"] == pytest.approx(2 / 3)
    answers = summary["answers"]
    assert answers["accuracy"] == 0.5  # q1 and the refused unanswerable q4
    # F1: "in brussels" vs "brussels" = 2/3; "italy" vs "italy and belgium" = 2*(1*1/3)/(1+1/3) = 1/2
    no_yes_no = {"yes_no_n": 0, "yes_no_accuracy": None, "always_yes": None, "verdict_coverage": None,
                 "verdict_precision": None}  # fmt: skip
    assert answers["by_category"] == {
        # lenient: "italy" is a word of "Italy and Belgium", so q2 counts there and not in strict accuracy
        "fact": {"n": 2, "accuracy": 0.5, "f1": pytest.approx((2 / 3 + 1 / 2) / 2), "lenient_accuracy": 1.0,
                 **no_yes_no},
        "null": {"n": 1, "accuracy": 1.0, "f1": 1.0, "lenient_accuracy": 1.0, **no_yes_no},
        "yes-no": {"n": 1, "accuracy": 0.0, "f1": 0.0, "lenient_accuracy": 0.0, "yes_no_n": 1,
                   "yes_no_accuracy": 0.0, "always_yes": 1.0, "verdict_coverage": 0.0, "verdict_precision": None},
    }  # fmt: skip
    assert summary["refusals"]["refusal_rate"] == 1.0
    assert summary["refusals"]["false_refusal_rate"] == pytest.approx(1 / 3)
    assert summary["citations"]["precision"] == 0.5
    assert summary["citations"]["cited_share"] == 1.0  # both answers that were not refusals cite
    assert summary["latency_ms"]["p50"] == 25.0
    assert summary["latency_ms"]["stages"]["retrieve"]["p50"] == 12.5
    assert "judge" not in summary


def test_summary_of_nothing_is_none_not_zero() -> None:
    summary = summarize([], [])
    assert summary["n"] == 0
    assert summary["answers"]["accuracy"] is None
    assert summary["retrieval"]["hit@10"] is None
    assert summary["latency_ms"]["p95"] is None


def test_a_verdict_decides_a_yes_no_question_and_is_counted() -> None:
    """The verdict wins over any stance read from the text; coverage and precision are over yes/no questions."""
    gold_no = _query("q1", "cmp", ("no",), "The talks did not end.")
    gold_yes = _query("q2", "cmp", ("Yes",), "The talks ended.")
    gold_yes_again = _query("q3", "cmp", ("yes",), "The talks ended.")
    outcomes = [
        replace(_outcome(gold_no, "Yes, no one said so [1].", False, ["a1"], ["a1"], 1.0), verdict="no"),
        replace(_outcome(gold_yes, "No — “It ended.” [1]", False, ["a1"], ["a1"], 1.0), verdict="no"),
        _outcome(gold_yes_again, "Yes: it ended [1].", False, ["a1"], ["a1"], 1.0),
    ]
    scores = [score_outcome(o) for o in outcomes]
    assert [s.correct for s in scores] == [True, False, True]
    assert [s.verdict_correct for s in scores] == [True, False, None]
    row = summarize(outcomes, scores)["answers"]["by_category"]["cmp"]
    assert row["yes_no_n"] == 3 and row["yes_no_accuracy"] == pytest.approx(2 / 3)
    assert row["always_yes"] == pytest.approx(2 / 3)
    assert row["verdict_coverage"] == pytest.approx(2 / 3) and row["verdict_precision"] == 0.5
