"""`newsbot eval` end to end on a 3-article dataset, through the CLI as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli.main import main

ARTICLES = [
    {
        "id": "huawei",
        "title": "Huawei opens a cybersecurity centre",
        "date": "2019-03-05",
        "source": "Global Times",
        "url": "https://example.org/huawei",
        "author": "",
        "text": "Huawei opened a new cybersecurity centre in Brussels in March. The centre lets regulators test "
        "its equipment.",
    },
    {
        "id": "zte",
        "title": "ZTE plans more labs",
        "date": "2019-03-27",
        "source": "Global Times",
        "url": "https://example.org/zte",
        "author": "",
        "text": "ZTE is expected to open two more labs in Italy and Belgium. Customers will get access to its source "
        "code.",
    },
    {
        "id": "weather",
        "title": "Spring weather in Beijing",
        "date": "2019-03-20",
        "source": "Daily",
        "url": "https://example.org/weather",
        "author": "",
        "text": "Beijing saw its first warm spring day with temperatures reaching twenty degrees. Parks were full.",
    },
]
QUERIES = [
    {
        "id": "q1",
        "question": "In which city did Huawei open a new cybersecurity centre?",
        "type": "answerable",
        "category": "fact",
        "answers": ["Brussels"],
        "evidence": [
            {"article_id": "huawei", "quote": "Huawei opened a new cybersecurity centre in Brussels in March."}
        ],
    },
    {
        "id": "q2",
        "question": "In which countries will ZTE open two more labs?",
        "type": "answerable",
        "category": "fact",
        "answers": ["Italy and Belgium"],
        "evidence": [{"article_id": "zte", "quote": "ZTE is expected to open two more labs in Italy and Belgium."}],
    },
    {
        "id": "q3",
        "question": "What was Nokia's profit in 2018?",
        "type": "unanswerable",
        "category": "null",
        "answers": [],
        "evidence": [],
    },
]


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    root = tmp_path / "tiny"
    root.mkdir()
    (root / "corpus.jsonl").write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    (root / "queries.jsonl").write_text("".join(json.dumps(q) + "\n" for q in QUERIES), encoding="utf-8")
    return root


def _eval(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["eval", *map(str, args)])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_eval_end_to_end_writes_the_report_and_reuses_the_index(
    dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    data, out = tmp_path / "data", tmp_path / "out"
    code, stdout, _ = _eval(dataset, "--json", "--data-dir", data, "--out", out)
    assert code == 0
    summary = json.loads(stdout)
    assert summary["n"] == 3
    assert set(summary["retrieval"]) >= {"hit@1", "hit@4", "hit@10", "mrr@10", "evidence_recall@10"}
    assert set(summary["answers"]) >= {"accuracy", "f1", "by_category"}
    assert set(summary["refusals"]) >= {"refusal_rate", "false_refusal_rate"}
    assert set(summary["citations"]) >= {"precision", "cited_share"}
    assert set(summary["latency_ms"]) >= {"p50", "p95"}
    # three articles and ten hits: every gold article is retrieved, and so is every gold quote
    assert summary["retrieval"]["hit@10"] == 1.0 and summary["retrieval"]["evidence_recall@10"] == 1.0
    assert summary["answers"]["by_category"]["fact"]["n"] == 2

    results = json.loads((out / "results.json").read_text())
    by_id = {q["id"]: q for q in results["queries"]}
    assert by_id["q1"]["scores"]["correct"] is True and "Brussels" in by_id["q1"]["answer"]
    assert all(c["dataset_article_id"] == "huawei" for c in by_id["q1"]["citations"])
    assert all("verdict" in q and "understood" in q for q in results["queries"])
    assert by_id["q1"]["verdict"] is None and by_id["q1"]["understood"]["answer_type"] == "place"
    assert {"lenient_accuracy", "yes_no"} <= set(summary["answers"])
    refused = [q["refused"] for q in results["queries"] if q["type"] == "unanswerable"]
    assert summary["refusals"]["refusal_rate"] == sum(refused) / len(refused)
    assert results["meta"]["index_reused"] is False
    assert "| fact | 2 |" in (out / "report.md").read_text()
    assert (out / "chart.png").read_bytes().startswith(b"\x89PNG")
    assert len(list((data / "eval").iterdir())) == 1

    code, stdout, _ = _eval(dataset, "--data-dir", data, "--out", tmp_path / "again", "--compare", out / "results.json")
    assert code == 0
    assert "retrieval.hit@10" in stdout and "Changes against" in stdout
    assert json.loads((tmp_path / "again" / "results.json").read_text())["meta"]["index_reused"] is True

    (dataset / "corpus.jsonl").write_text(json.dumps(ARTICLES[0]) + "\n", encoding="utf-8")
    code, stdout, _ = _eval(dataset, "--json", "--limit", "1", "--data-dir", data, "--out", tmp_path / "changed")
    assert code == 0 and json.loads(stdout)["n"] == 1
    assert len(list((data / "eval").iterdir())) == 2  # a changed corpus gets a fresh index


def test_judge_without_an_llm_backend_says_so_and_still_scores(
    dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, stdout, stderr = _eval(
        dataset, "--json", "--judge", "--limit", "1", "--data-dir", tmp_path / "d", "--out", tmp_path / "o"
    )
    assert code == 0
    assert "--judge needs an LLM backend" in stderr
    summary = json.loads(stdout)
    assert summary["n"] == 1 and "judge" not in summary


def test_not_a_dataset_is_a_usage_error(tmp_path: Path) -> None:
    code, _, stderr = _eval(tmp_path, "--data-dir", tmp_path / "d")
    assert code == 2 and "queries.jsonl" in stderr


def test_a_sweep_runs_once_per_value_and_tables_quality_beside_latency(
    dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    code, stdout, _ = _eval(
        dataset, "--json", "--data-dir", tmp_path / "data", "--out", out, "--sweep", "answerable_min=0,1"
    )
    assert code == 0
    rows = json.loads(stdout)["sweep"]
    assert [r["answerable_min"] for r in rows] == [0, 1]
    assert rows[0]["false_refusal_rate"] < rows[1]["false_refusal_rate"] == 1.0, "below P = 1 everything is refused"
    assert all(r["latency_p50_ms"] > 0 and r["latency_p95_ms"] >= r["latency_p50_ms"] for r in rows)
    assert json.loads((out / "sweep.json").read_text()) == rows
    code, _, stderr = _eval(dataset, "--data-dir", tmp_path / "data", "--sweep", "not_a_setting=1")
    assert code == 2 and "is not an answer setting" in stderr
