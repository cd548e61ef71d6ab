"""`newsbot bench`: ingest and query speed and memory, each figure next to a baseline from the same run.

Every phase runs in its own fresh process (spawned), so peak RSS is that phase's own, and no phase
profits from another's warm caches. Figures are absolute numbers plus ratios: these machines are noisy,
and a ratio measured in one run is what can be compared between runs.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

import click

from bot.cli.options import data_dir_option
from measure.bench.cold import BASELINE_REF, SEEDS, SEEDS_QUESTION, baseline_tree, cold_ask, remove_tree
from measure.bench.duplicates import phase_duplicates
from measure.bench.phases import (
    QUESTIONS,
    disk_bytes,
    in_fresh_process,
    isolated,
    phase_baseline,
    phase_ceiling,
    phase_ingest,
    phase_queries,
)
from measure.bench.scale import run_scale


def _spread(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 3), "min": round(min(values), 3), "max": round(max(values), 3)}


def _rounds(corpus: Path, workdir: Path, rounds: int, log: Any) -> list[dict[str, Any]]:
    """Ceiling, newsbot ingest and plain LlamaIndex, interleaved round by round, each in a fresh process.

    Interleaving puts the three under the same background load in each round, so their ratios are
    comparable; a ratio is taken within a round, never across rounds.
    """
    results = []
    for n in range(1, rounds + 1):
        log(f"round {n}/{rounds}: embedder ceiling, newsbot ingest, plain LlamaIndex ...")
        ceiling = in_fresh_process(phase_ceiling, corpus)
        ours = in_fresh_process(phase_ingest, corpus, workdir / f"newsbot-{n}")
        baseline = in_fresh_process(phase_baseline, corpus, workdir / f"baseline-{n}")
        results.append({"ceiling": ceiling, "ours": ours, "baseline": baseline})
        if n < rounds:
            shutil.rmtree(workdir / f"newsbot-{n}", ignore_errors=True)
        shutil.rmtree(workdir / f"baseline-{n}", ignore_errors=True)
    return results


def ratios(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Per-round ratios as median and spread; a ratio to the ceiling above 1 beyond its spread is an error."""
    to_ceiling = [
        (r["ours"]["chunks_added"] / r["ours"]["seconds"]) / (r["ceiling"]["chunks"] / r["ceiling"]["seconds"])
        for r in results
    ]
    to_baseline = [
        (r["ours"]["articles_added"] / r["ours"]["seconds"]) / (r["baseline"]["articles"] / r["baseline"]["seconds"])
        for r in results
    ]
    spread = _spread(to_ceiling)
    return {
        "rounds": len(results),
        "ratio_to_ceiling": spread,
        "ratio_to_baseline": _spread(to_baseline),
        "ratio_to_ceiling_is_measurement_error": spread["min"] > 1.0,
    }


