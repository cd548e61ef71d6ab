"""`newsbot eval` on the sets scored as a whole: a reprint set (grouping of wire copies) and an overview set
(fact recall, citation precision), through the CLI as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli.main import main
from measure.eval.stories import family, load
from tests.conftest import REPO


def _eval(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["eval", *map(str, args)])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def _reprints(folder: Path, items: list[dict[str, object]]) -> Path:
    folder.mkdir(parents=True)
    (folder / "reprints.jsonl").write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")
    return folder


def test_a_reprint_set_reports_grouping_on_the_held_out_half(tmp_path: Path) -> None:
    families = sorted({family(i) for i in load()})[:12]
    items = [i for i in load() if family(i) in families]
    code, stdout, _ = _eval(_reprints(tmp_path / "small", items), "--json", "--out", tmp_path / "out")
    assert code == 0
    result = json.loads(stdout)
    held_out = result["reported_on"]
    assert result["kind"] == "reprints" and result["chosen_on"]["items"] + held_out["items"] == len(items)
    assert held_out["precision"] >= 0.95 and held_out["recall"] >= 0.9
    assert json.loads((tmp_path / "out" / "results.json").read_text()) == result

    groups = sorted({str(i["group"]) for i in items})
    merged = [{**i, "group": groups[0] if i["group"] in groups[:6] else i["group"]} for i in items]
    _, stdout, _ = _eval(_reprints(tmp_path / "merged", merged), "--json", "--out", tmp_path / "out2")
    assert json.loads(stdout)["reported_on"]["recall"] < 0.9, "the truth comes from the file: six stories as one"


def test_an_overview_set_reports_fact_recall_and_citation_precision(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, stdout, _ = _eval(REPO / "measure" / "gold" / "overview" / "seeds", "--data-dir", tmp_path / "data")
    assert code == 0
    head, *rows = stdout.splitlines()
    assert head.startswith("overview-seeds (extractive): 3 questions, fact recall")
    assert [r.split()[0] for r in rows[:3]] == ["ovs-01", "ovs-02", "ovs-03"]
    result = json.loads((tmp_path / "eval-out" / "overview-seeds" / "results.json").read_text())
    assert result["kind"] == "overview" and result["summary"]["questions"] == 3
    assert result["summary"]["fact_recall"] >= 0.7 and result["summary"]["citation_precision"] >= 0.9
    summarize = next(q for q in result["queries"] if q["id"] == "ovs-01")
    assert summarize["citations"] >= 3 and not summarize["refused"], "the EU 5G story with three cited sentences"


def test_question_set_options_are_refused_for_a_whole_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, stderr = _eval(REPO / "measure" / "gold" / "reprints", "--sweep", "verdict_min=0.5,0.6")
    assert code == 2 and "are for question sets, not a reprints set" in stderr
    assert not (tmp_path / "eval-out").exists()


def test_an_overview_set_sweeps_an_answer_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    folder = REPO / "measure" / "gold" / "overview" / "seeds"
    code, stdout, _ = _eval(folder, "--data-dir", tmp_path / "data", "--sweep", "NEWSBOT_OVERVIEW_FACTS=1,5", "--json")
    assert code == 0
    rows = json.loads(stdout)["sweep"]
    assert [r["overview_facts"] for r in rows] == [1, 5]
    assert rows[0]["fact_recall"] < rows[1]["fact_recall"], "one cited sentence cannot cover a story's facts"
    assert json.loads((tmp_path / "eval-out" / "overview-seeds" / "sweep.json").read_text()) == rows
    code, _, stderr = _eval(folder, "--data-dir", tmp_path / "data", "--sweep", "NEWSBOT_OVERVIEW_FACTS=")
    assert code == 2 and "no values" in stderr


def _asks(folder: Path, asks: list[tuple[str, str]]) -> Path:
    folder.mkdir(parents=True)
    lines = [json.dumps({"id": f"a-{n}", "question": q, "kind": k}) for n, (q, k) in enumerate(asks, start=1)]
    (folder / "asks.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_an_asks_set_scores_reading_overviews_per_half_and_lists_only_the_odd_misses(tmp_path: Path) -> None:
    asks = [
        ("Summarize the EU 5G story.", "overview"),  # a-1: read as an overview
        ("When did the talks end?", "fact"),  # a-2
        ("When did the talks end?", "overview"),  # a-3: a miss on the odd half (a wrong label, on purpose)
        ("Catch me up on the dock strike.", "fact"),  # a-4: a miss on the even half
    ]
    code, stdout, _ = _eval(_asks(tmp_path / "asks", asks), "--json", "--out", tmp_path / "out")
    assert code == 0
    result = json.loads(stdout)
    assert result["kind"] == "asks"
    assert result["odd"] == {"asks": 2, "overview": 2, "precision": 1.0, "recall": 0.5, "accuracy": 0.5}
    assert result["even"] == {"asks": 2, "overview": 0, "precision": 0.0, "recall": None, "accuracy": 0.5}
    assert [m["id"] for m in result["odd_misses"]] == ["a-3"], "the even half is scored, never listed"
    assert json.loads((tmp_path / "out" / "results.json").read_text()) == result

    code, stdout, _ = _eval(tmp_path / "asks", "--out", tmp_path / "out")
    assert code == 0 and "a-3 [overview] When did the talks end?" in stdout and "a-4" not in stdout


def test_an_asks_set_sweeps_the_intent_threshold(tmp_path: Path) -> None:
    asks = [("Walk me through the dock strike.", "overview"), ("When did the talks end?", "fact")]
    folder = _asks(tmp_path / "asks", asks)
    code, stdout, _ = _eval(folder, "--sweep", "NEWSBOT_OVERVIEW_INTENT_MIN=0,1", "--json", "--out", tmp_path / "o")
    assert code == 0
    rows = json.loads(stdout)["sweep"]
    read = [(r["overview_intent_min"], r["recall"], r["precision"]) for r in rows]
    assert read == [(0.0, 1.0, 0.5), (1.0, 0.0, None)], "at 0 every ask is an overview, at 1 none is"


def test_an_asks_line_without_a_label_is_a_clear_error(tmp_path: Path) -> None:
    folder = _asks(tmp_path / "asks", [("Summarize the EU 5G story.", "summary")])
    code, _, stderr = _eval(folder, "--out", tmp_path / "out")
    assert code != 0 and "asks.jsonl:1" in stderr and "overview, fact" in stderr
