"""`newsbot status`: what is indexed, with which embedder, where."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from bot.cli.options import data_dir_option, fail, load_settings, print_json


@click.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@data_dir_option
def status_command(as_json: bool, data_dir: Path | None) -> None:
    """Show the number of articles and chunks, the embedder, the answer backend and the store location."""
    from index.embed import make_embedder
    from index.errors import NewsbotError
    from index.feedback import FeedbackStore
    from index.manifest import Manifest, manifest_path
    from index.store import open_store

    settings = load_settings(data_dir=data_dir)
    try:
        embedder = make_embedder(settings.index, settings.openai)
        store = open_store(settings.index, embedder, create=False)
        backend = str(settings.backend)
    except NewsbotError as exc:
        fail(str(exc))
        return
    manifest = Manifest.load(store, manifest_path(settings.index))
    meta = store.metadata()
    status = {
        "articles": len(manifest.articles),
        "chunks": store.count(),
        "embedder": meta.get("embedder", embedder.name),
        "dim": meta.get("dim", embedder.dim),
        "answer_backend": backend,
        "store": store.location,
        "collection": settings.index.collection,
        "data_dir": str(settings.index.data_dir.resolve()),
        "generation": meta.get("generation", ""),
        "interrupted_write": store.was_interrupted(),
    }
    status["feedback"] = _feedback(FeedbackStore.for_settings(settings.index))
    if as_json:
        print_json(status)
        return
    summary = status.pop("feedback")
    width = max(len(k) for k in status)
    for key, value in status.items():
        click.echo(f"{key.replace('_', ' '):<{width}}  {value}")
    click.echo(
        f"{'feedback':<{width}}  {summary['boosted']} boosted, {summary['down_weighted']} down-weighted, "
        f"{summary['hidden']} hidden (newsbot feedback list)"
    )
    for article in summary["articles"]:
        state = "hidden" if article["hidden"] else f"{article['boost']:+.2f}"
        click.echo(f"{'':<{width}}    {state:>7}  {article['article_id']}")


def _feedback(store: Any) -> dict[str, Any]:
    """What readers' feedback does to retrieval now: counts, and the articles it affects (at most 10)."""
    articles = store.articles()
    return {
        "boosted": sum(1 for a in articles if not a.hidden and a.boost > 0),
        "down_weighted": sum(1 for a in articles if not a.hidden and a.boost < 0),
        "hidden": sum(1 for a in articles if a.hidden),
        "articles": [
            {"article_id": a.article_id, "boost": a.boost, "hidden": a.hidden, "votes": a.votes, "title": a.title}
            for a in articles[:10]
            if a.hidden or a.boost
        ],
    }
