"""`newsbot watch`: poll feeds (or article URLs) on a schedule and ingest what is new, until stopped."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import click

from bot.cli.options import data_dir_option, fail, load_settings


@click.command("watch")
@click.argument("feeds", nargs=-1)
@click.option("--every", default=None, help="Poll period: 30s, 15m, 2h, 1d, 1w (default 15m, or `every:` in --config).")
@click.option(
    "--config",
    "config",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A YAML file with a `watch:` list of feeds (and optionally `every:`).",
)
@click.option("--once", is_flag=True, help="Poll every feed once and exit (for cron).")
@data_dir_option
def watch_command(
    feeds: tuple[str, ...], every: str | None, config: Path | None, once: bool, data_dir: Path | None
) -> None:
    """Poll FEEDS (RSS/Atom or article URLs) and ingest new items, one log line per poll.

    Requests are conditional (ETag / Last-Modified), unchanged items are never embedded again, a failing
    feed backs off on its own, and the state lives in the data dir: a restart (or SIGTERM, which lets
    the poll in progress finish) resumes where it stopped.
    """
    from index.errors import NewsbotError
    from index.period import parse_period
    from index.watch import Watcher, read_config

    urls = list(feeds)
    try:
        if config is not None:
            listed, configured_every = read_config(config)
            urls += listed
            every = every or configured_every
        period = parse_period(every or "15m", what="--every", bare="s").total_seconds()
    except NewsbotError as exc:
        raise click.UsageError(str(exc)) from None
    if not urls:
        raise click.UsageError("give at least one feed URL (or --config FILE with a `watch:` list)")
    for url in urls:
        if not url.lower().startswith(("http://", "https://")):
            raise click.BadParameter(f"{url}: feeds are http(s) URLs", param_hint="FEEDS")
    settings = load_settings(data_dir=data_dir)
    watcher = Watcher(urls, period, settings.index, openai=settings.openai, say=lambda line: click.echo(line))
    try:
        if once:
            for url in urls:
                watcher.poll(url)
            return
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        click.echo(f"watching {len(urls)} feed(s) every {every or '15m'}; state in {watcher.path}", err=True)
        watcher.run(stop)
        click.echo("stopped", err=True)
    except NewsbotError as exc:
        fail(str(exc))
