"""`newsbot status`: what is indexed, with which embedder, where."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.options import data_dir_option, fail, load_settings, print_json


@click.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@data_dir_option
def status_command(as_json: bool, data_dir: Path | None) -> None:
    """Show the number of articles and chunks, the embedder, the answer backend and the store location."""
    from index.embed import make_embedder
    from index.errors import NewsbotError
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
    if as_json:
        print_json(status)
        return
    width = max(len(k) for k in status)
    for key, value in status.items():
        click.echo(f"{key.replace('_', ' '):<{width}}  {value}")
