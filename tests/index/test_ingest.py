import json
from pathlib import Path

import pytest

from index.ingest import ingest
from index.keyword import KeywordIndex
from index.lock import IngestBusy, IngestLock
from index.manifest import Manifest
from index.store import Store, StoreError
from tests.conftest import SEEDS, make_settings


def _write(folder: Path, name: str, title: str, body: str) -> Path:
    path = folder / name
    path.write_text(f"---\ntitle: {title}\ndate: 2024-05-01\nsource: Test Wire\n---\n\n{body}\n", encoding="utf-8")
    return path


def _store(settings, embedder) -> Store:
    return Store(settings.index, embedder.name, embedder.dim, create=False)


def _all_texts(store: Store) -> list[str]:
    return [doc for _, doc, _ in store.scan()]


def test_seed_ingest_then_reingest_adds_nothing(settings, embedder) -> None:
    first = ingest([SEEDS], settings.index, embedder=embedder)
    assert (first.articles_added, first.errors) == (1, [])
    assert first.chunks_added >= 2
    again = ingest([SEEDS], settings.index, embedder=embedder)
    assert again.to_dict() | {"seconds": 0} == {
        "articles_added": 0,
        "articles_updated": 0,
        "articles_unchanged": 1,
        "articles_removed": 0,
        "chunks_added": 0,
        "chunks_removed": 0,
        "duplicates": 0,
        "errors": [],
        "seconds": 0,
    }


def test_edited_article_replaces_its_chunks(tmp_path: Path, settings, embedder) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    path = _write(
        corpus,
        "a.md",
        "Port strike",
        "Dockworkers in Rotterdam walked out over pay. " * 3 + "The zebracorn clause was rejected.",
    )
    _write(corpus, "b.md", "Harvest", "Farmers reported a record wheat harvest in Kansas this year.")
    ingest([corpus], settings.index, embedder=embedder)
    store = _store(settings, embedder)
    assert any("zebracorn" in t for t in _all_texts(store))

    _write(corpus, "a.md", "Port strike", "Dockworkers in Rotterdam returned to work after a deal on pay.")
    report = ingest([corpus], settings.index, embedder=embedder)
    assert (report.articles_updated, report.articles_unchanged) == (1, 1)
    assert report.chunks_removed >= 1 and report.chunks_added >= 1
    assert not any("zebracorn" in t for t in _all_texts(store)), "stale chunk left in the vector store"
    keyword = KeywordIndex.load(settings.index.data_dir / "keyword" / settings.index.collection)
    assert keyword is not None and keyword.search("zebracorn", 5) == []
    assert keyword.generation == store.generation()
    assert path.exists()


def test_prune_removes_articles_whose_files_are_gone(tmp_path: Path, settings, embedder) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    gone = _write(corpus, "a.md", "Port strike", "Dockworkers in Rotterdam walked out over pay.")
    _write(corpus, "b.md", "Harvest", "Farmers reported a record wheat harvest in Kansas this year.")
    ingest([corpus], settings.index, embedder=embedder)
    gone.unlink()
    kept = ingest([corpus], settings.index, embedder=embedder)
    assert kept.articles_removed == 0, "without --prune nothing is removed"
    pruned = ingest([corpus], settings.index, embedder=embedder, prune=True)
    assert (pruned.articles_removed, pruned.articles_unchanged) == (1, 1)
    store = _store(settings, embedder)
    assert not any("Rotterdam" in t for t in _all_texts(store))
    manifest = Manifest.from_store(store, store.generation())
    assert len(manifest.articles) == 1


def test_bad_files_are_reported_and_the_rest_is_ingested(tmp_path: Path, settings, embedder) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _write(corpus, "good1.md", "Port strike", "Dockworkers in Rotterdam walked out over pay.")
    _write(corpus, "good2.md", "Harvest", "Farmers reported a record wheat harvest in Kansas this year.")
    (corpus / "broken.json").write_text('{"title": "x", "text": ', encoding="utf-8")
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    (corpus / "blob.txt").write_bytes(bytes(range(256)) * 4)
    (corpus / "latin1.txt").write_bytes("Caf\xe9 owners in M\xfcnchen protested.".encode("latin-1"))
    report = ingest([corpus], settings.index, embedder=embedder)
    assert report.articles_added == 2
    failed = {Path(e.source).name for e in report.errors}
    assert failed == {"broken.json", "empty.txt", "blob.txt", "latin1.txt"}
    assert all(e.error for e in report.errors)


def test_multihop_corpus_gives_one_article_per_line(shared_eval_dir: Path, settings, embedder) -> None:
    corpus = shared_eval_dir / "corpus.jsonl"
    lines = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    report = ingest([corpus], settings.index, embedder=embedder)
    assert report.errors == []
    assert report.articles_added == len(lines)
    manifest = Manifest.from_store(_store(settings, embedder), "")
    assert set(manifest.articles) == {line["id"] for line in lines}


def test_querying_with_another_embedder_is_a_clear_error(settings, embedder) -> None:
    ingest([SEEDS], settings.index, embedder=embedder)
    with pytest.raises(StoreError, match="re-ingest with NEWSBOT_EMBEDDER=local"):
        Store(settings.index, "openai:text-embedding-3-small", 1536, create=False)


def test_missing_index_says_to_ingest_first(settings, embedder) -> None:
    with pytest.raises(StoreError, match="newsbot ingest"):
        _store(settings, embedder)


def test_second_ingest_on_the_same_data_dir_stops_with_a_clear_message(settings, embedder) -> None:
    with IngestLock(settings.index.data_dir), pytest.raises(IngestBusy, match="another ingest"):
        ingest([SEEDS], settings.index, embedder=embedder)


def test_separate_data_dirs_do_not_share_state(tmp_path: Path, embedder) -> None:
    one = make_settings(tmp_path / "one")
    two = make_settings(tmp_path / "two")
    ingest([SEEDS], one.index, embedder=embedder)
    assert ingest([SEEDS], two.index, embedder=embedder).articles_added == 1
