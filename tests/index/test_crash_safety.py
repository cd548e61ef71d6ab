"""Kill -9 an ingest at exact points, run it again, and check store, manifest and BM25 agree exactly.

The kills come from tests/support/crash_ingest.py, which SIGKILLs itself at a chosen seam (after K stored
batches, between deleting an article's old chunks and adding the new ones, halfway through the final
saves), so each case is repeatable. Derived state that is damaged on disk must be rebuilt from the store.
"""

from __future__ import annotations

import json
import shutil
import signal
from pathlib import Path

import pytest

from bot.core.retrieve import HybridRetriever
from bot.settings import Settings
from index.ingest import ingest
from index.keyword import KeywordIndex, keyword_dir, keyword_path
from index.manifest import Manifest, manifest_path
from index.store import Store
from tests.conftest import make_settings
from tests.support.consistency import (
    assert_consistent,
    load_articles,
    rare_word,
    run_crash_ingest,
    write_corpus,
)

ARTICLES = 40
BATCH_CHUNKS = 8


def _env(settings: Settings) -> dict[str, str]:
    return {"NEWSBOT_DATA_DIR": str(settings.index.data_dir)}


def _store(settings: Settings, embedder) -> Store:  # type: ignore[no-untyped-def]
    return Store(settings.index, embedder.name, embedder.dim, create=False)


@pytest.mark.parametrize(
    ("update", "kill"),
    [
        (False, ["--die-after-batches", "1"]),
        (False, ["--die-in-batch", "3"]),
        (True, ["--die-after-batches", "2"]),
        (True, ["--die-in-batch", "1"]),
        (False, ["--die-in-keyword-write"]),
        (True, ["--die-in-keyword-write"]),
        (True, ["--die-in-keyword-save"]),
        (True, ["--die-in-manifest-save"]),
    ],
    ids=lambda v: "-".join(v) if isinstance(v, list) else ("update" if v else "fresh"),
)
def test_killed_ingest_is_completed_by_the_next_run(tmp_path: Path, embedder, update: bool, kill: list[str]) -> None:
    settings = make_settings(tmp_path / "data")
    if update:
        ingest([write_corpus(tmp_path / "v1", ARTICLES)], settings.index, embedder=embedder, batch_chunks=BATCH_CHUNKS)
    corpus = write_corpus(tmp_path / ("v2" if update else "v1"), ARTICLES, version=2 if update else 1)

    killed = run_crash_ingest(*kill, "--batch-chunks", str(BATCH_CHUNKS), str(corpus), cwd=tmp_path, env=_env(settings))
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    batches = [json.loads(line) for line in killed.stdout.splitlines()]
    if kill[0] == "--die-after-batches":
        assert len(batches) == int(kill[1]) + 1, "progress fires once before the first batch, then per batch"
    if kill[0] in ("--die-after-batches", "--die-in-batch"):
        assert _store(settings, embedder).was_interrupted(), "a killed write must leave a visible trace"

    report = ingest([corpus], settings.index, embedder=embedder, batch_chunks=BATCH_CHUNKS)
    assert report.errors == []
    articles = load_articles(corpus, settings)
    assert_consistent(settings, embedder, articles)

    again = ingest([corpus], settings.index, embedder=embedder)
    assert (again.articles_unchanged, again.chunks_added, again.chunks_removed) == (ARTICLES, 0, 0)


