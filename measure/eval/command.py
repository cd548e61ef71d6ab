"""`newsbot eval DATASET_DIR`: the thin CLI layer; loading, running, scoring and reporting live beside it."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bot.cli.options import data_dir_option, fail, load_settings, print_json
from bot.settings import Settings
from index.errors import NewsbotError
from measure.eval.compare import compare, format_deltas, load_summary
from measure.eval.dataset import Dataset, DatasetError, load_dataset
from measure.eval.judge import Judge, JudgeUnavailable, make_judge
from measure.eval.report import fraction, millis, write_report
from measure.eval.run import EvalIndex, IngestHook, QueryRun, prepare_index, run_queries
from measure.eval.sets import SWEPT, describe, kind_of, score_set
from measure.eval.summary import score_outcome, summarize


@click.command("eval")
@click.argument("dataset_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Report folder.")
@click.option("--limit", type=click.IntRange(min=1), help="Score only the first N queries.")
@click.option("--top-k", type=click.IntRange(1, 100), help="Chunks the answerer sees (retrieval scores use 10).")
@click.option(
    "--compare",
    "compare_with",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="An earlier results.json to print the changes against.",
)
@click.option("--judge", is_flag=True, help="Also grade answers with an LLM (needs an LLM backend).")
@click.option(
    "--sweep",
    metavar="SETTING=V1,V2,...",
    help="Run once per value of an answer setting (e.g. NEWSBOT_VERDICT_MIN=0.8,0.9) and print a table.",
)
@data_dir_option
def eval_command(
    dataset_dir: Path,
    as_json: bool,
    out: Path | None,
    limit: int | None,
    top_k: int | None,
    compare_with: Path | None,
    judge: bool,
    sweep: str | None,
    data_dir: Path | None,
) -> None:
    """Score retrieval, answers, refusals and citations on DATASET_DIR and write a report.

    A reprint set (reprints.jsonl) is scored on grouping wire copies into stories, an asks set (asks.jsonl)
    on which questions are read as asking for an overview, an overview set (dataset.json: "kind":
    "overview") on fact recall and citation precision.
    """
    err = Console(stderr=True)
    settings = load_settings(data_dir=data_dir, top_k=top_k)
    kind = kind_of(dataset_dir)
    if kind is not None:
        if limit or compare_with or judge or (sweep and kind not in SWEPT):
            raise click.UsageError(
                f"--limit, --compare, --judge{'' if kind in SWEPT else ' and --sweep'} are for question sets, "
                f"not a {kind} set"
            )
        if sweep:
            _sweep_set(kind, dataset_dir, settings, *_parse_sweep(sweep, settings), out, as_json)
            return
        _score_set(kind, dataset_dir, settings, out, as_json)
        return
    try:
        dataset = load_dataset(dataset_dir).limited(limit)
    except (DatasetError, ValueError, KeyError) as error:
        raise click.BadParameter(str(error), param_hint="DATASET_DIR") from error
    before = None
    if compare_with is not None:
        try:
            before = load_summary(compare_with)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--compare") from error
    grader = _judge(settings, err) if judge else None
    swept = _parse_sweep(sweep, settings) if sweep else None

    try:
        with _progress(err) as progress:
            index = prepare_index(dataset, settings, progress=_ingest_hook(progress))
            task = progress.add_task("questions", total=len(dataset.queries)) if progress else None
            runs = run_queries(
                dataset,
                index,
                top_k=settings.answer.top_k,
                judge=grader,
                on_done=(lambda _run: progress.advance(task)) if progress and task is not None else None,
            )
            if swept is not None:
                rows = _sweep(dataset, index, *swept)
    except NewsbotError as error:
        fail(str(error))
        return
    for error in index.ingest.get("errors", []):
        err.print(f"[yellow]ingest: {error['source']}: {error['error']}[/yellow]")

    scores = [score_outcome(r.outcome) for r in runs]
    summary = summarize([r.outcome for r in runs], scores)
    meta = _meta(dataset_dir, dataset.name, settings, runs, index.reused)
    out_dir = out or Path("eval-out") / dataset.name
    paths = write_report(out_dir, summary, runs, scores, meta)
    deltas = compare(before, summary) if before is not None else None

    if swept is not None:
        (out_dir / "sweep.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    if as_json:
        payload = {**summary, "compare": {d.key: d.to_dict() for d in deltas}} if deltas else summary
        print_json({**payload, "sweep": rows} if swept is not None else payload)
        return
    if swept is not None:
        _print_sweep(swept[0], rows)
    _print_summary(summary)
    if deltas:
        click.echo(f"\nChanges against {compare_with}:\n{format_deltas(deltas)}")
    click.echo(f"\nWrote {paths['report']}, {paths['results']} and {paths['chart']}")


def _score_set(kind: str, dataset_dir: Path, settings: Settings, out: Path | None, as_json: bool) -> None:
    try:
        result = score_set(kind, dataset_dir, settings)
    except (NewsbotError, ValueError) as error:
        fail(str(error))
        return
    written = _write_set(out, str(result.get("dataset") or kind), "results.json", result)
    if as_json:
        print_json(result)
        return
    click.echo(describe(result))
    click.echo(f"\nWrote {written}")


def _write_set(out: Path | None, name: str, file: str, content: object) -> Path:
    """`content` as JSON in the report folder (`--out`, else eval-out/<set name>)."""
    out_dir = out or Path("eval-out") / name
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / file).write_text(json.dumps(content, indent=2) + "\n", encoding="utf-8")
    return out_dir / file


def _parse_sweep(text: str, settings: Settings) -> tuple[str, list[float]]:
    """`NEWSBOT_VERDICT_MIN=0.8,0.9` (or `verdict_min=...`) → ("verdict_min", [0.8, 0.9]), checked."""
    name, _, values = text.partition("=")
    field = name.strip().lower().removeprefix("newsbot_")
    if field not in type(settings.answer).model_fields:
        raise click.BadParameter(f"{name!r} is not an answer setting", param_hint="--sweep")
    try:
        numbers = [float(v) for v in values.split(",") if v.strip()]
    except ValueError as error:
        raise click.BadParameter(f"values must be numbers: {values!r}", param_hint="--sweep") from error
    if not numbers:
        raise click.BadParameter(f"no values after {name!r}=: give one or more, comma-separated", param_hint="--sweep")
    return field, numbers


def _sweep(dataset: Dataset, index: EvalIndex, field: str, values: list[float]) -> list[dict[str, Any]]:
    """One run per value of `field`, the index reused; the figures a threshold trades against each other."""
    rows = []
    for value in values:
        swept = replace(index, settings=index.settings.with_overrides(**{field: value}))
        runs = run_queries(dataset, swept, top_k=swept.settings.answer.top_k)
        summary = summarize([r.outcome for r in runs], [score_outcome(r.outcome) for r in runs])
        answers, refusals = summary["answers"], summary["refusals"]
        rows.append(
            {
                field: value,
                "accuracy": answers["accuracy"],
                "yes_no_accuracy": answers["yes_no"]["yes_no_accuracy"],
                "verdict_coverage": answers["yes_no"]["verdict_coverage"],
                "verdict_precision": answers["yes_no"]["verdict_precision"],
                "refusal_rate": refusals["refusal_rate"],
                "false_refusal_rate": refusals["false_refusal_rate"],
                "citation_precision": summary["citations"]["precision"],
                "latency_p50_ms": summary["latency_ms"]["p50"],
                "latency_p95_ms": summary["latency_ms"]["p95"],
            }
        )
    return rows


def _sweep_set(
    kind: str, dataset_dir: Path, settings: Settings, field: str, values: list[float], out: Path | None, as_json: bool
) -> None:
    """An overview or asks set scored once per value of `field` (fact recall against citation precision;
    precision against recall of reading overviews)."""
    rows = []
    try:
        for value in values:
            result = score_set(kind, dataset_dir, settings.with_overrides(**{field: value}))
            rows.append({field: value, **SWEPT[kind](result)})
    except NewsbotError as error:
        fail(str(error))
        return
    written = _write_set(out, str(result.get("dataset") or kind), "sweep.json", rows)
    if as_json:
        print_json({"kind": kind, "dataset": result.get("dataset"), "sweep": rows})
        return
    _print_sweep(field, rows)
    click.echo(f"\nWrote {written}")


def _print_sweep(field: str, rows: list[dict[str, Any]]) -> None:
    columns = [field, *(k for k in rows[0] if k != field)] if rows else [field]
    click.echo("\nsweep\n" + "  ".join(f"{c:>18}" for c in columns))
    for row in rows:
        click.echo("  ".join(f"{_cell(c, row[c], field):>18}" for c in columns))


def _cell(column: str, value: Any, field: str) -> str:
    if column == field or isinstance(value, int):
        return str(value)
    return millis(value) if column.endswith("_ms") else fraction(value)


def _judge(settings: Settings, err: Console) -> Judge | None:
    try:
        return make_judge(settings)
    except JudgeUnavailable as error:
        err.print(f"[yellow]{error}[/yellow]")
        return None


@contextmanager
def _progress(err: Console) -> Iterator[Progress | None]:
    """A progress bar on a terminal only, on stderr so `--json` output stays clean."""
    if not err.is_terminal:
        yield None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        yield progress


def _ingest_hook(progress: Progress | None) -> IngestHook | None:
    if progress is None:
        return None
    task = progress.add_task("indexing (articles)", total=None)

    def hook(_stage: str, _chunks: int, articles: int) -> None:
        progress.advance(task, articles)

    return hook


def _meta(dataset_dir: Path, name: str, settings: Settings, runs: list[QueryRun], reused: bool) -> dict[str, Any]:
    backends = sorted({r.answer.backend for r in runs if r.answer.backend})
    return {
        "dataset": name,
        "dataset_dir": str(dataset_dir),
        "backend": ", ".join(backends) or str(settings.backend),
        "embedder": settings.index.embedder,
        "top_k": settings.answer.top_k,
        "index_reused": reused,
        "command": " ".join(["newsbot", *sys.argv[1:]]) if sys.argv else "newsbot eval",
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _print_summary(summary: dict[str, Any]) -> None:
    retrieval, answers = summary["retrieval"], summary["answers"]
    refusals, citations, latency = summary["refusals"], summary["citations"], summary["latency_ms"]
    click.echo(f"{summary['n']} queries")
    click.echo("retrieval  " + "  ".join(f"{k} {fraction(v)}" for k, v in retrieval.items() if k != "n"))
    click.echo(
        f"answers    accuracy {fraction(answers['accuracy'])}  F1 {fraction(answers['f1'])}  "
        f"lenient (MultiHop-RAG) {fraction(answers.get('lenient_accuracy'))}"
    )
    for name, row in answers["by_category"].items():
        line = f"  {name:<14} n={row['n']:<4} accuracy {fraction(row['accuracy'])}"
        if row.get("yes_no_n"):
            line += (
                f"  yes/no {fraction(row.get('yes_no_accuracy'))} vs always-yes {fraction(row.get('always_yes'))}"
                f"  verdicts: coverage {fraction(row.get('verdict_coverage'))}"
                f" precision {fraction(row.get('verdict_precision'))}"
            )
        click.echo(line)
    click.echo(
        f"refusals   unanswerable {fraction(refusals['refusal_rate'])}  "
        f"answerable (false) {fraction(refusals['false_refusal_rate'])}"
    )
    click.echo(
        f"citations  precision {fraction(citations['precision'])}  cited share {fraction(citations['cited_share'])}"
    )
    p50, p95 = latency["p50"], latency["p95"]
    click.echo("latency    " + ("n/a" if p50 is None else f"p50 {p50:.0f} ms  p95 {p95:.0f} ms"))
