"""`newsbot feedback`: what readers' 👍/👎 changed in retrieval, and undoing it for one article."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click

from bot.cli.options import data_dir_option, load_settings, print_json


@click.group("feedback")
def feedback_group() -> None:
    """See or undo what readers' feedback does to retrieval (boosts, down-weights, hidden articles)."""


@feedback_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@data_dir_option
def list_command(as_json: bool, data_dir: Path | None) -> None:
    """Every article with feedback: hidden ones first, then by boost (lowest first)."""
    from index.feedback import FeedbackStore

    store = FeedbackStore.for_settings(load_settings(data_dir=data_dir).index)
    articles = store.articles()
    if as_json:
        print_json([asdict(a) for a in articles])
        return
    if not articles:
        click.echo("no feedback yet")
        return
    for article in articles:
        state = "hidden" if article.hidden else f"{article.boost:+.2f}"
        title = f"  {article.title}" if article.title else ""
        click.echo(f"{state:>7}  {article.votes} vote(s)  {article.article_id}{title}")


@feedback_group.command("reset")
@click.argument("article_id")
@data_dir_option
def reset_command(article_id: str, data_dir: Path | None) -> None:
    """Forget every vote on ARTICLE_ID and un-hide it: it ranks as if nobody had voted."""
    from index.feedback import FeedbackStore

    store = FeedbackStore.for_settings(load_settings(data_dir=data_dir).index)
    if store.reset(article_id):
        click.echo(f"feedback on {article_id} reset")
    else:
        click.echo(f"no feedback on {article_id}")
