"""`newsbot timeline "TOPIC"`: dated entries in order, each one cited sentence, one per story."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli.options import data_dir_option, fail, load_settings, print_json

if TYPE_CHECKING:
    from bot.core.retrieve import HybridRetriever
    from bot.core.timeline import Timeline
    from bot.settings import Settings


def open_retriever(settings: Settings, *, short_lived: bool = True) -> HybridRetriever:
    """Retrieval over the data dir's index, without loading an answerer (timelines and digests quote only).
    `short_lived`: one command's topic, then exit (`make_embedder`); an eval scoring many passes False."""
    from bot.core.retrieve import HybridRetriever
    from index.embed import make_embedder
    from index.store import open_store

    embedder = make_embedder(settings.index, settings.openai, short_lived=short_lived)
    return HybridRetriever(settings.index, open_store(settings.index, embedder, create=False), embedder)


@click.command("timeline")
@click.argument("topic")
@click.option("--since", default=None, metavar="YYYY-MM-DD", help="Only articles dated on or after.")
@click.option("--until", default=None, metavar="YYYY-MM-DD", help="Only articles dated on or before.")
@click.option("--json", "as_json", is_flag=True, help="Print the timeline as JSON.")
@data_dir_option
def timeline_command(topic: str, since: str | None, until: str | None, as_json: bool, data_dir: Path | None) -> None:
    """How TOPIC unfolded: one dated entry per story (wire copies count once), oldest first, each cited."""
    from bot.core.retrieve import Filters
    from bot.core.timeline import build_timeline
    from index.errors import NewsbotError

    settings = load_settings(data_dir=data_dir)
    try:
        Filters(since=since, until=until).chroma_where()
        timeline = build_timeline(topic, open_retriever(settings), since=since, until=until)
    except NewsbotError as exc:
        fail(str(exc))
        return
    if as_json:
        print_json(timeline.to_dict())
    else:
        click.echo(render_timeline(timeline))


def render_timeline(timeline: Timeline) -> str:
    from bot.core.stories import shown_title

    window = " ".join(
        p
        for p in (
            f"since {timeline.since}" if timeline.since else "",
            f"until {timeline.until}" if timeline.until else "",
        )
        if p
    )
    head = f"Timeline: {timeline.topic}" + (f" ({window})" if window else "")
    if not timeline.entries:
        return f"{head}\nThe indexed articles do not cover this."
    lines = [head, ""]
    for entry in timeline.entries:
        c = entry.citation
        lines.append(f"{entry.date or 'undated':<10}  [{c.n}] {c.quote}")
        byline = ", ".join(part for part in (shown_title(c), c.source) if part)
        lines.append(f"{'':<10}      — {byline}" + (f" ({c.url})" if c.url else ""))
        if c.also_in:
            lines.append(f"{'':<10}      also carried by: {', '.join(c.also_in)}")
    return "\n".join(lines)
