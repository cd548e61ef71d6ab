"""Shared fixtures: every test gets its own data dir and an environment free of the user's settings."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import Settings

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SHARED_EVAL = REPO.parent / "shared" / "eval" / "multihop-rag-dev"
ZTE_QUESTION = "What did ZTE say about source code?"
_PREFIXES = ("NEWSBOT_", "OPENAI_", "CHROMA_", "SLACK_")
# Where the bundled model is assembled once per machine: a cache, not a setting that changes behaviour, so
# tests keep it and every test (and subprocess) shares the one copy instead of building its own.
_MACHINE_WIDE = ("NEWSBOT_MODEL_DIR",)


def clean_env() -> dict[str, str]:
    """The process environment without any newsbot, OpenAI, Chroma or Slack setting."""
    return {k: v for k, v in os.environ.items() if not k.startswith(_PREFIXES) or k in _MACHINE_WIDE}


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith(_PREFIXES) and key not in _MACHINE_WIDE:
            monkeypatch.delenv(key)


def make_settings(data_dir: Path, **values: object) -> Settings:
    return Settings.from_env(None, data_dir=data_dir, **values)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "data")


@pytest.fixture(scope="session")
def embedder():  # type: ignore[no-untyped-def]
    from index.embed.local import LocalOnnxEmbedder

    return LocalOnnxEmbedder()


@pytest.fixture(scope="session")
def seeded_settings(tmp_path_factory: pytest.TempPathFactory, embedder) -> Iterator[Settings]:  # type: ignore[no-untyped-def]
    """An index of the repository's seeds/ (read-only: copy it before writing)."""
    from index.ingest import ingest

    settings = make_settings(tmp_path_factory.mktemp("seeded") / "data")
    report = ingest([SEEDS], settings.index, embedder=embedder)
    assert report.errors == [] and report.chunks_added > 0
    yield settings


@pytest.fixture(scope="session")
def seeded_pipeline(seeded_settings: Settings, embedder):  # type: ignore[no-untyped-def]
    from bot.core.pipeline import Pipeline

    return Pipeline(seeded_settings, embedder=embedder)


@pytest.fixture
def shared_eval_dir() -> Path:
    if not (SHARED_EVAL / "corpus.jsonl").exists():
        pytest.skip("../shared/eval/multihop-rag-dev is not present")
    return SHARED_EVAL
