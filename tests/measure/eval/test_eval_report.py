"""Report writing (files, tables, a real PNG) and run-to-run comparison."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.core.models import Answer, Citation, Hit
from index.models import Chunk
from measure.eval.compare import compare, flatten, format_deltas, load_summary
from measure.eval.dataset import Evidence, Query
from measure.eval.metrics import RetrievedSpan
from measure.eval.report import write_report
from measure.eval.run import QueryRun
from measure.eval.summary import CitedQuote, Outcome, score_outcome, summarize

TEXT = "Huawei opened a cybersecurity centre in Brussels."


def _run(query: Query, answer_text: str, refused: bool) -> QueryRun:
    chunk = Chunk("idx-a1", 0, TEXT, 0, len(TEXT), title="Huawei in Brussels", source="Global Times")
    citations = [] if refused else [Citation(1, "idx-a1", chunk.title, None, chunk.source, "", TEXT, chunk.id, 0.9)]
    answer = Answer(query.question, answer_text, refused, citations, "extractive", {"total": 5.0})
    outcome = Outcome(
        query,
        answer_text,
        refused,
        [RetrievedSpan("a1", 0, len(TEXT), TEXT)],
        [CitedQuote("a1", c.quote) for c in citations],
        {"retrieve": 2.0, "generate": 3.0, "total": 5.0},
    )
    return QueryRun(outcome, answer, [Hit(chunk, 0.9)])


@pytest.fixture
def runs() -> list[QueryRun]:
    where = Query("q1", "Where?", "answerable", "fact", ("Brussels",), (Evidence("a1", TEXT),))
    unknown = Query("q2", "Revenue?", "unanswerable", "null", (), ())
    return [_run(where, "In Brussels [1].", False), _run(unknown, "The articles do not say.", True)]


def test_write_report_writes_markdown_tables_results_and_a_png(tmp_path: Path, runs: list[QueryRun]) -> None:
    scores = [score_outcome(r.outcome) for r in runs]
    summary = summarize([r.outcome for r in runs], scores)
    paths = write_report(tmp_path / "out", summary, runs, scores, {"dataset": "tiny", "backend": "extractive"})

    report = paths["report"].read_text()
    assert "# Evaluation: tiny" in report
    assert "| hit@1 | hit@4 | hit@10 | mrr@10 | evidence_recall@10 |" in report
    assert "| 1.000 | 1.000 | 1.000 | 1.000 | 1.000 |" in report
    assert "| fact | 1 | 1.000 |" in report and "| null | 1 | 1.000 | 1.000 |" in report
    assert "| total | 5.0 | 5.0 |" in report

    results = json.loads(paths["results"].read_text())
    assert results["summary"]["answers"]["accuracy"] == 1.0 and results["meta"]["dataset"] == "tiny"
    first, second = results["queries"]
    assert first["answer"] == "In Brussels [1]." and first["scores"]["correct"] is True
    assert first["citations"][0]["quote"] == TEXT and first["citations"][0]["dataset_article_id"] == "a1"
    assert first["retrieved"] == [{"chunk_id": "idx-a1:0", "dataset_article_id": "a1", "score": 0.9}]
    assert second["refused"] is True and second["scores"]["hit@10"] is None

    png = paths["chart"].read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 1000


def test_flatten_keeps_numbers_and_none_by_dotted_path() -> None:
    summary = {"n": 2, "answers": {"accuracy": 0.5, "by_category": {"fact": {"n": 1, "accuracy": None}}}, "x": "s"}
    assert flatten(summary) == {
        "n": 2.0,
        "answers.accuracy": 0.5,
        "answers.by_category.fact.n": 1.0,
        "answers.by_category.fact.accuracy": None,
    }


def test_compare_reports_changes_including_metrics_only_one_run_has() -> None:
    before = {"n": 10, "retrieval": {"hit@10": 0.5, "mrr@10": 0.25}, "old": {"metric": 1.0}}
    after = {"n": 10, "retrieval": {"hit@10": 0.75, "mrr@10": 0.25}, "new": {"metric": 0.5}}
    deltas = {d.key: d for d in compare(before, after)}
    assert deltas["retrieval.hit@10"].change == 0.25
    assert deltas["retrieval.mrr@10"].change == 0.0
    assert deltas["new.metric"].before is None and deltas["new.metric"].change is None
    assert deltas["old.metric"].after is None
    text = format_deltas(list(deltas.values()))
    assert "retrieval.hit@10" in text and "+0.250" in text and "n/a" in text
    assert "       10 ->        10  =" in text  # counts print as integers


def test_load_summary_reads_results_json_or_a_bare_summary(tmp_path: Path) -> None:
    summary = {"n": 3, "retrieval": {"hit@10": 1.0}}
    (tmp_path / "results.json").write_text(json.dumps({"meta": {}, "summary": summary, "queries": []}))
    (tmp_path / "summary.json").write_text(json.dumps(summary))
    (tmp_path / "other.json").write_text(json.dumps({"something": "else"}))
    assert load_summary(tmp_path / "results.json") == summary
    assert load_summary(tmp_path / "summary.json") == summary
    with pytest.raises(ValueError, match="eval summary"):
        load_summary(tmp_path / "other.json")


def test_a_set_of_unanswerable_questions_only_gets_its_report_and_an_empty_curve(tmp_path: Path) -> None:
    """No answerable question: the answerability curve has precision at each threshold and no recall."""
    unknown = [Query(f"q{i}", "Who took my charger?", "unanswerable", "off-topic", (), ()) for i in (1, 2)]
    runs = [_run(unknown[0], "The articles do not say.", True), _run(unknown[1], "Somebody [1].", False)]
    for run, estimate in zip(runs, (0.2, 0.7), strict=True):
        run.outcome.answerable = estimate
    scores = [score_outcome(r.outcome) for r in runs]
    summary = summarize([r.outcome for r in runs], scores)
    assert summary["answerability"]["n"] == 2 and summary["answerability"]["n_answerable"] == 0
    paths = write_report(tmp_path / "out", summary, runs, scores, {"dataset": "off", "backend": "extractive"})
    assert paths["answerability"].read_bytes().startswith(b"\x89PNG")
    assert "| off-topic | 2 | 0.500 |" in paths["report"].read_text()
