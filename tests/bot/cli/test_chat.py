"""The chat REPL driven through stdin, as in a pipe."""

from pathlib import Path

from tests.conftest import SEEDS, ZTE_QUESTION
from tests.support.cli import run


def test_repl_follow_up_sources_reset_and_quit(tmp_path: Path) -> None:
    assert run("ingest", str(SEEDS), "--data-dir", "data", cwd=tmp_path).returncode == 0
    script = "\n".join(
        [ZTE_QUESTION, "/sources", "and what about Huawei?", "/reset", "/help", "/bogus", "/quit", "ignored"]
    )
    result = run("chat", "--data-dir", "data", cwd=tmp_path, stdin=script + "\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "labs in Italy and Belgium" in out
    assert out.count("Sources") >= 2, "/sources repeats the last answer's sources"
    assert "(searching for: What did Huawei say about source code?)" in out
    assert "(conversation reset)" in out and "/quit" in out and "unknown command /bogus" in out
    assert out.count("searching for") == 1
