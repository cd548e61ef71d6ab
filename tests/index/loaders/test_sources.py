"""load_sources over folders: bad files are reported one by one, good ones still load, ids are stable."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.settings import Settings
from index.loaders import LoaderError, load_file, load_sources
from index.models import Article, LoadError
from tests.conftest import make_settings


def good_folder(root: Path) -> Path:
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text("Alpha wins\n\nThe alpha team won the final on Sunday.", "utf-8")
    (root / "sub" / "b.json").write_text(
        json.dumps([{"title": "Beta", "text": "Beta shares rose 4%.", "date": "2024-01-02"}]), "utf-8"
    )
    return root


def split(items: list[Article | LoadError]) -> tuple[list[Article], dict[str, str]]:
    articles = [i for i in items if isinstance(i, Article)]
    errors = {Path(e.source).name: e.error for e in items if isinstance(e, LoadError)}
    return articles, errors


def test_bad_files_are_reported_and_good_ones_load(tmp_path: Path, settings: Settings) -> None:
    root = good_folder(tmp_path / "corpus")
    (root / "corrupt.json").write_text('[{"title": "x", "text": "y"},\n  {"title": ', "utf-8")
    (root / "empty.md").write_text("  \n\n", "utf-8")
    (root / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (root / "latin.txt").write_bytes("Caf\xe9 prices rose.".encode("cp1252"))
    articles, errors = split(list(load_sources([root], settings.index.load_limits, skip=settings.index.data_dir)))
    assert sorted(a.title for a in articles) == ["Alpha wins", "Beta"]
    assert errors == {
        "binary.txt": "binary file",
        "corrupt.json": "invalid JSON on line 2: Expecting value (column 13)",
        "empty.md": "empty file",
        "latin.txt": "not valid UTF-8 (byte 0xe9 at offset 3); convert it to UTF-8 or declare its charset",
    }


def test_errors_name_the_file_as_given(tmp_path: Path, settings: Settings) -> None:
    root = tmp_path / "c"
    root.mkdir()
    (root / "x.pdf").write_bytes(b"%PDF-1.4\x00\x01")
    [error] = list(load_sources([root], settings.index.load_limits, skip=settings.index.data_dir))
    assert error == LoadError(str(root / "x.pdf"), "unsupported file type .pdf")


def test_walk_skips_hidden_entries_and_the_data_dir(tmp_path: Path) -> None:
    root = good_folder(tmp_path / "corpus")
    (root / ".hidden.txt").write_text("Hidden text.", "utf-8")
    (root / ".git").mkdir()
    (root / ".git" / "notes.txt").write_text("Git text.", "utf-8")
    data_dir = root / "store"
    data_dir.mkdir()
    (data_dir / "manifest.json").write_text("{broken", "utf-8")
    items = list(load_sources([root], skip=data_dir))
    assert [(type(i).__name__, Path(i.source_path).name) for i in items if isinstance(i, Article)] == [
        ("Article", "a.txt"),
        ("Article", "b.json"),
    ]
    assert len(items) == 2


def test_order_is_deterministic_and_by_path(tmp_path: Path, settings: Settings) -> None:
    root = tmp_path / "c"
    for name in ("z.txt", "m/b.txt", "a.txt", "m/a.txt"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(f"Text of {name}.", "utf-8")
    items = list(load_sources([root], settings.index.load_limits, skip=settings.index.data_dir))
    assert [Path(a.source_path).relative_to(root.resolve()).as_posix() for a in items] == [
        "a.txt",
        "m/a.txt",
        "m/b.txt",
        "z.txt",
    ]


def test_ids_are_stable_across_loads_reordering_and_moves(tmp_path: Path, settings: Settings) -> None:
    root = good_folder(tmp_path / "corpus")
    extra = tmp_path / "extra.md"
    extra.write_text("---\ntitle: Gamma\n---\nGamma text.\n", "utf-8")
    first = {
        a.title: a.id
        for a in load_sources([root, extra], settings.index.load_limits, skip=settings.index.data_dir)
        if isinstance(a, Article)
    }
    again = {
        a.title: a.id
        for a in load_sources([extra, root], settings.index.load_limits, skip=settings.index.data_dir)
        if isinstance(a, Article)
    }
    assert first == again
    assert len(set(first.values())) == 3
    moved = shutil.move(root, tmp_path / "elsewhere")
    after_move = {
        a.title: a.id
        for a in load_sources([moved], settings.index.load_limits, skip=settings.index.data_dir)
        if isinstance(a, Article)
    }
    assert after_move == {k: v for k, v in first.items() if k != "Gamma"}
    (Path(moved) / "a.txt").write_text("Alpha wins\n\nA different body now.", "utf-8")
    edited = {
        a.title: a
        for a in load_sources([moved], settings.index.load_limits, skip=settings.index.data_dir)
        if isinstance(a, Article)
    }
    assert edited["Alpha wins"].id == first["Alpha wins"]
    assert edited["Alpha wins"].content_hash != load_file(extra, settings.index.load_limits)[0].content_hash


def test_content_hash_changes_with_the_text(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Alpha wins\n\nFirst body.", "utf-8")
    [before] = load_file(path, settings.index.load_limits)
    path.write_text("Alpha wins\n\nSecond body.", "utf-8")
    [after] = load_file(path, settings.index.load_limits)
    assert before.id == after.id
    assert before.content_hash != after.content_hash


def test_missing_input_and_too_large_file(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", max_file_bytes=50)
    big = tmp_path / "big.txt"
    big.write_text("Long text. " * 10, "utf-8")
    small = tmp_path / "small.txt"
    small.write_text("Short text.", "utf-8")
    items = list(
        load_sources([tmp_path / "nope", big, small], settings.index.load_limits, skip=settings.index.data_dir)
    )
    assert items[0] == LoadError(str(tmp_path / "nope"), "no such file or directory")
    assert isinstance(items[1], LoadError) and items[1].source == str(big)
    assert items[1].error.startswith("file too large (110 bytes; limit 50")
    assert isinstance(items[2], Article) and items[2].text == "Short text."


def test_load_file_raises_the_reason(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "e.txt"
    path.write_bytes(b"")
    with pytest.raises(LoaderError, match="empty file"):
        load_file(path, settings.index.load_limits)
    with pytest.raises(LoaderError, match="no such file or directory"):
        load_file(tmp_path / "missing.txt", settings.index.load_limits)


def test_utf8_bom_and_utf16_load(tmp_path: Path, settings: Settings) -> None:
    bom = tmp_path / "bom.txt"
    bom.write_bytes("\ufeffBOM text here.".encode())
    utf16 = tmp_path / "wide.txt"
    utf16.write_bytes("Wide text here.".encode("utf-16"))
    assert [
        a.text for a in load_file(bom, settings.index.load_limits) + load_file(utf16, settings.index.load_limits)
    ] == [
        "BOM text here.",
        "Wide text here.",
    ]


def test_file_id_uses_the_path_relative_to_the_folder(tmp_path: Path, settings: Settings) -> None:
    root = good_folder(tmp_path / "corpus")
    by_folder = {
        a.title: a
        for a in load_sources([root], settings.index.load_limits, skip=settings.index.data_dir)
        if isinstance(a, Article)
    }
    assert by_folder["Beta"].id == Article.make_id("", "sub/b.json", "Beta")
    [by_file] = load_file(root / "sub" / "b.json", settings.index.load_limits)
    assert by_file.id == Article.make_id("", "b.json", "Beta")
