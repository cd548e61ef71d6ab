"""`newsbot bench` on a tiny corpus and a small archive: the figures' presence and sanity, never speed."""

import json
from pathlib import Path

import pytest

from measure.bench import ratios
from measure.bench.chroma_server import chroma_binary, free_port
from measure.bench.cold import BASELINE_REF
from tests.support.cli import run

KEYS = {
    "articles",
    "chunks",
    "ceiling_chunks_per_s",
    "ingest_chunks_per_s",
    "ratio_to_ceiling",
    "baseline_chunks_per_s",
    "ratio_to_baseline",
    "ratios",
    "reingest_ratio",
    "retrieve_ms",
    "answer_ms",
    "cold_ask_s",
    "cold_ask_runs_s",
    "cold_ask",
    "model_answers",
    "peak_rss_mb",
    "disk_bytes_per_1k_chunks",
    "large",
    "duplicates",
}


@pytest.mark.timeout(0)  # a hang guard would be a speed limit here: the run's length is the machine's load
def test_bench_json_has_every_figure(tmp_path: Path) -> None:
    """The JSON's shape on tiny inputs; no wall-clock limit (how long it takes is the machine's load)."""
    result = run(
        "bench", "--json", "--articles", "2", "--rounds", "2", "--scale-chunks", "2000", "--fresh-articles", "3",
        "--wire-stories", "0", "--cold-runs", "2", "--data-dir", str(tmp_path), cwd=tmp_path, timeout=None,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert set(figures) >= KEYS
    assert figures["articles"] == 2 and figures["chunks"] > 2
    for key in ("ceiling_chunks_per_s", "ingest_chunks_per_s", "baseline_chunks_per_s", "cold_ask_s"):
        assert figures[key] > 0, key
    measured = figures["ratios"]
    assert measured["rounds"] == 2
    for key in ("ratio_to_ceiling", "ratio_to_baseline"):
        assert 0 < measured[key]["min"] <= measured[key]["median"] <= measured[key]["max"]
    assert 0 < figures["reingest_ratio"] < 1, "re-ingest of an unchanged corpus embeds nothing"
    for stage in ("retrieve_ms", "answer_ms"):
        assert 0 < figures[stage]["p50"] <= figures[stage]["p95"]

    large = figures["large"]
    assert large["chunks"] >= 2000 and large["build_seconds"] > 0 and not large["build_reused"]
    for stage in ("retrieve_ms", "answer_ms"):
        assert 0 < large[stage]["p50"] <= large[stage]["p95"]
    assert large["cold_start_to_first_answer_s"] > 0 and large["query_worker_peak_rss_mb"] > 50
    assert large["disk_bytes"] > 0
    fresh = large["fresh"]
    assert fresh["articles"] == 3 and fresh["ingest_s"] > 0 and fresh["ingest_into_empty_s"] > 0
    assert fresh["searchable_after_s"] is not None and fresh["searchable_after_s"] > 0
    assert figures["peak_rss_mb"]["ingest"] > 50 and figures["peak_rss_mb"]["query"] > 50
    assert figures["disk_bytes_per_1k_chunks"] > 0
    assert figures["duplicates"] == {}, "the wire phase is skipped (tests/measure/test_bench_duplicates.py runs it)"
    assert len(figures["cold_ask_runs_s"]) == 2 and min(figures["cold_ask_runs_s"]) <= figures["cold_ask_s"]
    cold = figures["cold_ask"]
    assert cold["index"] == "seeds" and cold["baseline_ref"] == BASELINE_REF, cold["baseline_error"]
    assert len(cold["baseline"]["runs_s"]) == 2 and 0 < cold["baseline"]["p50"] <= cold["baseline"]["p95"]
    spread = cold["ratio_per_round"]
    assert cold["ratio_p50"] > 0 and 0 < spread["min"] <= spread["median"] <= spread["max"]
    assert figures["model_answers"] == {}, "no --llm-dataset, no model figures"
    assert list(tmp_path.glob("newsbot-bench-*")) == [], "the work folder is removed"


def _round(ours_s: float, ceiling_s: float, baseline_s: float) -> dict[str, dict[str, float]]:
    return {
        "ours": {"chunks_added": 100, "articles_added": 10, "seconds": ours_s},
        "ceiling": {"chunks": 100, "seconds": ceiling_s},
        "baseline": {"articles": 10, "seconds": baseline_s},
    }


def test_ratios_are_per_round_medians_and_an_impossible_ceiling_ratio_is_flagged() -> None:
    honest = ratios([_round(10, 9, 12), _round(11, 9.5, 12.5), _round(30, 27, 36)])
    assert honest["ratio_to_ceiling"]["median"] == 0.9 and honest["ratio_to_ceiling"]["max"] <= 1.0
    assert honest["ratio_to_baseline"]["min"] == 1.136 and not honest["ratio_to_ceiling_is_measurement_error"]
    impossible = ratios([_round(9, 10, 12), _round(8, 10, 12), _round(9.5, 10, 12)])
    assert impossible["ratio_to_ceiling_is_measurement_error"]


@pytest.mark.timeout(0)
def test_scale_figures_against_a_real_chroma_server(tmp_path: Path) -> None:
    if chroma_binary() is None:
        pytest.skip("the `chroma` binary is not installed in this environment")
    result = run(
        "bench", "--json", "--articles", "2", "--rounds", "1", "--scale-chunks", "2000", "--fresh-articles", "3",
        "--cold-runs", "1", "--chroma-server", "--keep", "--data-dir", str(tmp_path), cwd=tmp_path, timeout=None,
        env={"CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(free_port()), "NEWSBOT_COLLECTION": "yours"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr  # the user's CHROMA_* (nothing listens there) were ignored
    large = json.loads(result.stdout)["large"]
    assert large["chroma"] == "server" and large["chunks"] >= 2000 and not large["build_reused"]
    assert large["chroma_server_peak_rss_mb"] > 50 and large["query_worker_peak_rss_mb"] > 50
    for stage in ("retrieve_ms", "answer_ms"):
        assert 0 < large[stage]["p50"] <= large[stage]["p95"]
    fresh = large["fresh"]
    assert fresh["articles"] == 3 and fresh["searchable_after_s"] is not None
    archive = tmp_path / "newsbot-bench-archive-2000-server"
    assert (archive / "chroma-server").is_dir() and not (archive / "chroma").exists(), "vectors live in the server"
    assert large["disk_bytes"] >= sum(p.stat().st_size for p in (archive / "chroma-server").rglob("*") if p.is_file())


def test_chroma_server_needs_an_archive(tmp_path: Path) -> None:
    result = run("bench", "--chroma-server", "--data-dir", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 2 and "--scale-chunks" in result.stderr
