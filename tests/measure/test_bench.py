"""`newsbot bench` on a tiny corpus: a smoke test of the figures' presence and sanity, never of speed."""

import json
from pathlib import Path

from tests.support.cli import run

KEYS = {
    "articles",
    "chunks",
    "ceiling_chunks_per_s",
    "ingest_chunks_per_s",
    "ratio_to_ceiling",
    "baseline_chunks_per_s",
    "ratio_to_baseline",
    "reingest_ratio",
    "retrieve_ms",
    "answer_ms",
    "cold_ask_s",
    "peak_rss_mb",
    "disk_bytes_per_1k_chunks",
    "large",
}


def test_bench_json_has_every_figure(tmp_path: Path) -> None:
    result = run(
        "bench", "--json", "--articles", "2", "--scale-chunks", "120", "--data-dir", str(tmp_path), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert set(figures) >= KEYS
    assert figures["articles"] == 2 and figures["chunks"] > 2
    for key in ("ceiling_chunks_per_s", "ingest_chunks_per_s", "baseline_chunks_per_s", "cold_ask_s"):
        assert figures[key] > 0, key
    assert figures["ratio_to_ceiling"] > 0 and figures["ratio_to_baseline"] > 0
    assert 0 < figures["reingest_ratio"] < 1, "re-ingest of an unchanged corpus embeds nothing"
    for stage in ("retrieve_ms", "answer_ms"):
        assert 0 < figures[stage]["p50"] <= figures[stage]["p95"]
        assert figures["large"][stage]["p50"] > 0
    assert figures["large"]["chunks"] >= 120
    assert figures["peak_rss_mb"]["ingest"] > 50 and figures["peak_rss_mb"]["query"] > 50
    assert figures["disk_bytes_per_1k_chunks"] > 0
    assert list(tmp_path.glob("newsbot-bench-*")) == [], "the work folder is removed"