def test_article_whose_file_vanished_after_a_crash_is_not_left_half_written(tmp_path: Path, embedder) -> None:
    """An article half-replaced by the killed run and then deleted by the user is removed, not kept broken."""
    settings = make_settings(tmp_path / "data")
    corpus = write_corpus(tmp_path / "corpus", ARTICLES)
    ingest([corpus], settings.index, embedder=embedder, batch_chunks=BATCH_CHUNKS)
    write_corpus(corpus, ARTICLES, version=2)
    killed = run_crash_ingest(
        "--die-after-batches", "1", "--batch-chunks", "4", str(corpus), cwd=tmp_path, env=_env(settings)
    )
    assert killed.returncode == -signal.SIGKILL
    manifest = Manifest.from_store(_store(settings, embedder), "")
    assert all(a.complete for a in manifest.articles.values()), "batches replace whole articles"
    changed = next(p for p in sorted(corpus.iterdir()) if p.name.endswith("000.md"))
    changed.unlink()

    ingest([corpus], settings.index, embedder=embedder, prune=True)
    assert_consistent(settings, embedder, load_articles(corpus, settings))


def _ingested(tmp_path: Path, embedder) -> tuple[Settings, Path]:  # type: ignore[no-untyped-def]
    settings = make_settings(tmp_path / "data")
    corpus = write_corpus(tmp_path / "corpus", 12)
    ingest([corpus], settings.index, embedder=embedder)
    return settings, corpus


def test_deleted_keyword_index_is_rebuilt_by_readers_and_by_ingest(tmp_path: Path, embedder) -> None:
    settings, corpus = _ingested(tmp_path, embedder)
    store = _store(settings, embedder)
    shutil.rmtree(keyword_dir(settings.index))

    keyword = HybridRetriever(settings.index, store, embedder).keyword_index()
    assert keyword.generation == store.generation()
    report_7 = next(a.id for a in load_articles(corpus, settings).values() if a.title == "Report 7")
    assert keyword.search(rare_word(7), 3)[0][0] == f"{report_7}:0"
    assert KeywordIndex.load(keyword_dir(settings.index)) is not None, "the reader saves what it rebuilt"

    shutil.rmtree(keyword_dir(settings.index))
    report = ingest([corpus], settings.index, embedder=embedder)
    assert report.chunks_added == 0
    assert_consistent(settings, embedder, load_articles(corpus, settings))


@pytest.mark.parametrize("damage", ["garbage", "truncated", "rows-missing"])
def test_damaged_keyword_index_is_rebuilt(tmp_path: Path, embedder, damage: str) -> None:
    settings, corpus = _ingested(tmp_path, embedder)
    path = keyword_path(settings.index)
    if damage == "garbage":
        path.write_bytes(b"\x00not a database" * 512)
        assert KeywordIndex.load(path.parent) is None
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[:3000])
    else:
        index = KeywordIndex.open(path)
        with index.transaction():
            index._db.execute("DELETE FROM chunks WHERE rowid IN (SELECT rowid FROM chunks LIMIT 3)")
        index.close()

    ingest([corpus], settings.index, embedder=embedder)
    assert_consistent(settings, embedder, load_articles(corpus, settings))


@pytest.mark.parametrize("damage", ["garbage", "wrong-shape", "other-generation", "missing-article"])
def test_bad_manifest_cache_is_rebuilt_from_the_store(tmp_path: Path, embedder, damage: str) -> None:
    settings, corpus = _ingested(tmp_path, embedder)
    cache = manifest_path(settings.index)
    data = json.loads(cache.read_text())
    if damage == "garbage":
        cache.write_bytes(b"\x00{not json")
    elif damage == "wrong-shape":
        cache.write_text(json.dumps({"generation": data["generation"], "articles": {"x": 3}}))
    elif damage == "other-generation":
        data["generation"] = "0" * 32
        data["articles"] = {}
        cache.write_text(json.dumps(data))
    else:
        data["articles"].pop(sorted(data["articles"])[0])
        cache.write_text(json.dumps(data))

    store = _store(settings, embedder)
    loaded = Manifest.load(store, cache)
    fresh = Manifest.from_store(store, store.generation())
    assert loaded.articles == fresh.articles
    report = ingest([corpus], settings.index, embedder=embedder)
    assert (report.articles_unchanged, report.chunks_added, report.chunks_removed) == (12, 0, 0)
    assert_consistent(settings, embedder, load_articles(corpus, settings))