def run_bench(
    articles: int,
    dataset: Path | None,
    scale_chunks: int,
    workdir: Path,
    log: Any,
    *,
    rounds: int = 3,
    archive: Path | None = None,
    fresh_articles: int = 100,
    chroma_server: bool = False,
    wire_stories: int = 30,
    cold_runs: int = 10,
    cold_baseline: str = BASELINE_REF,
    llm_dataset: Path | None = None,
    llm_model: Path | None = None,
    llm_rounds: int = 2,
) -> dict[str, Any]:
    from measure.bench.corpus import questions, write_corpus

    corpus = dataset if dataset else write_corpus(workdir / "corpus.jsonl", articles)
    asked = questions(QUESTIONS)
    log(f"corpus: {corpus}")
    results = _rounds(corpus, workdir, rounds, log)
    newsbot = workdir / f"newsbot-{rounds}"
    log("re-ingest of the unchanged corpus ...")
    again = in_fresh_process(phase_ingest, corpus, newsbot)
    log("queries ...")
    queries = in_fresh_process(phase_queries, newsbot, asked)
    disk = disk_bytes(newsbot)
    large: dict[str, Any] = {}
    if scale_chunks:
        where = archive or workdir / f"archive-{scale_chunks}"
        large = run_scale(where, workdir, scale_chunks, asked, log, fresh_articles, server=chroma_server)
    cold = _cold(workdir, newsbot, asked[0], cold_runs, cold_baseline, log)
    model = _model_answers(llm_dataset, workdir, llm_model, llm_rounds, log) if llm_dataset else {}
    duplicates: dict[str, Any] = {}
    if wire_stories:
        log("wire copies: ingest with and without stories ...")
        duplicates = in_fresh_process(phase_duplicates, workdir / "wire", wire_stories)

    def median(phase: str, key: str) -> float:
        return statistics.median(float(r[phase][key]) for r in results)

    ours_s, ceiling_s = median("ours", "seconds"), median("ceiling", "seconds")
    baseline_s = median("baseline", "seconds")
    first = results[-1]
    n_articles, chunks = first["ours"]["articles_added"], first["ours"]["chunks_added"]
    ceiling = first["ceiling"]
    measured = ratios(results)
    return {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0], "platform": sys.platform},
        "articles": n_articles,
        "chunks": chunks,
        "tokens": ceiling["tokens"],
        "rounds": rounds,
        "ceiling_chunks_per_s": round(ceiling["chunks"] / ceiling_s, 2),
        "ceiling_tokens_per_s": round(ceiling["tokens"] / ceiling_s, 1),
        "ceiling_batch_size": ceiling["batch_size"],
        "ceiling_batch_trials": ceiling["batch_trials_chunks_per_s"],
        "ingest_seconds": round(ours_s, 2),
        "ingest_articles_per_s": round(n_articles / ours_s, 2),
        "ingest_chunks_per_s": round(chunks / ours_s, 2),
        "ratio_to_ceiling": measured["ratio_to_ceiling"]["median"],
        "baseline_seconds": round(baseline_s, 2),
        "baseline_chunks": first["baseline"]["chunks"],
        "baseline_articles_per_s": round(first["baseline"]["articles"] / baseline_s, 2),
        "baseline_chunks_per_s": round(first["baseline"]["chunks"] / baseline_s, 2),
        "ratio_to_baseline": measured["ratio_to_baseline"]["median"],
        "ratios": measured,
        "reingest_seconds": round(again["seconds"], 3),
        "reingest_ratio": round(again["seconds"] / first["ours"]["seconds"], 4),
        "retrieve_ms": queries["retrieve_ms"],
        "answer_ms": queries["answer_ms"],
        "large": large,
        "cold_ask_s": cold["new"]["p50"],
        "cold_ask_runs_s": cold["new"]["runs_s"],
        "cold_ask": cold,
        "model_answers": model,
        "peak_rss_mb": {
            "ingest": round(max(r["ours"]["peak_rss_mb"] for r in results), 1),
            "query": round(queries["peak_rss_mb"], 1),
            "baseline_ingest": round(max(r["baseline"]["peak_rss_mb"] for r in results), 1),
        },
        "disk_bytes_per_1k_chunks": round(disk / max(chunks, 1) * 1000),
        "duplicates": duplicates,
    }


def _cold(workdir: Path, index: Path, question: str, runs: int, baseline_ref: str, log: Any) -> dict[str, Any]:
    """Cold `newsbot ask` over an index of seeds/ (the bench's own when seeds/ is not there), new against
    `baseline_ref` ("none": no baseline) in interleaved rounds."""
    where = "bench"
    if SEEDS.is_dir():
        index, question, where = workdir / "cold-seeds", SEEDS_QUESTION, "seeds"
        in_fresh_process(phase_ingest, SEEDS, index)
    tree, error = (None, "no baseline asked for") if baseline_ref == "none" else baseline_tree(workdir, baseline_ref)
    log(f"cold start: {runs} rounds of `newsbot ask`" + (f", each also at {baseline_ref}" if tree else f" ({error})"))
    try:
        figures = cold_ask(index, question, runs, tree)
    finally:
        if tree is not None and tree.is_relative_to(workdir):
            remove_tree(tree)
    return {"index": where, "baseline_ref": None if tree is None else baseline_ref, "baseline_error": error, **figures}


def _model_answers(dataset_dir: Path, workdir: Path, model: Path | None, rounds: int, log: Any) -> dict[str, Any]:
    """The dataset's corpus indexed as `newsbot eval` indexes it, then the local model's figures on its questions."""
    from bot.settings import Settings
    from measure.bench.llm import BASELINE, baseline_prompts, run_model_bench, tuned_settings
    from measure.eval.dataset import load_dataset
    from measure.eval.run import prepare_index

    dataset = load_dataset(dataset_dir)
    log(f"model answers: indexing {dataset.name} ...")
    index = prepare_index(dataset, Settings.from_env(None, data_dir=workdir / "llm"))
    questions = [q.question for q in dataset.queries]
    settings = index.settings.index
    prompts, why = baseline_prompts(workdir, BASELINE_REF)
    if why:
        log(f"model answers: {why}")
    baseline = {**BASELINE, "prompts_dir": prompts}
    tuned = tuned_settings()
    result = run_model_bench(settings.data_dir, settings.collection, questions, rounds, model, tuned, log, baseline)
    return {**result, "baseline_prompts": {"ref": BASELINE_REF, "error": why}}


