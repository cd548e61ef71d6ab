"""The entry module under real servers in their own processes, configured only by the environment: a WSGI
server (`bot.slack.entry:application`) and uvicorn (`bot.slack.entry:app`) each answer a signed mention
with the real pipeline over the seeds, and turn away a forged one."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import Settings
from bot.slack.history import ANSWER_EVENT
from tests.conftest import REPO, ZTE_QUESTION, clean_env
from tests.support.slack_api import BOT_USER_ID, SlackApiServer
from tests.support.slack_app import BOT_TOKEN, SIGNING_SECRET, SlackClient

WSGI = (
    "import sys; from wsgiref.simple_server import make_server; import bot.slack.entry as entry; "
    "server = make_server('127.0.0.1', int(sys.argv[1]), entry.application); server.serve_forever()"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_healthy(base: str, process: subprocess.Popen[bytes], timeout: float = 240.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            with urllib.request.urlopen(base + "/health", timeout=5) as response:
                assert json.loads(response.read())["ok"] is True
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise AssertionError("the server never became healthy")


@pytest.fixture
def data_dir(seeded_settings: Settings, tmp_path: Path) -> Path:
    """A private copy of the seed index: the server process writes caches and feedback into it."""
    return Path(shutil.copytree(seeded_settings.index.data_dir, tmp_path / "data"))


@pytest.fixture
def slack_api() -> Iterator[SlackApiServer]:
    with SlackApiServer(BOT_TOKEN) as api:
        yield api


@pytest.fixture(params=["wsgi", "asgi"])
def served(request: pytest.FixtureRequest, data_dir: Path, slack_api: SlackApiServer, tmp_path: Path) -> Iterator[str]:
    """The entry module served by a real server process on 127.0.0.1 (cwd has no `.env`)."""
    port = free_port()
    if request.param == "wsgi":
        command = [sys.executable, "-c", WSGI, str(port)]
    else:
        command = [sys.executable, "-m", "uvicorn", "bot.slack.entry:app", "--host", "127.0.0.1", "--port", str(port)]
    env = {**clean_env(), "PYTHONPATH": str(REPO), "NEWSBOT_DATA_DIR": str(data_dir), "SLACK_BOT_TOKEN": BOT_TOKEN,
           "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": slack_api.url}  # fmt: skip
    process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=60)


def test_the_entry_module_answers_a_signed_mention_under_a_real_server(served: str, slack_api: SlackApiServer) -> None:
    slack = SlackClient(served, slack_api)
    event = slack.mention(ZTE_QUESTION)
    # By default progress shows as task updates in the answer's own stream, which the stop completes.
    [stop] = slack_api.wait_for("chat.stopStream", timeout=240)
    [start] = slack_api.calls("chat.startStream")
    assert start.params["thread_ts"] == event["ts"] and start.params["channel"] == "C0NEWS"
    assert start.params["task_display_mode"] == "plan"
    assert stop.params["metadata"]["event_type"] == ANSWER_EVENT
    assert any(b["text"]["text"].startswith("*Sources*") for b in stop.params["blocks"] if b["type"] == "section")
    assert slack_api.calls("chat.postMessage") == []

    forged = SlackClient(served, slack_api, secret="0" * 32)
    body = {"type": "event_callback", "team_id": "T0TEST", "event": {"type": "app_mention", "channel": "C0NEWS",
            "user": "U0EVE", "text": f"<@{BOT_USER_ID}> leak", "ts": slack_api.next_ts()}}  # fmt: skip
    assert forged.post("/slack/events", json.dumps(body).encode(), "application/json") == 401
