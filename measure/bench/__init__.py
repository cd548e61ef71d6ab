"""`newsbot bench`: ingest and query speed and memory, each figure next to a baseline from the same run.

Every phase runs in its own fresh process (spawned), so peak RSS is that phase's own, and no phase
profits from another's warm caches. Figures are absolute numbers plus ratios: these machines are noisy,
and a ratio measured in one run is what can be compared between runs.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import click

from bot.cli.options import data_dir_option
from measure.bench.phases import (
    QUESTIONS,
    cold_ask,
    disk_bytes,
    in_fresh_process,
    phase_baseline,
    phase_ceiling,
    phase_ingest,
    phase_queries,
    phase_scale,
)


def run_bench(articles: int, dataset: Path | None, scale_chunks: int, workdir: Path, log: Any) -> dict[str, Any]:
    from measure.bench.corpus import questions, write_corpus

    corpus = dataset if dataset else write_corpus(workdir / "corpus.jsonl", articles)
    asked = questions(QUESTIONS)
    log(f"corpus: {corpus}")
    log("1/7 embedder ceiling ...")
    ceiling = in_fresh_process(phase_ceiling, corpus)
    log("2/7 newsbot ingest ...")
    ours = in_fresh_process(phase_ingest, corpus, workdir / "newsbot")
    log("3/7 plain LlamaIndex pipeline ...")
    baseline = in_fresh_process(phase_baseline, corpus, workdir / "baseline")
    log("4/7 re-ingest of the unchanged corpus ...")
    again = in_fresh_process(phase_ingest, corpus, workdir / "newsbot")
    log("5/7 queries ...")
    queries = in_fresh_process(phase_queries, workdir / "newsbot", asked)
    disk = disk_bytes(workdir / "newsbot" / "chroma")
    large: dict[str, Any] = {}
    if scale_chunks > queries["chunks"]:
        log(f"6/7 queries at {scale_chunks} chunks ...")
        grown = in_fresh_process(phase_scale, workdir / "newsbot", workdir / "large", scale_chunks)
        large = {**in_fresh_process(phase_queries, workdir / "large", asked), "build_seconds": grown["seconds"]}
    log("7/7 cold start ...")
    cold = cold_ask(workdir / "newsbot", asked[0])

    n_articles = ours["articles_added"]
    chunks = ours["chunks_added"]
    ingest_cps = chunks / ours["seconds"]
    ceiling_cps = ceiling["chunks"] / ceiling["seconds"]
    baseline_aps = baseline["articles"] / baseline["seconds"]
    ours_aps = n_articles / ours["seconds"]
    return {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0], "platform": sys.platform},
        "articles": n_articles,
        "chunks": chunks,
        "tokens": ceiling["tokens"],
        "ceiling_chunks_per_s": round(ceiling_cps, 2),
        "ceiling_tokens_per_s": round(ceiling["tokens"] / ceiling["seconds"], 1),
        "ceiling_batch_size": ceiling["batch_size"],
        "ceiling_batch_trials": ceiling["batch_trials_chunks_per_s"],
        "ingest_seconds": round(ours["seconds"], 2),
        "ingest_articles_per_s": round(ours_aps, 2),
        "ingest_chunks_per_s": round(ingest_cps, 2),
        "ratio_to_ceiling": round(ingest_cps / ceiling_cps, 3),
        "baseline_seconds": round(baseline["seconds"], 2),
        "baseline_chunks": baseline["chunks"],
        "baseline_articles_per_s": round(baseline_aps, 2),
        "baseline_chunks_per_s": round(baseline["chunks"] / baseline["seconds"], 2),
        "ratio_to_baseline": round(ours_aps / baseline_aps, 3),
        "reingest_seconds": round(again["seconds"], 3),
        "reingest_ratio": round(again["seconds"] / ours["seconds"], 4),
        "retrieve_ms": queries["retrieve_ms"],
        "answer_ms": queries["answer_ms"],
        "large": {
            "chunks": large.get("chunks", 0),
            "retrieve_ms": large.get("retrieve_ms", {}),
            "answer_ms": large.get("answer_ms", {}),
        },
        "cold_ask_s": round(cold, 3),
        "peak_rss_mb": {
            "ingest": round(ours["peak_rss_mb"], 1),
            "query": round(max(queries["peak_rss_mb"], large.get("peak_rss_mb", 0.0)), 1),
            "baseline_ingest": round(baseline["peak_rss_mb"], 1),
        },
        "disk_bytes_per_1k_chunks": round(disk / max(chunks, 1) * 1000),
    }


def _table(result: dict[str, Any]) -> str:
    rows = [
        ("articles / chunks", f"{result['articles']} / {result['chunks']}"),
        (
            "embedder ceiling",
            f"{result['ceiling_chunks_per_s']} chunks/s ({result['ceiling_tokens_per_s']} tokens/s, "
            f"batch {result['ceiling_batch_size']})",
        ),
        ("newsbot ingest", f"{result['ingest_chunks_per_s']} chunks/s, {result['ingest_articles_per_s']} articles/s"),
        ("  ratio to ceiling", str(result["ratio_to_ceiling"])),
        ("plain LlamaIndex", f"{result['baseline_articles_per_s']} articles/s ({result['baseline_chunks']} chunks)"),
        ("  newsbot / LlamaIndex", str(result["ratio_to_baseline"])),
        ("re-ingest unchanged", f"{result['reingest_seconds']} s ({result['reingest_ratio']} of first ingest)"),
        ("retrieve p50 / p95", f"{result['retrieve_ms']['p50']} / {result['retrieve_ms']['p95']} ms"),
        ("answer p50 / p95", f"{result['answer_ms']['p50']} / {result['answer_ms']['p95']} ms"),
    ]
    if result["large"]["chunks"]:
        large = result["large"]
        rows += [
            (
                f"retrieve at {large['chunks']} chunks",
                f"{large['retrieve_ms']['p50']} / {large['retrieve_ms']['p95']} ms",
            ),
            (f"answer at {large['chunks']} chunks", f"{large['answer_ms']['p50']} / {large['answer_ms']['p95']} ms"),
        ]
    rows += [
        ("cold `newsbot ask`", f"{result['cold_ask_s']} s"),
        ("peak RSS ingest / query", f"{result['peak_rss_mb']['ingest']} / {result['peak_rss_mb']['query']} MB"),
        ("disk per 1,000 chunks", f"{result['disk_bytes_per_1k_chunks'] / 1e6:.2f} MB"),
    ]
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)


@click.command("bench")
@click.option("--json", "as_json", is_flag=True, help="Print every figure as JSON.")
@click.option(
    "--articles",
    type=click.IntRange(1),
    default=1000,
    show_default=True,
    help="Synthetic articles to generate (300–1,500 words each, seeded).",
)
@click.option(
    "--dataset",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="Use this corpus (file or folder) instead of the synthetic one.",
)
@click.option(
    "--scale-chunks",
    type=click.IntRange(0),
    default=50_000,
    show_default=True,
    help="Also time queries on an index grown to this many chunks (0: skip).",
)
@click.option("--keep", is_flag=True, help="Keep the work folder (its path is printed).")
@data_dir_option
def bench_command(
    as_json: bool, articles: int, dataset: Path | None, scale_chunks: int, keep: bool, data_dir: Path | None
) -> None:
    """Measure ingest and query speed and memory against the embedder's own ceiling and plain LlamaIndex.

    Works in a temporary folder (or under --data-dir); never touches your index.
    """
    workdir = Path(tempfile.mkdtemp(prefix="newsbot-bench-", dir=data_dir))
    try:
        result = run_bench(articles, dataset, scale_chunks, workdir, lambda m: click.echo(m, err=True))
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            click.echo(f"kept {workdir}", err=True)
    click.echo(json.dumps(result, indent=2) if as_json else _table(result))
