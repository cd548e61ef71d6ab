"""`newsbot ask`: one question, one cited answer."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bot.cli.options import data_dir_option, fail, load_settings


def filter_options(func):  # type: ignore[no-untyped-def]
    func = click.option("--source", default=None, help="Only articles from this source (exact name).")(func)
    func = click.option("--until", default=None, metavar="YYYY-MM-DD", help="Only articles dated on or before.")(func)
    func = click.option("--since", default=None, metavar="YYYY-MM-DD", help="Only articles dated on or after.")(func)
    return click.option("--top-k", type=click.IntRange(1, 100), default=None, help="Chunks to retrieve.")(func)


@click.command("ask")
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the Answer as JSON.")
@filter_options
@data_dir_option
def ask_command(
    question: str,
    as_json: bool,
    top_k: int | None,
    since: str | None,
    until: str | None,
    source: str | None,
    data_dir: Path | None,
) -> None:
    """Answer QUESTION from the indexed articles, with numbered citations to the exact sentences.

    When the articles do not hold the answer, it says so and lists the closest articles instead.
    """
    from rich.console import Console

    from bot.cli.render import answer_json, render_answer
    from bot.core.pipeline import Filters, Pipeline
    from index.embed import make_embedder
    from index.errors import NewsbotError

    settings = load_settings(data_dir=data_dir, top_k=top_k)
    try:
        # One question: this process never writes the store, and embeds the question and a few sentences only.
        embedder = make_embedder(settings.index, settings.openai, short_lived=True)
    except NewsbotError as exc:
        fail(str(exc))
        return
    pipeline = Pipeline(settings, read_only=True, embedder=embedder)
    console = Console(soft_wrap=True)
    streaming = not as_json and sys.stdout.isatty() and settings.backend.kind != "extractive"

    streamed: list[str] = []

    def on_token(token: str) -> None:
        streamed.append(token)
        console.print(token, end="", markup=False, highlight=False)

    try:
        filters = Filters(since=since, until=until, source=source)
        filters.chroma_where()
        answer = pipeline.answer(question, filters=filters, on_token=on_token if streaming else None)
    except NewsbotError as exc:
        fail(str(exc))
        return
    if as_json:
        click.echo(answer_json(answer))
        return
    if streaming:
        console.print()
    # What streamed is the model's raw text; when verification changed it (or it was a refusal, which
    # streams nothing), the verified answer is printed in full below it.
    reprint = not streaming or answer.refused or "".join(streamed).strip() != answer.answer.strip()
    render_answer(answer, console, show_answer=reprint)
