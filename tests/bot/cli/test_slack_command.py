"""`newsbot slack`: credentials are checked before anything starts; HTTP mode runs as a user runs it."""

from __future__ import annotations

import json
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from slack_sdk.signature import SignatureVerifier

from bot.cli.main import main
from bot.settings import Settings
from bot.slack.app import create_app
from bot.slack.credentials import SlackConfigError
from tests.conftest import REPO, ZTE_QUESTION, clean_env
from tests.support.slack_api import BOT_USER_ID, TEAM_ID, SlackApiServer
from tests.support.slack_app import BOT_TOKEN, SIGNING_SECRET, FakePipeline, slack_settings


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run where no `.env` can supply settings."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


BOT = {"SLACK_BOT_TOKEN": BOT_TOKEN}
HTTP = BOT | {"SLACK_SIGNING_SECRET": SIGNING_SECRET}


@pytest.mark.parametrize(
    ("env", "args", "variable"),
    [
        ({}, ["--http"], "SLACK_BOT_TOKEN is not set"),
        ({"SLACK_BOT_TOKEN": "xoxp-user-token"}, ["--http"], "SLACK_BOT_TOKEN is malformed"),
        ({"SLACK_BOT_TOKEN": "xoxb-has spaces"}, ["--socket"], "SLACK_BOT_TOKEN is malformed"),
        (BOT, ["--socket"], "SLACK_APP_TOKEN is not set"),
        (BOT | {"SLACK_APP_TOKEN": "xoxb-wrong-kind"}, ["--socket"], "SLACK_APP_TOKEN is malformed"),
        (BOT | {"SLACK_APP_TOKEN": "xapp-"}, [], "SLACK_APP_TOKEN is malformed"),
        (BOT, ["--http", "--port", "0"], "SLACK_SIGNING_SECRET is not set"),
        (BOT, ["--port", "0"], "SLACK_SIGNING_SECRET is not set"),
        (BOT, [], "SLACK_SIGNING_SECRET is not set"),
        (BOT | {"SLACK_SIGNING_SECRET": "not a secret!"}, ["--http"], "SLACK_SIGNING_SECRET is malformed"),
        (HTTP | {"SLACK_API_URL": "slack.com/api"}, ["--http"], "SLACK_API_URL must be an http(s) URL"),
    ],
)
def test_missing_or_malformed_credentials_name_the_variable_before_starting(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], args: list[str], variable: str
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = CliRunner().invoke(main, ["slack", *args, "--data-dir", str(in_tmp / "none")])
    assert result.exit_code == 2, result.output
    assert variable in result.output
    for key, value in env.items():
        if key != "SLACK_API_URL" and len(value) > len("xapp-"):
            assert value not in result.output
    assert not (in_tmp / "none").exists()


def test_socket_mode_opens_no_port(in_tmp: Path) -> None:
    result = CliRunner().invoke(main, ["slack", "--socket", "--port", "3000"])
    assert result.exit_code == 2
    assert "--port is for --http" in result.output


def test_a_token_slack_rejects_is_named_without_echoing_it(tmp_path: Path) -> None:
    with SlackApiServer("xoxb-the-real-one") as api:
        settings = slack_settings(tmp_path, api.url)
        with pytest.raises(SlackConfigError) as error:
            create_app(settings, FakePipeline())
    assert "SLACK_BOT_TOKEN" in str(error.value) and "invalid_auth" in str(error.value)
    assert BOT_TOKEN not in str(error.value)


def test_an_unreachable_api_url_is_named(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings = slack_settings(tmp_path, f"http://127.0.0.1:{closed_port}/api/")
    with pytest.raises(SlackConfigError, match="SLACK_API_URL"):
        create_app(settings, FakePipeline())


def _read_lines(stream, lines: queue.Queue[str]) -> None:  # type: ignore[no-untyped-def]
    for line in stream:
        lines.put(line)


def test_http_mode_end_to_end_as_a_user_runs_it(tmp_path: Path, seeded_settings: Settings) -> None:
    """`newsbot slack --http` in its own process over a copy of the seeded index; SIGTERM stops it cleanly."""
    data_dir = tmp_path / "data"
    shutil.copytree(seeded_settings.index.data_dir, data_dir)
    with SlackApiServer(BOT_TOKEN) as api:
        env = clean_env() | {
            "NEWSBOT_DATA_DIR": str(data_dir),
            "NEWSBOT_LLM": "extractive",
            "NEWSBOT_SLACK_PROGRESS": "status",  # progress as before: 👀, one posted answer
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": api.url,
            "PYTHONPATH": str(REPO),
        }
        command = [sys.executable, "-c", "from bot.cli.main import main; main()", "slack", "--http", "--port", "0"]
        process = subprocess.Popen(command, cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True)
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=_read_lines, args=(process.stderr, lines), daemon=True).start()
        try:
            base = None
            while base is None:
                line = lines.get(timeout=300)
                found = re.search(r"on (http://127\.0\.0\.1:\d+)/slack/events", line)
                base = found.group(1) if found else None
            with urllib.request.urlopen(base + "/health", timeout=30) as health:
                assert json.loads(health.read())["ok"] is True

            message = api.add_message("C0NEWS", "U0ALICE", f"<@{BOT_USER_ID}> {ZTE_QUESTION}")
            body = json.dumps(
                {
                    "type": "event_callback",
                    "team_id": TEAM_ID,
                    "event_id": "Ev0E2E",
                    "event": {**message, "type": "app_mention", "channel": "C0NEWS"},
                }
            ).encode()
            timestamp = str(int(time.time()))
            signature = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=timestamp, body=body)
            request = urllib.request.Request(
                base + "/slack/events",
                data=body,
                headers={
                    "Content-Type": "application/json",
                    "X-Slack-Request-Timestamp": timestamp,
                    "X-Slack-Signature": signature or "",
                },
            )
            with urllib.request.urlopen(request, timeout=30) as response:
                assert response.status == 200
            [answer] = api.wait_for("chat.postMessage", timeout=300)
            assert answer.params["thread_ts"] == message["ts"]
            assert "source code" in json.dumps(answer.params["blocks"])
            api.wait_for("reactions.remove", timeout=60)
        finally:
            process.send_signal(signal.SIGTERM)
            returncode = process.wait(timeout=60)
    assert returncode == 0


def test_a_missing_index_fails_at_start_not_at_the_first_question(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in HTTP.items():
        monkeypatch.setenv(key, value)
    result = CliRunner().invoke(main, ["slack", "--http", "--port", "0", "--data-dir", str(in_tmp / "empty")])
    assert result.exit_code == 1
    assert "no index yet" in result.output and "newsbot ingest" in result.output
