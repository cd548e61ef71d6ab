"""The `newsbot` command group: it only assembles the commands, one module each.

Every command is listed here by module, and imported only when it runs, so `newsbot ask` does not pay
for ingestion, Slack or eval code at start-up. Commands import their helpers from `bot.cli.options`,
never this module, so there is no cycle. `eval` and `bench` belong to the measurement layer and live
in `measure/` (see ARCHITECTURE.md); they are named here, never imported by the front ends.
"""

from __future__ import annotations

import importlib
import logging
import sys

import click

COMMANDS = {
    "ingest": (
        "bot.cli.ingest",
        "ingest_command",
        "Add, update or remove articles from files, folders or URLs.",
    ),
    "status": ("bot.cli.status", "status_command", "Show what is indexed and where."),
    "ask": ("bot.cli.ask", "ask_command", "Answer one question with cited sources."),
    "chat": ("bot.cli.chat", "chat_command", "Chat with follow-up questions (REPL)."),
    "slack": ("bot.cli.slack", "slack", "Run the Slack app (Socket Mode or HTTP)."),
    "feedback": ("bot.cli.feedback", "feedback_group", "See or reset what readers' feedback changed."),
    "watch": ("bot.cli.watch", "watch_command", "Poll feeds on a schedule and ingest new items."),
    "timeline": ("bot.cli.timeline", "timeline_command", "How a topic unfolded: dated, cited, one entry per story."),
    "digest": ("bot.cli.digest", "digest_command", "What is new since a time, by story, each line cited."),
    "eval": (
        "measure.eval.command",
        "eval_command",
        "Score a question set: retrieval, answers, citations, refusals.",
    ),
    "bench": ("measure.bench", "bench_command", "Benchmark ingest and query speed and memory."),
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
    for noisy in ("chromadb", "httpx", "urllib3", "openai"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
