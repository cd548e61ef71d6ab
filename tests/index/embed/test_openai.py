"""The OpenAI-compatible embedder, end to end against a local OpenAI-style server."""

import pytest

from bot.core.pipeline import Pipeline
from index.embed import make_embedder
from index.errors import SettingsError
from index.ingest import ingest
from index.store import Store, StoreError
from tests.conftest import SEEDS, ZTE_QUESTION
from tests.support.openai_server import EMBEDDING_DIM, scripted_openai_server


def test_openai_compatible_embedder_indexes_and_answers(settings) -> None:
    with scripted_openai_server() as server:
        remote = settings.with_overrides(embedder="openai:test-embed", openai_base_url=server.base_url)
        embedder = make_embedder(remote.index, remote.openai)
        assert embedder.name == "openai:test-embed" and embedder.dim == EMBEDDING_DIM
        report = ingest([SEEDS], remote.index, embedder=embedder)
        assert report.chunks_added > 0 and report.errors == []
        embedded = [r for r in server.requests if r.path.endswith("/embeddings")]
        assert embedded and all(r.body["model"] == "test-embed" for r in embedded)

        store = Store(remote.index, embedder.name, embedder.dim, create=False)
        assert store.metadata()["dim"] == EMBEDDING_DIM
        answer = Pipeline(remote, embedder=embedder).answer(ZTE_QUESTION)
        assert not answer.refused and "source code" in answer.citations[0].quote


def test_index_built_with_the_local_embedder_refuses_remote_queries(seeded_settings) -> None:
    with pytest.raises(StoreError, match="re-ingest"):
        Store(seeded_settings.index, "openai:test-embed", EMBEDDING_DIM, create=False)


def test_openai_embedder_needs_a_model(settings) -> None:
    with pytest.raises(SettingsError, match="needs a model"):
        make_embedder(settings.with_overrides(embedder="openai").index)
