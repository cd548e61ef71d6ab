"""Server mode: every command against a real `chroma run` on 127.0.0.1, shared by several processes.

Each worker keeps its own BM25 copy and rebuilds it when the collection's generation changes, so a
new article is found by keyword in a worker that never ingested it. A server that is down gives a
clear error after bounded retries; one that restarts mid-ingest leaves nothing missing or duplicated.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.pipeline import Pipeline
from bot.settings import Settings
from index.ingest import ingest
from index.keyword import KeywordIndex, keyword_dir
from index.store import Store, StoreError
from tests.conftest import SEEDS, ZTE_QUESTION, clean_env, make_settings
from tests.support.chroma_server import HOST, ChromaServer, free_port
from tests.support.cli import run
from tests.support.consistency import (
    assert_consistent,
    load_articles,
    rare_word,
    start_holding_ingest,
    write_corpus,
)

pytestmark = pytest.mark.chroma_server

WORKER = """
import json, sys
from bot.core.pipeline import Pipeline
from bot.settings import Settings
pipeline = Pipeline(Settings.from_env()).warm()
print("ready", flush=True)
for line in sys.stdin:
    hits = pipeline.retrieve(line.strip())
    print(json.dumps([[hit.chunk.id, hit.keyword_rank] for hit in hits]), flush=True)