def _ratio(ratios: dict[str, Any], key: str) -> str:
    figure = ratios[key]
    text = f"{figure['median']} (median of {ratios['rounds']} rounds, {figure['min']}–{figure['max']})"
    if key == "ratio_to_ceiling" and ratios["ratio_to_ceiling_is_measurement_error"]:
        text += " — above 1.0 in every round: a measurement error, not a result"
    return text


def _model_rows(model: dict[str, Any]) -> list[tuple[str, str]]:
    rows = []
    for name in ("tuned", "baseline"):
        figures = model[name]
        rows += [
            (
                f"model answers, {name} p50 / p95",
                f"{figures['answer_ms']['p50']} / {figures['answer_ms']['p95']} ms ({figures['questions']} answers, "
                f"{model['rounds']} rounds)",
            ),
            (
                "  prompt / generated tokens p50",
                f"{figures['prompt_tokens']['p50']} ({figures['cached_prompt_tokens']['p50']} cached) / "
                f"{figures['generated_tokens']['p50']}",
            ),
            (
                "  prompt-eval / generation ms p50",
                f"{figures['prompt_eval_ms']['p50']} / {figures['generation_ms']['p50']}",
            ),
        ]
    rows.append(
        (
            "  baseline / tuned (same rounds)",
            f"p50 {model['speedup_p50']}x, p95 {model['speedup_p95']}x; same answers {model['same_answers']}",
        )
    )
    return rows


def _cold_rows(cold: dict[str, Any]) -> list[tuple[str, str]]:
    new = cold["new"]
    rows = [("cold `newsbot ask` p50 / p95", f"{new['p50']} / {new['p95']} s ({cold['rounds']} fresh processes)")]
    if cold.get("baseline"):
        base, spread = cold["baseline"], cold["ratio_per_round"]
        rows += [
            (f"  baseline {cold['baseline_ref']} p50 / p95", f"{base['p50']} / {base['p95']} s (same rounds)"),
            (
                "  new / baseline",
                f"{spread['median']} (median of per-round ratios, {spread['min']}–{spread['max']}); "
                f"of p50s {cold['ratio_p50']}; load {cold['load_avg_1min']['before']}–{cold['load_avg_1min']['after']}",
            ),
        ]
    return rows


