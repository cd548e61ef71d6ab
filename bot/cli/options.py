"""Options and helpers shared by the commands: `--data-dir`, settings, one-line errors, JSON output."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from bot.settings import Settings


def data_dir_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Where the index lives (default: NEWSBOT_DATA_DIR or ./.newsbot).",
    )(func)


def load_settings(**overrides: Any) -> Settings:
    """Settings from env and .env with CLI overrides; invalid settings become a usage error."""
    from pydantic import ValidationError

    try:
        return Settings.from_env().with_overrides(**overrides)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise click.UsageError(f"invalid settings: {problems}") from None


def fail(message: str, code: int = 1) -> None:
    """Print a one-line error (never a traceback) and exit."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def print_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))
