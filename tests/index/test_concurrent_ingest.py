"""Two ingests at once: on one data dir the second stops with a clear message or waits (--wait); on
one Chroma server shared by two machines (two data dirs), the collection's write lease does the same.
Either way the store ends consistent."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bot.settings import Settings
from index.ingest import ingest
from index.lock import IngestBusy, IngestLock
from index.models import Article
from index.store import Store
from tests.conftest import make_settings
from tests.support.chroma_server import ChromaServer
from tests.support.cli import run
from tests.support.consistency import assert_consistent, load_articles, start_holding_ingest, write_corpus


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Two halves in sibling folders, so two ingests have different work and one union to check."""
    root = tmp_path / "corpus"
    write_corpus(root / "a", 12)
    for path in sorted((root / "a").iterdir())[6:]:
        (root / "b").mkdir(exist_ok=True)
        path.rename(root / "b" / path.name)
    return root


def _both_halves(corpus: Path, settings: Settings) -> dict[str, Article]:
    """Article ids derive from the path under the input folder, so each half is loaded as it was ingested."""
    return {**load_articles(corpus / "a", settings), **load_articles(corpus / "b", settings)}


def _finish(process: subprocess.Popen[str], release: Path) -> str:
    release.touch()
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err[-2000:]
    return out


def test_second_cli_ingest_exits_1_with_a_clear_message_and_waits_with_wait(
    tmp_path: Path, corpus: Path, embedder
) -> None:
    data = tmp_path / "data"
    release = tmp_path / "release"
    first = start_holding_ingest(corpus / "a", release, cwd=tmp_path, env={"NEWSBOT_DATA_DIR": str(data)})

    busy = run("ingest", str(corpus / "b"), "--data-dir", str(data), cwd=tmp_path)
    assert busy.returncode == 1
    assert f"another ingest (pid {first.pid})" in busy.stderr and "--wait" in busy.stderr
    assert "Traceback" not in busy.stderr

    threading.Timer(1.0, release.touch).start()
    waited = run("ingest", str(corpus / "b"), "--data-dir", str(data), "--wait", "120", "--json", cwd=tmp_path)
    assert waited.returncode == 0, waited.stderr
    _finish(first, release)

    settings = make_settings(data)
    assert_consistent(settings, embedder, _both_halves(corpus, settings))


def test_two_waiting_ingests_started_together_both_complete(tmp_path: Path, corpus: Path, embedder) -> None:
    data = tmp_path / "data"
    runs: dict[str, subprocess.CompletedProcess[str]] = {}

    def go(part: str) -> None:
        runs[part] = run("ingest", str(corpus / part), "--data-dir", str(data), "--wait", "120", cwd=tmp_path)

    threads = [threading.Thread(target=go, args=(part,)) for part in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.returncode for r in runs.values()] == [0, 0], [r.stderr for r in runs.values()]
    settings = make_settings(data)
    assert_consistent(settings, embedder, _both_halves(corpus, settings))


def test_lock_is_released_when_its_holder_dies(tmp_path: Path) -> None:
    """flock belongs to the process: a killed ingest cannot leave the data dir locked."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from index.lock import IngestLock\n"
            "with IngestLock(Path(sys.argv[1])):\n    print('locked', flush=True); time.sleep(600)",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    with pytest.raises(IngestBusy, match=f"pid {holder.pid}"), IngestLock(tmp_path):
        pass
    holder.kill()
    holder.wait()
    with IngestLock(tmp_path, wait_s=5):
        pass


# -- one Chroma server, two machines (two data dirs, so no shared flock) -----------------------------


@pytest.fixture
def chroma(tmp_path: Path):  # type: ignore[no-untyped-def]
    server = ChromaServer(tmp_path / "chroma-server").start()
    yield server
    server.stop()


@pytest.mark.chroma_server
def test_server_lease_stops_an_ingest_from_another_machine(tmp_path: Path, corpus: Path, chroma, embedder) -> None:
    release = tmp_path / "release"
    machine_a = {"NEWSBOT_DATA_DIR": str(tmp_path / "a"), **chroma.env}
    first = start_holding_ingest(corpus / "a", release, cwd=tmp_path, env=machine_a)

    machine_b = make_settings(tmp_path / "b", chroma_host="127.0.0.1", chroma_port=chroma.port)
    with pytest.raises(IngestBusy, match=f"another ingest \\(pid {first.pid} on "):
        ingest([corpus / "b"], machine_b.index, embedder=embedder)
    busy = run("ingest", str(corpus / "b"), cwd=tmp_path, env={"NEWSBOT_DATA_DIR": str(tmp_path / "b"), **chroma.env})
    assert busy.returncode == 1 and "another ingest" in busy.stderr

    _finish(first, release)
    ingest([corpus / "b"], machine_b.index, embedder=embedder)
    assert_consistent(machine_b, embedder, _both_halves(corpus, machine_b))


@pytest.mark.chroma_server
def test_server_lease_of_a_dead_or_expired_writer_is_taken_over(tmp_path: Path, corpus: Path, chroma, embedder) -> None:
    settings = make_settings(tmp_path / "data", chroma_host="127.0.0.1", chroma_port=chroma.port)
    ingest([corpus / "a"], settings.index, embedder=embedder)
    store = Store(settings.index, embedder.name, embedder.dim, create=False)
    dead = subprocess.Popen(["true"])
    dead.wait()
    here = socket.gethostname()
    cases = [
        (f"{here}|{dead.pid}|t1", time.time() + 600, True),
        ("elsewhere|123|t2", time.time() - 1, True),
        ("elsewhere|123|t3", time.time() + 600, False),
    ]
    for version, (writer, until, free) in enumerate(cases, start=2):
        store._set_metadata(writer=writer, lease_until=until)
        write_corpus(corpus / "a", 6, version=version)
        if free:
            ingest([corpus / "a"], settings.index, embedder=embedder)
            assert store.metadata()["writer"] == "", "a finished ingest releases its lease"
        else:
            with pytest.raises(IngestBusy, match="pid 123 on elsewhere"):
                ingest([corpus / "a"], settings.index, embedder=embedder)
    store._set_metadata(writer="", lease_until=0.0)
    ingest([corpus / "a"], settings.index, embedder=embedder)
    assert_consistent(settings, embedder, load_articles(corpus / "a", settings))


@pytest.mark.chroma_server
def test_server_lease_honours_wait(tmp_path: Path, corpus: Path, chroma, embedder) -> None:
    """With --wait, an ingest from another machine waits for the lease instead of failing."""
    release = tmp_path / "release"
    machine_a = {"NEWSBOT_DATA_DIR": str(tmp_path / "a"), **chroma.env}
    first = start_holding_ingest(corpus / "a", release, cwd=tmp_path, env=machine_a)
    machine_b = make_settings(tmp_path / "b", chroma_host="127.0.0.1", chroma_port=chroma.port)
    Store(machine_b.index, embedder.name, embedder.dim, create=False)  # warm imports: B reaches the lease at once
    threading.Timer(3.0, release.touch).start()
    try:
        ingest([corpus / "b"], machine_b.index, embedder=embedder, wait_s=120)
    finally:
        _finish(first, release)
    assert_consistent(machine_b, embedder, _both_halves(corpus, machine_b))
