"""`newsbot chat`: a read-eval-print loop over one ChatSession. Works on a terminal and when piped."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

import click
from rich.console import Console

from bot.cli.ask import filter_options
from bot.cli.options import data_dir_option, load_settings

HELP = """Ask a question, then follow-ups ("and what about Huawei?").
  /sources   the sources of the last answer, with quotes
  /reset     forget the conversation
  /help      this text
  /quit      leave (Ctrl-D works too)"""


def _lines(stream: TextIO, prompt: str, interactive: bool) -> Iterator[str]:
    while True:
        try:
            line = input(prompt) if interactive else stream.readline()
        except EOFError:
            return
        if not interactive and line == "":
            return
        yield line.strip()


def _enable_history(data_dir: Path) -> None:
    try:
        import atexit
        import readline
    except ImportError:
        return
    history = data_dir / "chat_history"
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        readline.read_history_file(history)
    except OSError:
        pass
    atexit.register(lambda: readline.write_history_file(history))


def run_repl(session, console: Console, stream: TextIO, interactive: bool) -> None:  # type: ignore[no-untyped-def]
    from bot.cli.render import render_answer, render_sources
    from index.errors import NewsbotError

    commands: dict[str, Callable[[], bool]] = {
        "/help": lambda: console.print(HELP, markup=False) or True,
        "/reset": lambda: (session.reset(), console.print("(conversation reset)"))[1] or True,
        "/sources": lambda: _show_sources(session, console, render_sources) or True,
        "/quit": lambda: False,
        "/exit": lambda: False,
    }
    if interactive:
        console.print("newsbot chat — /help for commands, /quit to leave")
    for line in _lines(stream, "newsbot> " if interactive else "", interactive):
        if not line:
            continue
        if line.startswith("/"):
            action = commands.get(line.split()[0].lower())
            if action is None:
                console.print(f"unknown command {line.split()[0]}; /help lists them", markup=False)
            elif not action():
                return
            continue
        try:
            answer = session.ask(line)
        except NewsbotError as exc:
            console.print(f"error: {exc}", markup=False)
            continue
        if answer.standalone_question:
            console.print(f"(searching for: {answer.standalone_question})", style="dim", markup=False)
        render_answer(answer, console)
        console.print()


def _show_sources(session, console: Console, render_sources) -> None:  # type: ignore[no-untyped-def]
    if session.last_answer is None:
        console.print("no answer yet")
    elif not session.last_answer.citations:
        console.print("the last answer cited no sources")
    else:
        render_sources(session.last_answer.citations, console)


@click.command("chat")
@filter_options
@data_dir_option
def chat_command(
    top_k: int | None, since: str | None, until: str | None, source: str | None, data_dir: Path | None
) -> None:
    """Chat about the indexed articles: follow-up questions use the conversation so far."""
    from bot.core.pipeline import Filters, Pipeline
    from bot.core.session import ChatSession

    settings = load_settings(data_dir=data_dir, top_k=top_k)
    interactive = sys.stdin.isatty()
    if interactive:
        _enable_history(settings.index.data_dir)
    session = ChatSession(Pipeline(settings), filters=Filters(since, until, source), top_k=top_k)
    run_repl(session, Console(soft_wrap=True), sys.stdin, interactive)
