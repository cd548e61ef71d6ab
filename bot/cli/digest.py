"""`newsbot digest`: what is new since a time, grouped by story, each line cited; `--post` sends it to Slack."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli.options import data_dir_option, fail, load_settings, print_json
from bot.cli.timeline import open_retriever

if TYPE_CHECKING:
    from bot.core.digest import Digest


@click.command("digest")
@click.option(
    "--since",
    default="24h",
    show_default=True,
    help="A date (2024-05-01) or a span back from now in UTC (24h, 7d, 2w).",
)
@click.option("--until", default=None, metavar="YYYY-MM-DD", help="Only articles dated on or before.")
@click.option("--topic", default=None, help="Only stories about this topic.")
@click.option("--post", "channel", default=None, metavar="CHANNEL", help="Post the digest to this Slack channel.")
@click.option(
    "--post-empty", is_flag=True, help="With --post: post the digest even when nothing is new (by default it is not)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the digest as JSON.")
@data_dir_option
def digest_command(
    since: str,
    until: str | None,
    topic: str | None,
    channel: str | None,
    post_empty: bool,
    as_json: bool,
    data_dir: Path | None,
) -> None:
    """What is new: one line per story (wire copies count once), newest first, each with a cited sentence.

    With --post CHANNEL the digest goes to Slack (SLACK_BOT_TOKEN), e.g. from cron every morning; a digest
    with nothing new is not posted (the channel would fill with "nothing new") unless --post-empty is given.
    """
    from bot.core.digest import build_digest, resolve_since
    from index.errors import NewsbotError

    if post_empty and not channel:
        raise click.UsageError("--post-empty goes with --post CHANNEL")
    settings = load_settings(data_dir=data_dir)
    try:
        retriever = open_retriever(settings)
        digest = build_digest(retriever.store, retriever, since=resolve_since(since), until=until, topic=topic)
        post_to = channel if channel and (digest.stories or post_empty) else None
        if post_to:
            from bot.slack.digest import post_digest

            post_digest(settings.slack, post_to, digest)
    except NewsbotError as exc:
        fail(str(exc))
        return
    if as_json:
        print_json(digest.to_dict())
    elif not channel:
        click.echo(render_digest(digest))
    if post_to:
        click.echo(f"posted {_count(len(digest.stories))} to {post_to}", err=True)
    elif channel:
        click.echo(f"nothing new since {digest.since}: nothing posted to {channel} (--post-empty posts it)", err=True)


def render_digest(digest: Digest) -> str:
    from bot.core.stories import shown_title

    about = f" on {digest.topic}" if digest.topic else ""
    head = f"Digest{about} since {digest.since}" + (f" until {digest.until}" if digest.until else "")
    if not digest.stories:
        return f"{head}\nNothing new in the indexed articles."
    lines = [f"{head} — {_count(len(digest.stories))}", ""]
    for story in digest.stories:
        c = story.citation
        title = shown_title(c)
        lines.append(f"• {title + ' — ' if title else ''}{story.source}, {story.date or 'undated'} [{c.n}]")
        lines.append(f"    “{c.quote}”")
        if story.also_in:
            lines.append(f"    also carried by: {', '.join(story.also_in)}")
    return "\n".join(lines)


def _count(n: int) -> str:
    return f"{n} story" if n == 1 else f"{n} stories"
