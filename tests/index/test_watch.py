"""`newsbot watch` against a local feed server: new items within one period, 304s, backoff, kill and restart."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from index.period import FORMAT
from index.watch import Watcher, WatchState, state_path
from measure.eval.stories import load
from tests.conftest import clean_env
from tests.support.feed_server import FeedServer

NEWSBOT = str(Path(sys.executable).parent / "newsbot")
WAIT_S = 180  # generous: a poll that ingests starts an embedder in a fresh process


def _items(n: int) -> list[dict[str, str]]:
    originals = [i for i in load() if i["kind"] == "original"]
    return [
        {
            "title": str(item["title"]),
            "link": f"https://wire.example/{k}",
            "date": "Tue, 02 Apr 2024 10:00:00 GMT",
            "text": str(item["text"]),
        }
        for k, item in enumerate(originals[:n])
    ]


class Lines:
    """The watcher's stdout, line by line, read on a thread so a test can wait for the next one."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self._queue: queue.Queue[str] = queue.Queue()
        assert process.stdout is not None
        stream = process.stdout
        threading.Thread(target=lambda: [self._queue.put(line) for line in stream], daemon=True).start()

    def next(self) -> str:
        return self._queue.get(timeout=WAIT_S)


def _watch(url: str, data: Path, every: str) -> tuple[subprocess.Popen[str], Lines]:
    command = [NEWSBOT, "watch", url, "--every", every, "--data-dir", str(data)]
    process = subprocess.Popen(command, env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return process, Lines(process)


@pytest.mark.slow
def test_watch_picks_up_new_items_handles_304_and_resumes_after_kill(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with FeedServer() as feed:
        feed.set_items(_items(2))
        process, lines = _watch(feed.url, data, "2s")
        try:
            first = lines.next()
            assert "200 2 items: 2 new" in first, first
            assert "304 not modified" in lines.next(), "an unchanged feed is answered 304 and nothing is parsed"
            feed.set_items(_items(3))
            picked = lines.next()
            assert "200 3 items: 1 new, 0 updated, 2 unchanged" in picked, "the next poll after a change has it"
            assert "chunks embedded" in picked and "0 chunks embedded" not in picked
        finally:
            process.kill()
            process.wait()
        saved = WatchState.load(data / "watch" / "articles.json").feeds[feed.url]
        assert saved.etag and saved.items_seen == 3 and saved.failures == 0

        served = len(feed.requests)
        process, lines = _watch(feed.url, data, "2s")
        try:
            resumed = lines.next()
            assert "304 not modified" in resumed, "after a kill the validators survive: the first poll is conditional"
            assert feed.requests[served] == (True, 304)
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=WAIT_S) == 0, "SIGTERM stops the watcher cleanly"
        finally:
            if process.poll() is None:
                process.kill()


def test_a_failing_feed_backs_off_and_recovers(tmp_path: Path, settings, embedder) -> None:
    said: list[str] = []
    with FeedServer() as feed:
        feed.set_items(_items(1))
        feed.status = 503
        watcher = Watcher([feed.url], 60, settings.index, embedder=embedder, say=said.append)
        assert [watcher.poll(feed.url), watcher.poll(feed.url), watcher.poll(feed.url)] == [60, 120, 240]
        assert "error: HTTP 503" in said[0] and "next poll in 4m" in said[2]
        feed.status = 200
        assert watcher.poll(feed.url) == 60
        assert "200 1 items: 1 new" in said[3]
    state = WatchState.load(state_path(settings.index)).feeds[feed.url]
    assert state.failures == 0 and state.etag


def test_watch_cli_needs_a_feed(tmp_path: Path) -> None:
    result = subprocess.run(
        [NEWSBOT, "watch", "--data-dir", str(tmp_path)],
        env=clean_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "at least one feed" in result.stderr
    assert not os.path.exists(tmp_path / "watch")


def test_watch_cli_reads_every_with_the_shared_period_grammar(tmp_path: Path) -> None:
    def watch(every: str) -> subprocess.CompletedProcess[str]:
        command = [NEWSBOT, "watch", "http://127.0.0.1:9/feed.xml", "--every", every, "--once"]
        return subprocess.run([*command, "--data-dir", str(tmp_path)], env=clean_env(), capture_output=True, text=True)

    wrong = watch("daily")
    assert wrong.returncode == 2 and f"--every 'daily': give {FORMAT}" in wrong.stderr
    weekly = watch("1w")
    assert weekly.returncode == 0 and "next poll in 1w" in weekly.stdout, weekly.stderr