def _table(result: dict[str, Any]) -> str:
    rows = [
        ("articles / chunks", f"{result['articles']} / {result['chunks']}"),
        (
            "embedder ceiling",
            f"{result['ceiling_chunks_per_s']} chunks/s ({result['ceiling_tokens_per_s']} tokens/s, "
            f"batch {result['ceiling_batch_size']})",
        ),
        ("newsbot ingest", f"{result['ingest_chunks_per_s']} chunks/s, {result['ingest_articles_per_s']} articles/s"),
        ("  ratio to ceiling", _ratio(result["ratios"], "ratio_to_ceiling")),
        ("plain LlamaIndex", f"{result['baseline_articles_per_s']} articles/s ({result['baseline_chunks']} chunks)"),
        ("  newsbot / LlamaIndex", _ratio(result["ratios"], "ratio_to_baseline")),
        ("re-ingest unchanged", f"{result['reingest_seconds']} s ({result['reingest_ratio']} of first ingest)"),
        ("retrieve p50 / p95", f"{result['retrieve_ms']['p50']} / {result['retrieve_ms']['p95']} ms"),
        ("answer p50 / p95", f"{result['answer_ms']['p50']} / {result['answer_ms']['p95']} ms"),
    ]
    if result["large"]:
        large = result["large"]
        fresh = large["fresh"]
        at = f"at {large['chunks']:,} chunks"
        built = f"built in {large['build_seconds']} s" + (" (reused)" if large["build_reused"] else "")
        rows += [
            (f"archive {at}", f"{built}, {large['chroma']} Chroma"),
            (f"  retrieve p50 / p95 {at}", f"{large['retrieve_ms']['p50']} / {large['retrieve_ms']['p95']} ms"),
            (f"  answer p50 / p95 {at}", f"{large['answer_ms']['p50']} / {large['answer_ms']['p95']} ms"),
            ("  worker cold start to first answer", f"{large['cold_start_to_first_answer_s']} s"),
            ("  query worker peak RSS", f"{large['query_worker_peak_rss_mb']} MB"),
            *(
                [("  Chroma server peak RSS", f"{large['chroma_server_peak_rss_mb']} MB")]
                if large["chroma_server_peak_rss_mb"] is not None
                else []
            ),
            ("  disk", f"{large['disk_bytes'] / 1e9:.2f} GB"),
            (
                f"  ingest {fresh['articles']} new articles",
                f"{fresh['ingest_s']} s (into an empty index: {fresh['ingest_into_empty_s']} s)",
            ),
            ("  running worker cites one after", f"{fresh['searchable_after_s']} s from the ingest's start"),
        ]
    wire = result["duplicates"]
    rows += [
        *(
            [
                (
                    f"wire copies ({wire['copies']} of {wire['articles']})",
                    f"{wire['with_stories']['chunks_embedded']} chunks embedded in {wire['with_stories']['seconds']} s"
                    f" (without stories {wire['without_stories']['chunks_embedded']} in "
                    f"{wire['without_stories']['seconds']} s)",
                )
            ]
            if wire
            else []
        ),
    ]
    if result["model_answers"]:
        rows += _model_rows(result["model_answers"])
    rows += [
        *_cold_rows(result["cold_ask"]),
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
    default=0,
    show_default=True,
    help="Also build (or reuse) a synthetic archive of this many chunks and time queries, cold start, "
    "memory, disk and the freshness of 100 new articles on it (0: skip).",
)
@click.option(
    "--rounds",
    type=click.IntRange(1),
    default=3,
    show_default=True,
    help="Interleaved rounds of ceiling, ingest and plain LlamaIndex; ratios are their median and spread.",
)
@click.option(
    "--fresh-articles",
    type=click.IntRange(1),
    default=100,
    show_default=True,
    help="New articles ingested into the archive while a worker answers (with --scale-chunks).",
)
@click.option(
    "--chroma-server",
    is_flag=True,
    help="Run the --scale-chunks figures against a real `chroma run` server that the bench starts on "
    "127.0.0.1 (its files under the archive folder), instead of embedded Chroma.",
)
@click.option(
    "--wire-stories",
    type=click.IntRange(0),
    default=30,
    show_default=True,
    help="Stories of the reprint set (each with its wire copies) ingested with and without story grouping (0: skip).",
)
@click.option(
    "--cold-runs",
    type=click.IntRange(1),
    default=10,
    show_default=True,
    help="Rounds of fresh `newsbot ask` processes for the cold-start figure, each also running the baseline.",
)
@click.option(
    "--cold-baseline",
    default=BASELINE_REF,
    show_default=True,
    help="The cold ask's baseline: a git commit (checked out as a worktree in the work folder), a source tree's "
    "folder, or `none`.",
)
@click.option(
    "--llm-dataset",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Also time the local model (NEWSBOT_LLM=local) on this eval dataset's questions: the current "
    "settings against the pre-tuning ones, interleaved in fresh processes.",
)
@click.option(
    "--llm-model",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="The GGUF for --llm-dataset (default: the bundled model).",
)
@click.option(
    "--llm-rounds",
    type=click.IntRange(1),
    default=2,
    show_default=True,
    help="Interleaved rounds of baseline and tuned settings for --llm-dataset.",
)
@click.option(
    "--keep",
    is_flag=True,
    help="Keep the work folder and the archive; with --data-dir, an archive kept there is reused.",
)
@data_dir_option
def bench_command(
    as_json: bool,
    articles: int,
    dataset: Path | None,
    scale_chunks: int,
    rounds: int,
    fresh_articles: int,
    chroma_server: bool,
    wire_stories: int,
    cold_runs: int,
    cold_baseline: str,
    llm_dataset: Path | None,
    llm_model: Path | None,
    llm_rounds: int,
    keep: bool,
    data_dir: Path | None,
) -> None:
    """Measure ingest and query speed and memory against the embedder's own ceiling and plain LlamaIndex.

    Works in a temporary folder (or under --data-dir); never touches your index, and ignores your
    NEWSBOT_*, OPENAI_* and CHROMA_* settings (it measures the defaults; see --chroma-server).
    """
    if chroma_server and not scale_chunks:
        raise click.UsageError("--chroma-server applies to the archive: give --scale-chunks too.")
    workdir = Path(tempfile.mkdtemp(prefix="newsbot-bench-", dir=data_dir))
    name = f"newsbot-bench-archive-{scale_chunks}" + ("-server" if chroma_server else "")
    archive = data_dir / name if data_dir and keep and scale_chunks else None
    try:
        with isolated():
            result = run_bench(
                articles,
                dataset,
                scale_chunks,
                workdir,
                lambda m: click.echo(m, err=True),
                rounds=rounds,
                archive=archive,
                fresh_articles=fresh_articles,
                chroma_server=chroma_server,
                wire_stories=wire_stories,
                cold_runs=cold_runs,
                cold_baseline=cold_baseline,
                llm_dataset=llm_dataset,
                llm_model=llm_model,
                llm_rounds=llm_rounds,
            )
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            click.echo(f"kept {workdir}", err=True)
    click.echo(json.dumps(result, indent=2) if as_json else _table(result))
