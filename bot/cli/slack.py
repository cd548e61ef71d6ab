"""`newsbot slack`: run the Slack app over Socket Mode (a laptop) or HTTP (stateless workers)."""

from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path
from typing import Any

import click

from bot.cli.options import data_dir_option, load_settings
from bot.settings import Settings
from bot.slack import credentials
from bot.slack.app import SlackBot, create_app
from bot.slack.credentials import SlackConfigError

log = logging.getLogger(__name__)


def _transport(transport: str | None, port: int | None, settings: Settings) -> str:
    if transport == "socket" and port is not None:
        raise click.UsageError("--port is for --http; Socket Mode opens no port.")
    if transport:
        return transport
    if port is not None:
        return "http"
    return "socket" if settings.slack.slack_app_token else "http"


def _check(settings: Settings, transport: str) -> None:
    """Every credential the transport needs, before the index or any connection is opened."""
    credentials.bot_token(settings.slack)
    credentials.api_url(settings.slack)
    if transport == "socket":
        credentials.app_token(settings.slack)
    else:
        credentials.signing_secret(settings.slack)


def _open_pipeline(settings: Settings) -> Any:
    """Open the index and answerer now, so a missing index fails at start, not at the first question."""
    from bot.core.pipeline import Pipeline
    from index.errors import NewsbotError

    pipeline = Pipeline(settings)
    try:
        pipeline.warm()
    except NewsbotError as error:
        raise click.ClickException(str(error)) from None
    return pipeline


def _stop_on_sigterm(stop: Any) -> None:
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=stop, daemon=True).start())


def reload_on_sighup(bot: SlackBot) -> bool:
    """`kill -HUP` re-reads NEWSBOT_SLACK_CHANNELS_FILE (in a thread: a handler must not block on files)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGHUP"):
        return False
    signal.signal(signal.SIGHUP, lambda *_: threading.Thread(target=bot.channels.reload, daemon=True).start())
    return True


def run_http(bot: SlackBot, host: str, port: int) -> None:
    from bot.slack.server import EVENTS_PATH, HEALTH_PATH, serve

    server = serve(bot, host, port)
    _stop_on_sigterm(server.shutdown)
    click.echo(
        f"newsbot: Slack HTTP mode on http://{host}:{server.server_port}{EVENTS_PATH} (health: {HEALTH_PATH})",
        err=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        bot.close()


def run_socket(bot: SlackBot, app_token: str) -> None:
    from bot.slack.socket_mode import socket_handler

    handler = socket_handler(bot, app_token)
    stopped = threading.Event()
    _stop_on_sigterm(stopped.set)
    handler.connect()
    click.echo("newsbot: connected to Slack over Socket Mode (Ctrl+C to stop)", err=True)
    try:
        stopped.wait()
    except KeyboardInterrupt:
        pass
    finally:
        handler.close()
        bot.close()


@click.command("slack")
@click.option("--socket", "transport", flag_value="socket", help="Socket Mode (needs SLACK_APP_TOKEN).")
@click.option("--http", "transport", flag_value="http", help="HTTP Events API (needs SLACK_SIGNING_SECRET).")
@click.option("--port", type=click.IntRange(0, 65535), default=None, help="HTTP port [default: 3000].")
@click.option("--host", default="127.0.0.1", show_default=True, help="HTTP bind address.")
@click.option("--workers", type=click.IntRange(1, 256), default=8, show_default=True, help="Concurrent answers.")
@data_dir_option
def slack(
    transport: str | None,
    port: int | None,
    host: str,
    workers: int,
    data_dir: Path | None,
) -> None:
    """Answer questions in Slack: mentions in channels, DMs and the Messages tab, assistant threads, and /ask.

    Without --socket or --http, Socket Mode is used when SLACK_APP_TOKEN is set, else HTTP.
    """
    settings = load_settings(data_dir=data_dir)
    mode = _transport(transport, port, settings)
    try:
        _check(settings, mode)
    except SlackConfigError as error:
        raise click.UsageError(str(error)) from None
    pipeline = _open_pipeline(settings)
    try:
        bot = create_app(settings, pipeline, answer_workers=workers)
    except SlackConfigError as error:
        raise click.ClickException(str(error)) from None
    if reload_on_sighup(bot) and bot.channels.path is not None:
        click.echo(
            f"newsbot: {len(bot.channels)} mapped channel(s) from {bot.channels.path} (kill -HUP to reload)", err=True
        )
    if mode == "socket":
        run_socket(bot, credentials.app_token(settings.slack))
    else:
        run_http(bot, host, 3000 if port is None else port)
