"""Run the installed `newsbot` console script the way a user does, isolated in a temp dir."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import clean_env

NEWSBOT = str(Path(sys.executable).parent / "newsbot")


def run(
    *args: str, cwd: Path, stdin: str | None = None, env: dict[str, str] | None = None, timeout: float | None = 300
) -> subprocess.CompletedProcess[str]:
    """`timeout` guards against a hang, not a speed limit; None for commands whose length is the load's (bench)."""
    return subprocess.run(
        [NEWSBOT, *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        env={**clean_env(), **(env or {})},
        timeout=timeout,
    )
