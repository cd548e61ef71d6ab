"""`newsbot ingest`: bring the index in line with files, folders, feeds or URLs."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli.options import data_dir_option, fail, load_settings, print_json

if TYPE_CHECKING:
    from bot.settings import Settings
    from index.ingest import IngestReport


@click.command("ingest")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--prune", is_flag=True, help="Also remove indexed articles whose files under INPUTS are gone.")
@click.option(
    "--wait",
    "wait_s",
    type=float,
    default=0.0,
    show_default=True,
    help="Seconds to wait for another ingest on the same data dir to finish.",
)
@data_dir_option
def ingest_command(inputs: tuple[str, ...], as_json: bool, prune: bool, wait_s: float, data_dir: Path | None) -> None:
    """Add, update or remove articles from INPUTS (files, folders, feeds, JSONL, http(s) URLs).

    Unchanged articles are skipped before any embedding, so re-running is cheap. Exit status: 0 when
    every input loaded, 1 when some failed (the rest is still ingested), 2 on usage errors.
    """
    from index.errors import NewsbotError
    from index.ingest import ingest

    settings = load_settings(data_dir=data_dir)
    for item in inputs:
        if "://" not in item and not Path(item).exists():
            raise click.BadParameter(f"{item}: no such file or folder", param_hint="INPUTS")
    show_progress = not as_json and sys.stderr.isatty()
    try:
        if show_progress:
            report = _with_progress_bar(inputs, settings, prune, wait_s)
        else:
            report = ingest(list(inputs), settings.index, openai=settings.openai, prune=prune, wait_s=wait_s)
    except NewsbotError as exc:
        fail(str(exc))
        return
    if as_json:
        print_json(report.to_dict())
    else:
        _print_summary(report)
    sys.exit(1 if report.errors else 0)


def _with_progress_bar(inputs: tuple[str, ...], settings: Settings, prune: bool, wait_s: float) -> IngestReport:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from index.ingest import ingest

    with Progress(
        TextColumn("[bold]embedding[/bold]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("articles"),
        TimeRemainingColumn(),
        transient=True,
    ) as bar:
        task = bar.add_task("embed", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return ingest(
            list(inputs), settings.index, openai=settings.openai, prune=prune, progress=progress, wait_s=wait_s
        )


def _print_summary(report: IngestReport) -> None:
    click.echo(
        f"{report.articles_added} added, {report.articles_updated} updated, {report.articles_unchanged} unchanged, "
        f"{report.articles_removed} removed articles; {report.chunks_added} chunks added, "
        f"{report.chunks_removed} removed in {report.seconds:.1f}s"
    )
    for error in report.errors:
        click.echo(f"skipped {error.source}: {error.error}", err=True)
