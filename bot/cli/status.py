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
    from index.ingest import manifest_path
    from index.manifest import Manifest
    from index.store import Store, StoreError

    settings = load_settings(data_dir=data_dir)
    embedder = make_embedder(settings)
    try:
        store = Store(settings, embedder.name, embedder.dim, create=False)
    except StoreError as exc:
        fail(str(exc))
        return
    manifest = Manifest.load(store, manifest_path(settings))
    meta = store.metadata()
    status = {
        "articles": len(manifest.articles),
        "chunks": store.count(),
        "embedder": meta.get("embedder", embedder.name),
        "dim": meta.get("dim", embedder.dim),
        "answer_backend": settings.llm,
        "store": store.location,
        "collection": settings.collection,
        "data_dir": str(settings.data_dir.resolve()),
        "generation": meta.get("generation", ""),
        "interrupted_write": store.was_interrupted(),
    }
    if as_json:
        print_json(status)
        return
    width = max(len(k) for k in status)
    for key, value in status.items():
        click.echo(f"{key.replace('_', ' '):<{width}}  {value}")
