"""A read-only store reads embedded Chroma through its engine alone, and reads exactly what chromadb's client reads."""

from __future__ import annotations

from itertools import islice
from pathlib import Path

import pytest

from index.errors import StoreError
from index.ingest import ingest
from index.store import Store
from index.store.embedded import DATABASE, MIGRATIONS, MIGRATIONS_HASH, TENANT, ReadOnlyClient
from tests.conftest import REPO, make_settings

QUESTIONS = ["Why was Harlow Bay hit harder by the storm?", "Serin River treaty vote", "What did the minister say?"]


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory, embedder) -> tuple[Store, Store]:  # type: ignore[no-untyped-def]
    """The same index (real articles with sources and dates) opened by chromadb's client and read-only."""
    corpus = tmp_path_factory.mktemp("wire") / "corpus.jsonl"
    lines = (REPO / "measure/gold/wire-blind/corpus.jsonl").read_text().splitlines()
    corpus.write_text("\n".join(islice(lines, 16)) + "\n")
    settings = make_settings(tmp_path_factory.mktemp("embedded") / "data")
    assert ingest([corpus], settings.index, embedder=embedder).errors == []
    full = Store(settings.index, embedder.name, embedder.dim, create=False)
    light = Store(settings.index, embedder.name, embedder.dim, create=False, read_only=True)
    return full, light


def test_chromadb_defaults_are_the_ones_the_engine_is_opened_with() -> None:
    from chromadb.config import DEFAULT_DATABASE, DEFAULT_TENANT, Settings

    defaults = Settings()
    assert (defaults.migrations, defaults.migrations_hash_algorithm) == (MIGRATIONS, MIGRATIONS_HASH)
    assert (DEFAULT_TENANT, DEFAULT_DATABASE) == (TENANT, DATABASE)


def test_reads_equal_chromadb_clients(stores: tuple[Store, Store], embedder) -> None:  # type: ignore[no-untyped-def]
    full, light = stores
    assert isinstance(light._client, ReadOnlyClient)
    assert light.metadata() == full.metadata() and light.generation() == full.generation()
    assert light.count() == full.count() > 0
    assert list(light.scan()) == list(full.scan())
    assert list(light.scan(include_documents=False)) == list(full.scan(include_documents=False))
    assert list(light.scan_written(0, 10)) == list(full.scan_written(0, 10))
    ids = [chunk_id for chunk_id, _, _ in full.scan(include_documents=False)]
    picked = [ids[5], ids[0], "no-such-chunk", ids[2]]
    assert light.get(picked) == full.get(picked)
    assert light.members.count() == full.members.count()
    sources = sorted({meta["source"] for _, _, meta in full.scan(include_documents=False)})
    wheres = [
        None,
        {"source": sources[0]},
        {"source": {"$in": sources[:2]}},
        {"$and": [{"date_ord": {"$gte": 20240301}}, {"date_ord": {"$lte": 20240601}}, {"date_ord": {"$gt": 0}}]},
    ]
    for question in QUESTIONS:
        vector = embedder.embed_query(question)
        for where in wheres:
            assert full.query(vector, 20, where), where  # every filter selects something here
            for k in (3, 20, 500):
                assert light.query(vector, k, where) == full.query(vector, k, where), (question, where, k)


def test_a_missing_index_and_writes_are_store_errors(stores: tuple[Store, Store], tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    _, light = stores
    empty = make_settings(tmp_path / "data")
    with pytest.raises(StoreError, match="no index yet"):
        Store(empty.index, embedder.name, embedder.dim, create=False, read_only=True)
    with pytest.raises(StoreError, match="read-only"):
        light.collection.modify(metadata={"state": "clean"})
    with pytest.raises(StoreError, match="read-only"):
        light._client.get_or_create_collection("other")


@pytest.mark.parametrize("read_only", [True, False])
def test_a_missing_collection_names_the_ones_the_data_dir_holds(tmp_path: Path, embedder, read_only: bool) -> None:  # type: ignore[no-untyped-def]
    """An eval's index is `eval-<hash>`: asking the default `articles` says which to set instead."""
    data = tmp_path / "data"
    written = Store(make_settings(data, collection="eval-abc").index, embedder.name, embedder.dim, create=True)
    written._client.get_or_create_collection("eval-abc-members")  # its wire copies: not a collection to ask
    with pytest.raises(StoreError, match="no index yet") as raised:
        Store(make_settings(data).index, embedder.name, embedder.dim, create=False, read_only=read_only)
    assert "'eval-abc'" in str(raised.value) and "NEWSBOT_COLLECTION" in str(raised.value)
    assert "members" not in str(raised.value)


def test_an_engine_api_this_chromadb_lacks_falls_back_to_its_client(
    stores: tuple[Store, Store], monkeypatch: pytest.MonkeyPatch, embedder
) -> None:  # type: ignore[no-untyped-def]
    full, _ = stores

    def changed(self: ReadOnlyClient, path: Path) -> None:
        raise TypeError("Bindings() got an unexpected keyword argument 'hnsw_cache_size'")

    monkeypatch.setattr(ReadOnlyClient, "__init__", changed)
    fallback = Store(full.settings, embedder.name, embedder.dim, create=False, read_only=True)
    assert not isinstance(fallback._client, ReadOnlyClient) and fallback.count() == full.count()
