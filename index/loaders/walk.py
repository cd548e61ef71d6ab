"""The files under a folder, in a fixed order, without hidden entries or newsbot's own data dir."""

from __future__ import annotations

import os
from pathlib import Path

from index.models import LoadError


def walk(root: Path, skip: Path | None = None) -> tuple[list[Path], list[LoadError]]:
    """(files sorted by their path relative to `root`, folders that could not be read).

    `skip` is a resolved folder left out entirely: the data dir may sit inside the corpus folder.
    """
    files: list[Path] = []
    errors: list[LoadError] = []

    def unreadable(error: OSError) -> None:
        errors.append(LoadError(str(error.filename), f"cannot read folder: {error.strerror or error}"))

    for folder, dirnames, filenames in os.walk(root, onerror=unreadable):
        here = Path(folder)
        dirnames[:] = sorted(name for name in dirnames if not name.startswith(".") and (here / name).resolve() != skip)
        files.extend(here / name for name in filenames if not name.startswith("."))
    return sorted(files, key=lambda path: path.relative_to(root).parts), errors
