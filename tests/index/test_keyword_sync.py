"""A keyword index on another data dir follows the store through its change log, not by rescanning it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from index.ingest import ingest
from index.keyword import KeywordIndex
from index.keyword_sync import sync_keyword_index
from index.store import Store, changes
from tests.conftest import make_settings
from tests.support.consistency import rare_word, write_corpus


def _ids(store: Store) -> list[str]:
    return sorted(chunk_id for chunk_id, _, _ in store.scan(include_documents=False))


def _forbid_full_scans(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    scanned: list[int] = []
    original = Store.scan

    def scan(self: Store, include_documents: bool = True, where: dict[str, Any] | None = None) -> Any:
        assert where is not None, "a full scan of the store"
        for row in original(self, include_documents, where):
            scanned.append(1)
            yield row

    monkeypatch.setattr(Store, "scan", scan)
    return scanned


def test_another_data_dir_follows_adds_updates_and_removals(
    tmp_path: Path, embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(tmp_path / "data")
    corpus = write_corpus(tmp_path / "corpus", 12)
    ingest([corpus], settings.index, embedder=embedder)
    store = Store(settings.index, embedder.name, embedder.dim, create=False)
    elsewhere = KeywordIndex.open(tmp_path / "elsewhere" / "index.sqlite3")
    sync_keyword_index(store, elsewhere)
    assert sorted(elsewhere.ids) == _ids(store) and elsewhere.generation == store.generation()

    write_corpus(corpus, 12, version=2, changed_every=6)
    (corpus / "article-011.md").unlink()
    ingest([corpus], settings.index, embedder=embedder, prune=True)
    expected = _ids(store)
    scanned = _forbid_full_scans(monkeypatch)
    sync_keyword_index(store, elsewhere)
    assert sorted(elsewhere.ids) == expected and elsewhere.generation == store.generation()
    assert 0 < len(scanned) < len(expected) / 2, "only the rewritten articles' chunks were read"
    assert elsewhere.search(rare_word(11), 3) == []
    assert elsewhere.search(rare_word(6), 3), "an updated article is still found"


def test_an_index_older_than_the_log_is_rebuilt(tmp_path: Path, embedder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(changes, "LOG_CAP_IDS", 1)
    settings = make_settings(tmp_path / "data")
    corpus = write_corpus(tmp_path / "corpus", 8)
    ingest([corpus], settings.index, embedder=embedder)
    store = Store(settings.index, embedder.name, embedder.dim, create=False)
    elsewhere = KeywordIndex.open(tmp_path / "elsewhere" / "index.sqlite3")
    sync_keyword_index(store, elsewhere)
    for version in (2, 3):
        write_corpus(corpus, 8, version=version, changed_every=2)
        ingest([corpus], settings.index, embedder=embedder)
    assert store.changes_since(elsewhere.seq) is None, "the log no longer reaches back that far"
    sync_keyword_index(store, elsewhere)
    assert sorted(elsewhere.ids) == _ids(store) and elsewhere.seq == changes.committed_seq(store.metadata())
