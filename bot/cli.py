"""`newsbot`: one thin command line over the index and the answer chain.

Subcommands are imported only when run, so `newsbot ask` does not pay for ingestion, Slack or eval
code at start-up.
"""

from __future__ import annotations

import importlib
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

COMMANDS = {
    "ingest": (
        "bot.commands.ingest",
        "ingest_command",
        "Add, update or remove articles from files, folders or URLs.",
    ),
    "status": ("bot.commands.status", "status_command", "Show what is indexed and where."),
    "ask": ("bot.commands.ask", "ask_command", "Answer one question with cited sources."),
    "chat": ("bot.repl", "chat_command", "Chat with follow-up questions (REPL)."),
    "slack": ("bot.slack.command", "slack", "Run the Slack app (Socket Mode or HTTP)."),
    "eval": (
        "bot.eval.command",
        "eval_command",
        "Score a question set: retrieval, answers, citations, refusals.",
    ),
    "bench": ("bot.bench", "bench_command", "Benchmark ingest and query speed and memory."),
}


class LazyGroup(click.Group):
    """Loads a subcommand's module only when that subcommand is invoked."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attr, short = COMMANDS[name]
        if ctx.resilient_parsing or "--help" in sys.argv[1:2]:
            # `newsbot --help` lists commands without importing them all.
            return click.Command(name, help=short, short_help=short)
        return getattr(importlib.import_module(module), attr)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
@click.version_option(package_name="newsbot")
def main(verbose: int) -> None:
    """newsbot answers questions about your news articles, citing the article and sentence.

    \b
    Start with:
      newsbot ingest seeds/
      newsbot ask "What did ZTE say about source code?"
    """
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    for noisy in ("chromadb", "httpx", "urllib3", "openai", "bm25s"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


def data_dir_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Where the index lives (default: NEWSBOT_DATA_DIR or ./.newsbot).",
    )(func)


def load_settings(**overrides: Any) -> Any:
    """Settings from env and .env with CLI overrides; invalid settings become a usage error."""
    from pydantic import ValidationError

    from index.settings import Settings

    try:
        return Settings().with_overrides(**overrides)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise click.UsageError(f"invalid settings: {problems}") from None


def fail(message: str, code: int = 1) -> None:
    """Print a one-line error (never a traceback) and exit."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def print_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))
