"""A generated corpus and the one check every crash, restart and concurrency test ends with.

"Consistent" means: the vector store holds exactly the chunk ids the current articles chunk into (no
orphans, none missing, each with its article's hash and chunk count), the collection is marked clean,
and the manifest cache and the BM25 index describe the same ids at the store's generation.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bot.settings import Settings
from index.chunk import chunk_article
from index.embed import Embedder
from index.keyword import KeywordIndex, keyword_dir
from index.loaders import load_sources
from index.manifest import Manifest, manifest_path
from index.models import Article
from index.store import WRITING, Store
from tests.conftest import REPO, clean_env

CRASH_INGEST = REPO / "tests" / "support" / "crash_ingest.py"
_WORDS = (
    "council harbour levy ferry tariff grain strike union budget court ruling senator drought "
    "vaccine railway bridge election mayor protest festival museum reactor glacier"
).split()


def rare_word(n: int) -> str:
    """A made-up word that only article `n` contains, for keyword lookups."""
    letters = "bcdfghjklmnpqrstvwxz"
    return "zy" + "".join(letters[int(d)] for d in f"{n:03d}") + "orv"


def article_text(n: int, version: int = 1) -> str:
    """A few sentences; every eighth article (shifted by version) is long enough for two chunks."""
    sentences = [
        f"The {_WORDS[(n + k) % len(_WORDS)]} report number {n} was revised {version} times in {2000 + n}."
        for k in range(4)
    ]
    sentences.insert(2, f"Officials named the {rare_word(n)} plan after the river.")
    if (n + version) % 8 == 0:
        sentences += [
            f"A longer account of the {_WORDS[(n * 3 + k) % len(_WORDS)]} dispute followed in part {k} "
            f"with testimony from witness {k} about the events of version {version}."
            for k in range(7)
        ]
    return " ".join(sentences)


def write_corpus(folder: Path, count: int, version: int = 1, changed_every: int = 3) -> Path:
    """`count` markdown articles; in versions after the first, every `changed_every`-th one changes."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        text_version = version if n % changed_every == 0 else 1
        (folder / f"article-{n:03d}.md").write_text(
            f"---\ntitle: Report {n}\ndate: 2024-01-{n % 28 + 1:02d}\nsource: Test Wire\n---\n\n"
            f"{article_text(n, text_version)}\n",
            encoding="utf-8",
        )
    return folder


def load_articles(corpus: Path, settings: Settings) -> dict[str, Article]:
    articles = {
        a.id: a
        for a in load_sources([corpus], settings.index.load_limits, skip=settings.index.data_dir)
        if isinstance(a, Article)
    }
    assert articles, f"no articles under {corpus}"
    return articles


def expected_chunk_ids(articles: dict[str, Article], embedder: Embedder) -> dict[str, set[str]]:
    return {aid: {c.id for c in chunk_article(a, embedder)} for aid, a in articles.items()}


def assert_consistent(settings: Settings, embedder: Embedder, articles: dict[str, Article]) -> Store:
    """Store, manifest and BM25 agree exactly with each other and with `articles`; returns the store."""
    store = Store(settings.index, embedder.name, embedder.dim, create=False)
    metadata = store.metadata()
    generation = str(metadata.get("generation", ""))
    assert generation and metadata.get("state") != WRITING, f"collection not cleanly published: {metadata}"

    expected = expected_chunk_ids(articles, embedder)
    all_expected = set().union(*expected.values())
    rows = list(store.scan())
    ids = [chunk_id for chunk_id, _, _ in rows]
    assert len(ids) == len(set(ids)) == store.count(), "duplicate chunk ids in the store"
    assert set(ids) - all_expected == set(), "orphan chunks in the store"
    assert all_expected - set(ids) == set(), "chunks missing from the store"
    for chunk_id, _, meta in rows:
        article = articles[str(meta["article_id"])]
        assert meta["content_hash"] == article.content_hash, f"{chunk_id} has a stale hash"
        assert meta["n_chunks"] == len(expected[article.id]), f"{chunk_id} has a wrong chunk count"

    manifest = Manifest.load(store, manifest_path(settings.index))
    assert manifest.generation == generation
    assert {aid: a.chunk_ids for aid, a in manifest.articles.items()} == expected
    assert all(a.complete and a.content_hash == articles[aid].content_hash for aid, a in manifest.articles.items())
    cached = json.loads(manifest_path(settings.index).read_text())
    assert cached["generation"] == generation and set(cached["articles"]) == set(articles)

    keyword = KeywordIndex.load(keyword_dir(settings.index))
    assert keyword is not None, "no usable BM25 index on disk"
    assert keyword.generation == generation, "BM25 index is for another generation"
    assert sorted(keyword.ids) == sorted(ids), "BM25 and the store index different chunks"
    return store


def run_crash_ingest(
    *args: str, cwd: Path, env: dict[str, str], timeout: float = 240
) -> subprocess.CompletedProcess[str]:
    """tests/support/crash_ingest.py in a fresh interpreter with only the given newsbot settings."""
    return subprocess.run(
        [sys.executable, str(CRASH_INGEST), *args],
        cwd=cwd,
        env={**clean_env(), **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start_holding_ingest(
    corpus: Path, release: Path, *, cwd: Path, env: dict[str, str], batch_chunks: int = 4
) -> subprocess.Popen[str]:
    """An ingest paused after its first stored batch (lock and lease held) until `release` exists."""
    hold = ["--hold-after-batches", "1", "--until-exists", str(release)]
    process = subprocess.Popen(
        [sys.executable, str(CRASH_INGEST), "--batch-chunks", str(batch_chunks), *hold, str(corpus)],
        cwd=cwd,
        env={**clean_env(), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if "holding" in json.loads(line):
            return process
    process.wait(timeout=60)
    raise AssertionError(f"the ingest never reached its hold point: {process.stderr.read()[-2000:]}")  # type: ignore[union-attr]