"""
REFRESH_WAIT_S = 8.0


@pytest.fixture
def chroma(tmp_path: Path) -> Iterator[ChromaServer]:
    server = ChromaServer(tmp_path / "chroma-server").start()
    yield server
    server.stop()


def _server_settings(data_dir: Path, server: ChromaServer) -> Settings:
    return make_settings(data_dir, chroma_host=HOST, chroma_port=server.port)


def test_ingest_answer_and_status_use_the_server(tmp_path: Path, chroma: ChromaServer, embedder) -> None:
    settings = _server_settings(tmp_path / "data", chroma)
    report = ingest([SEEDS], settings.index, embedder=embedder)
    assert report.errors == [] and report.articles_added == 1
    assert not (settings.index.data_dir / "chroma").exists(), "server mode must not write an embedded store"

    answer = Pipeline(settings, embedder=embedder).answer(ZTE_QUESTION)
    assert not answer.refused and answer.citations
    assert "source code" in " ".join(c.quote for c in answer.citations).lower()

    env = {"NEWSBOT_DATA_DIR": str(tmp_path / "cli-data"), **chroma.env}
    status = run("status", "--json", cwd=tmp_path, env=env)
    assert status.returncode == 0, status.stderr
    shown = json.loads(status.stdout)
    assert shown["store"] == f"chroma server http://{HOST}:{chroma.port}"
    assert (shown["articles"], shown["chunks"]) == (1, report.chunks_added)
    assert shown["interrupted_write"] is False


def test_cli_ingest_ask_status_against_the_server(tmp_path: Path, chroma: ChromaServer, embedder) -> None:
    corpus = write_corpus(tmp_path / "corpus", 8)
    env = {"NEWSBOT_DATA_DIR": str(tmp_path / "data"), **chroma.env}
    ingested = run("ingest", str(corpus), "--json", cwd=tmp_path, env=env)
    assert ingested.returncode == 0, ingested.stderr
    assert json.loads(ingested.stdout)["articles_added"] == 8

    asked = run("ask", f"What was named the {rare_word(5)} plan?", "--json", cwd=tmp_path, env=env)
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert any(rare_word(5) in c["quote"] for c in answer["citations"]), answer

    other_machine = {"NEWSBOT_DATA_DIR": str(tmp_path / "elsewhere"), **chroma.env}
    status = run("status", "--json", cwd=tmp_path, env=other_machine)
    assert json.loads(status.stdout)["articles"] == 8, "another data dir sees the server's index"
    assert_consistent(
        _server_settings(tmp_path / "data", chroma), embedder, load_articles(corpus, make_settings(tmp_path))
    )


def _start_worker(tmp_path: Path, name: str, server: ChromaServer) -> subprocess.Popen[str]:
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER],
        cwd=tmp_path,
        env={**clean_env(), "NEWSBOT_DATA_DIR": str(tmp_path / name), **server.env},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert worker.stdout is not None and worker.stdout.readline().strip() == "ready", worker.stderr
    return worker


def _ask(worker: subprocess.Popen[str], question: str) -> list[tuple[str, int | None]]:
    assert worker.stdin is not None and worker.stdout is not None
    worker.stdin.write(question + "\n")
    worker.stdin.flush()
    return [(chunk_id, rank) for chunk_id, rank in json.loads(worker.stdout.readline())]


def test_two_workers_find_a_new_article_by_keyword_after_an_ingest_elsewhere(
    tmp_path: Path, chroma: ChromaServer, embedder
) -> None:
    corpus = write_corpus(tmp_path / "corpus", 6)
    ingester = _server_settings(tmp_path / "ingester", chroma)
    ingest([corpus], ingester.index, embedder=embedder)
    workers = [_start_worker(tmp_path, name, chroma) for name in ("worker-a", "worker-b")]
    try:
        new_word = rare_word(99)
        for worker in workers:
            assert _ask(worker, rare_word(2))[0][1] == 1, "BM25 works before the change"
            assert all(rank is None for _, rank in _ask(worker, new_word))

        late = tmp_path / "late"
        (late / "x").mkdir(parents=True)
        write_corpus(tmp_path / "staging", 100)
        (tmp_path / "staging" / "article-099.md").rename(late / "x" / "article-099.md")
        ingest([late], ingester.index, embedder=embedder)
        new_id = next(iter(load_articles(late, ingester)))
        generation = Store(ingester.index, embedder.name, embedder.dim, create=False).generation()

        for worker in workers:
            deadline = time.monotonic() + REFRESH_WAIT_S
            while True:
                hits = _ask(worker, new_word)
                if (f"{new_id}:0", 1) in hits or time.monotonic() > deadline:
                    break
                time.sleep(0.5)
            assert (f"{new_id}:0", 1) in hits, f"worker BM25 never refreshed: {hits}"
        for name in ("worker-a", "worker-b"):
            saved = KeywordIndex.load(keyword_dir(make_settings(tmp_path / name).index))
            assert saved is not None and saved.generation == generation
    finally:
        for worker in workers:
            worker.kill()
            worker.wait()


def test_server_down_is_a_clear_error_after_bounded_retries(tmp_path: Path, embedder) -> None:
    settings = make_settings(tmp_path / "data", chroma_host=HOST, chroma_port=free_port())
    started = time.monotonic()
    with pytest.raises(StoreError, match="CHROMA_HOST / CHROMA_PORT") as raised:
        Store(settings.index, embedder.name, embedder.dim, create=False)
    elapsed = time.monotonic() - started
    assert elapsed < 30, f"retries must be bounded, took {elapsed:.1f}s"
    assert f"{HOST}:{settings.index.chroma_port}" in str(raised.value)

    asked = run(
        "ask", "anything?", cwd=tmp_path, env={"CHROMA_HOST": HOST, "CHROMA_PORT": str(settings.index.chroma_port)}
    )
    assert asked.returncode == 1
    assert "CHROMA_HOST / CHROMA_PORT" in asked.stderr and "Traceback" not in asked.stderr


def test_server_gone_after_connecting_is_a_clear_error(tmp_path: Path, chroma: ChromaServer, embedder) -> None:
    settings = _server_settings(tmp_path / "data", chroma)
    ingest([SEEDS], settings.index, embedder=embedder)
    pipeline = Pipeline(settings, embedder=embedder).warm()
    chroma.stop(signal.SIGKILL)
    with pytest.raises(StoreError, match="CHROMA_HOST / CHROMA_PORT"):
        pipeline.answer(ZTE_QUESTION + " again")


@pytest.mark.parametrize("back_within_retries", [False, True], ids=["ingest-fails-then-rerun", "ingest-rides-it-out"])
def test_server_restarted_mid_ingest_leaves_nothing_missing_or_duplicated(
    tmp_path: Path, chroma: ChromaServer, embedder, back_within_retries: bool
) -> None:
    corpus = write_corpus(tmp_path / "corpus", 40)
    env = {"NEWSBOT_DATA_DIR": str(tmp_path / "data"), **chroma.env}
    release = tmp_path / "release"
    running = start_holding_ingest(corpus, release, cwd=tmp_path, env=env)

    chroma.stop(signal.SIGKILL)
    release.touch()
    if back_within_retries:
        time.sleep(1.0)
        chroma.start()
    _, err = running.communicate(timeout=120)
    if back_within_retries:
        assert running.returncode == 0, err[-2000:]
    else:
        assert running.returncode == 1, err[-2000:]
        assert "CHROMA_HOST / CHROMA_PORT" in err
        chroma.start()
        rerun = run("ingest", str(corpus), "--json", cwd=tmp_path, env=env)
        assert rerun.returncode == 0, rerun.stderr
        assert json.loads(rerun.stdout)["errors"] == []

    settings = _server_settings(tmp_path / "data", chroma)
    assert_consistent(settings, embedder, load_articles(corpus, settings))


def test_a_hung_server_is_a_clear_error_within_the_timeout_and_the_ingest_resumes(
    tmp_path: Path, chroma: ChromaServer, embedder
) -> None:
    """A stopped server (SIGSTOP: it accepts connections and answers nothing) must not hang `ask` or `ingest`."""
    corpus = write_corpus(tmp_path / "corpus", 6)
    env = {"NEWSBOT_DATA_DIR": str(tmp_path / "data"), "NEWSBOT_CHROMA_TIMEOUT": "2", **chroma.env}
    assert run("ingest", str(SEEDS), cwd=tmp_path, env=env).returncode == 0
    assert chroma.process is not None
    chroma.process.send_signal(signal.SIGSTOP)
    try:
        for args in (("ask", ZTE_QUESTION), ("ingest", str(corpus))):
            started = time.monotonic()
            result = run(*args, cwd=tmp_path, env=env)
            elapsed = time.monotonic() - started
            assert result.returncode == 1, result.stdout
            assert "did not answer within 2 s (NEWSBOT_CHROMA_TIMEOUT)" in result.stderr
            assert "Traceback" not in result.stderr
            assert elapsed < 60, f"{args[0]} took {elapsed:.0f} s against a hung server"
    finally:
        chroma.process.send_signal(signal.SIGCONT)
    resumed = run("ingest", str(corpus), cwd=tmp_path, env=env)
    assert resumed.returncode == 0, resumed.stderr
    assert run("ask", ZTE_QUESTION, cwd=tmp_path, env=env).returncode == 0
    settings = make_settings(tmp_path / "data", chroma_host=HOST, chroma_port=chroma.port)
    articles = {**load_articles(SEEDS, settings), **load_articles(corpus, settings)}
    assert_consistent(settings, embedder, articles)
