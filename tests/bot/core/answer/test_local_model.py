"""Assembling the bundled model from its installed parts: built once, and refused unless the checksum matches."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from bot.core.answer import local_model
from bot.core.answer.local_model import MODEL_FILE, LocalModelError, assemble, default_model_dir, model_path
from bot.settings import Settings


def parts(tmp_path: Path, *blobs: bytes) -> list[Path]:
    paths = []
    for n, blob in enumerate(blobs, start=1):
        path = tmp_path / "parts" / f"part{n:02d}.bin"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(blob)
        paths.append(path)
    return paths


def test_the_parts_are_joined_in_order_once(tmp_path: Path) -> None:
    blobs = (b"GGUF" + b"a" * 100, b"b" * 50, b"c" * 7)
    joined = b"".join(blobs)
    digest = hashlib.sha256(joined).hexdigest()
    pieces = parts(tmp_path, *blobs)
    target = assemble(tmp_path / "models", pieces, size=len(joined), sha256=digest)
    assert target == tmp_path / "models" / MODEL_FILE
    assert target.read_bytes() == joined
    assert target.with_suffix(".sha256").read_text() == digest
    for piece in pieces:
        piece.unlink()
    assert assemble(tmp_path / "models", [], size=len(joined), sha256=digest) == target, "no re-assembly"


def test_a_checksum_mismatch_is_refused_and_leaves_no_model(tmp_path: Path) -> None:
    pieces = parts(tmp_path, b"GGUF" + b"a" * 100, b"tampered")
    size = sum(p.stat().st_size for p in pieces)
    with pytest.raises(LocalModelError, match=r"refusing to load it; reinstall with pip install -e '\.\[local\]'"):
        assemble(tmp_path / "models", pieces, size=size, sha256="0" * 64)
    assert [p.name for p in (tmp_path / "models").iterdir()] == [f"{MODEL_FILE}.lock"], "no model, no partial file"


def test_a_truncated_model_is_rebuilt_not_loaded(tmp_path: Path) -> None:
    blob = b"GGUF" + b"x" * 64
    digest = hashlib.sha256(blob).hexdigest()
    models = tmp_path / "models"
    models.mkdir()
    (models / MODEL_FILE).write_bytes(blob[:10])
    (models / MODEL_FILE).with_suffix(".sha256").write_text(digest)
    target = assemble(models, parts(tmp_path, blob), size=len(blob), sha256=digest)
    assert target.read_bytes() == blob


def test_missing_parts_say_how_to_install_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(local_model, "PART_PACKAGE", "newsbot_no_such_package_{n}")
    with pytest.raises(LocalModelError, match=r"no newsbot_no_such_package_1\): pip install -e '\.\[local\]'"):
        model_path(None, tmp_path / "models")


def test_a_configured_model_is_used_as_is_and_must_exist(tmp_path: Path) -> None:
    mine = tmp_path / "mine.gguf"
    with pytest.raises(LocalModelError, match=r"NEWSBOT_LOCAL_MODEL=.*mine\.gguf is not a file"):
        model_path(mine, tmp_path)
    mine.write_bytes(b"GGUF")
    assert model_path(mine, tmp_path) == mine


def _assemble_in_child(directory: Path, parts: list[Path], size: int, digest: str) -> tuple[str, bool]:
    """Run in a fresh process: assemble, and say whether this process wrote the file (it logs when it does)."""
    import logging

    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logging.getLogger(local_model.__name__).addHandler(handler)
    target = assemble(directory, parts, size=size, sha256=digest)
    return str(target), any("assembling" in r.getMessage() for r in records)


def test_two_processes_at_once_build_one_file_and_the_second_waits(tmp_path: Path) -> None:
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    blobs = [bytes([n]) * (4 << 20) for n in range(1, 9)]  # 32 MB: long enough for the two to overlap
    joined = b"".join(blobs)
    digest = hashlib.sha256(joined).hexdigest()
    pieces = parts(tmp_path, *blobs)
    shared = tmp_path / "machine" / "models"
    with ProcessPoolExecutor(max_workers=2, mp_context=get_context("spawn")) as pool:
        runs = [pool.submit(_assemble_in_child, shared, pieces, len(joined), digest) for _ in range(2)]
        results = [run.result() for run in runs]
    assert {path for path, _ in results} == {str(shared / MODEL_FILE)}
    assert sorted(wrote for _, wrote in results) == [False, True], "one process built it, the other found it built"
    assert (shared / MODEL_FILE).read_bytes() == joined
    stamp = Path(MODEL_FILE).with_suffix(".sha256").name
    assert sorted(p.name for p in shared.iterdir()) == sorted([MODEL_FILE, f"{MODEL_FILE}.lock", stamp]), "no .tmp left"


def test_every_data_dir_shares_the_machine_wide_model_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """NEWSBOT_MODEL_DIR (default: the user's cache dir), never a folder of the data dir."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    one = Settings.from_env(None, data_dir=tmp_path / "one")
    two = Settings.from_env(None, data_dir=tmp_path / "two")
    assert one.answer.model_dir is None and two.answer.model_dir is None
    assert default_model_dir() == tmp_path / "cache" / "newsbot" / "models"
    monkeypatch.setenv("NEWSBOT_MODEL_DIR", str(tmp_path / "models"))
    assert Settings.from_env(None, data_dir=tmp_path / "one").answer.model_dir == tmp_path / "models"
