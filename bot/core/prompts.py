"""The named prompt texts of `prompts/*.txt`, loaded once per directory.

Prompts live in files so they can be read, reviewed and changed without touching code; the code only
refers to them by name and fills their `{placeholders}`.
"""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path

from bot.core.errors import PromptError
from bot.core.settings import AnswerSettings


@lru_cache(maxsize=64)
def _read(prompts_dir: Path, name: str) -> str:
    path = prompts_dir / f"{name}.txt"
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PromptError(f"prompt {name!r} not found: expected {path} (NEWSBOT_PROMPTS_DIR={prompts_dir})") from None


def load_prompt(settings: AnswerSettings, name: str) -> str:
    """The text of `prompts_dir/<name>.txt`, trailing newlines removed."""
    return _read(Path(settings.prompts_dir).resolve(), name).rstrip("\n")


def placeholders(template: str) -> set[str]:
    """The `{names}` a template expects."""
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def render(settings: AnswerSettings, name: str, **values: object) -> str:
    """Prompt `name` with its placeholders filled; every placeholder must be given."""
    template = load_prompt(settings, name)
    missing = placeholders(template) - values.keys()
    if missing:
        raise PromptError(f"prompt {name!r} needs {', '.join(sorted(missing))}")
    return template.format(**values)


def refusal_sentinel(settings: AnswerSettings) -> str:
    """The exact token the model replies with when the sources do not hold the answer."""
    sentinel = load_prompt(settings, "refusal_sentinel").strip()
    if not sentinel:
        raise PromptError(f"prompt 'refusal_sentinel' in {settings.prompts_dir} is empty")
    return sentinel
