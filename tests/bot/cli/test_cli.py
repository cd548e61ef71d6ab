"""The command line end to end, as a user runs it: ingest, status, ask, exit codes and JSON shapes."""

import json
from pathlib import Path

import pytest

from tests.conftest import SEEDS, ZTE_QUESTION
from tests.support.cli import run


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli")
    result = run("ingest", str(SEEDS), "--json", "--data-dir", "data", cwd=path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["articles_added"] == 1 and report["errors"] == []
    return path


def test_ingest_json_shape_and_reingest(workdir: Path) -> None:
    result = run("ingest", str(SEEDS), "--json", "--data-dir", "data", cwd=workdir)
    report = json.loads(result.stdout)
    assert set(report) == {
        "articles_added",
        "articles_updated",
        "articles_unchanged",
        "articles_removed",
        "chunks_added",
        "chunks_removed",
        "duplicates",
        "errors",
        "seconds",
    }
    assert (report["chunks_added"], report["articles_unchanged"], result.returncode) == (0, 1, 0)


def test_ingest_exit_1_when_some_inputs_fail(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.md").write_text("---\ntitle: Good\n---\n\nA perfectly fine article about tides.\n")
    (corpus / "bad.json").write_text("{oops")
    result = run("ingest", str(corpus), "--json", "--data-dir", "data", cwd=tmp_path)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["articles_added"] == 1
    assert [Path(e["source"]).name for e in report["errors"]] == ["bad.json"]


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("ingest", cwd=tmp_path).returncode == 2
    missing = run("ingest", "no-such-folder", cwd=tmp_path)
    assert missing.returncode == 2 and "no-such-folder" in missing.stderr
    assert run("ask", cwd=tmp_path).returncode == 2


def test_ask_prints_answer_and_sources(workdir: Path) -> None:
    result = run("ask", ZTE_QUESTION, "--data-dir", "data", cwd=workdir)
    assert result.returncode == 0, result.stderr
    assert "labs in Italy and Belgium" in result.stdout
    assert "Sources" in result.stdout and "[1]" in result.stdout and "2019-03-27" in result.stdout


def test_ask_json_is_the_answer(workdir: Path) -> None:
    result = run("ask", ZTE_QUESTION, "--json", "--top-k", "4", "--data-dir", "data", cwd=workdir)
    answer = json.loads(result.stdout)
    assert {"question", "answer", "refused", "citations", "backend", "timings_ms"} <= set(answer)
    assert answer["question"] == ZTE_QUESTION and answer["refused"] is False
    assert {"n", "article_id", "title", "date", "source", "url", "quote", "chunk_id", "score"} <= set(
        answer["citations"][0]
    )


def test_ask_refusal(workdir: Path) -> None:
    result = run("ask", "What did Nokia say about 6G?", "--json", "--data-dir", "data", cwd=workdir)
    assert json.loads(result.stdout)["refused"] is True


def test_ask_without_an_index_says_what_to_do(tmp_path: Path) -> None:
    result = run("ask", ZTE_QUESTION, "--data-dir", "empty", cwd=tmp_path)
    assert result.returncode == 1
    assert "newsbot ingest" in result.stderr and "Traceback" not in result.stderr


def test_ask_with_an_unknown_embedder_says_which_ones_exist(workdir: Path) -> None:
    """The embedder loads on a worker thread beside the imports; its error still reaches the user as one line."""
    result = run("ask", ZTE_QUESTION, "--data-dir", "data", cwd=workdir, env={"NEWSBOT_EMBEDDER": "word2vec"})
    assert result.returncode == 1
    assert "unknown NEWSBOT_EMBEDDER" in result.stderr and "local" in result.stderr
    assert "Traceback" not in result.stderr


def test_status_json(workdir: Path) -> None:
    status = json.loads(run("status", "--json", "--data-dir", "data", cwd=workdir).stdout)
    assert status["articles"] == 1 and status["chunks"] >= 2
    assert status["embedder"] == "local:all-MiniLM-L6-v2-int8" and status["answer_backend"] == "extractive"


def test_data_dir_from_environment(workdir: Path) -> None:
    status = json.loads(run("status", "--json", cwd=workdir, env={"NEWSBOT_DATA_DIR": "data"}).stdout)
    assert status["articles"] == 1


def test_help_lists_every_command(tmp_path: Path) -> None:
    result = run("--help", cwd=tmp_path)
    for command in ("ingest", "ask", "chat", "status", "slack", "eval", "bench"):
        assert command in result.stdout
