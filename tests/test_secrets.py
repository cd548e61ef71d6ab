"""Secrets never leave the process: run every command with fake keys and tokens, at -vv, through its
success and error paths, and grep everything it printed, logged or wrote for them."""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_bolt import BoltRequest
from slack_sdk.signature import SignatureVerifier

from bot.core.models import Answer
from bot.settings import Settings
from bot.slack.app import create_app
from tests.support.cli import run
from tests.support.openai_server import Reply, ScriptedOpenAIServer, scripted_openai_server
from tests.support.slack_api import BOT_USER_ID, TEAM_ID, SlackApiServer

SECRETS = {
    "OPENAI_API_KEY": "sk-test-SECRET-openai-0123456789abcdef",
    "SLACK_BOT_TOKEN": "xoxb-SECRET-1111-2222-botTokenValue",
    "SLACK_APP_TOKEN": "xapp-1-SECRET-A111-2222-appTokenValue",
    "SLACK_SIGNING_SECRET": "SECRETsigning0123456789abcdef",
}
ARTICLES = [
    {"id": "zte", "title": "ZTE opens labs", "date": "2019-03-27", "source": "Global Times", "url": "https://e.org/z",
     "text": "ZTE opened a security lab in Brussels. Regulators may inspect its source code there."},
    {"id": "rain", "title": "Spring rain", "date": "2019-03-20", "source": "Daily", "url": "https://e.org/r",
     "text": "Heavy rain fell on Beijing on Tuesday. Parks were closed for the day."},
]  # fmt: skip
QUERIES = [
    {"id": "q1", "question": "Where did ZTE open a security lab?", "type": "answerable", "answers": ["Brussels"],
     "evidence": [{"article_id": "zte", "quote": "ZTE opened a security lab in Brussels."}]},
    {"id": "q2", "question": "What was Nokia's profit?", "type": "unanswerable", "answers": [], "evidence": []},
]  # fmt: skip


def assert_no_secret(where: str, text: str | bytes) -> None:
    """Neither a whole secret nor a telling piece of one (its last 12 characters)."""
    data = text if isinstance(text, bytes) else text.encode("utf-8", "replace")
    for name, secret in SECRETS.items():
        for piece in (secret, secret[-12:]):
            assert piece.encode() not in data, f"{name} leaked into {where}"


def assert_tree_clean(root: Path) -> int:
    files = [p for p in root.rglob("*") if p.is_file()]
    for path in files:
        assert_no_secret(str(path), path.read_bytes())
    return len(files)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("secrets")
    dataset = root / "dataset"
    dataset.mkdir()
    (dataset / "corpus.jsonl").write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), "utf-8")
    (dataset / "queries.jsonl").write_text("".join(json.dumps(q) + "\n" for q in QUERIES), "utf-8")
    return root


@pytest.fixture(scope="module")
def openai_server() -> Iterator[ScriptedOpenAIServer]:
    with scripted_openai_server() as server:
        yield server


def newsbot(workdir: Path, *args: str, **env: str) -> tuple[int, str]:
    result = run("-vv", *args, cwd=workdir, env={**SECRETS, "NEWSBOT_LLM": "extractive", **env})
    output = result.stdout + result.stderr
    assert_no_secret(f"`newsbot {' '.join(args)}`", output)
    return result.returncode, output


def indexed(workdir: Path, name: str) -> str:
    """A data dir with the dataset's corpus ingested (once per worker)."""
    data = workdir / name
    if not data.exists():
        code, _ = newsbot(workdir, "ingest", str(workdir / "dataset" / "corpus.jsonl"), "--data-dir", str(data))
        assert code == 0
    return str(data)


def test_index_commands_print_and_log_no_secret(workdir: Path) -> None:
    data = str(workdir / "data")
    code, output = newsbot(workdir, "ingest", str(workdir / "dataset" / "corpus.jsonl"), "--json", "--data-dir", data)
    assert code == 0 and '"articles_added": 2' in output
    code, output = newsbot(workdir, "status", "--json", "--data-dir", data)
    assert code == 0 and '"articles": 2' in output.replace(" ", "").replace('"articles":2', '"articles": 2')
    code, output = newsbot(workdir, "ask", "Where did ZTE open a security lab?", "--data-dir", data)
    assert code == 0 and "Brussels" in output
    code, output = newsbot(workdir, "ingest", str(workdir / "missing"), "--data-dir", data)
    assert code != 0 and "missing" in output
    assert assert_tree_clean(workdir / "data") > 0


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("ok", "Brussels"),
        ("401", "the API key was rejected (401) — check OPENAI_API_KEY"),
        ("unreachable", "cannot reach the LLM server"),
        ("500", "failed with HTTP 500"),
        ("400", "refused the request (HTTP 400): bad request for key ***"),
    ],
)
def test_ask_with_the_llm_backend_never_shows_the_key(
    workdir: Path, openai_server: ScriptedOpenAIServer, case: str, expected: str
) -> None:
    data = indexed(workdir, "llm-data")
    script = {
        "ok": Reply(text="ZTE opened a security lab in Brussels [1]."),
        "401": Reply(status=401, error=f"Incorrect API key provided: {SECRETS['OPENAI_API_KEY']}"),
        "500": Reply(status=500, error=f"upstream failed for key {SECRETS['OPENAI_API_KEY']}"),
        "400": Reply(status=400, error=f"bad request for key {SECRETS['OPENAI_API_KEY']}"),
        "unreachable": Reply(text="unused"),
    }[case]
    openai_server.set_script([script])
    base_url = f"http://127.0.0.1:{free_port()}/v1" if case == "unreachable" else openai_server.base_url
    env = {"NEWSBOT_LLM": "openai:scripted-model", "OPENAI_BASE_URL": base_url, "NEWSBOT_LLM_RETRIES": "0"}
    code, output = newsbot(workdir, "ask", "Where did ZTE open a security lab?", "--json", "--data-dir", data, **env)
    assert expected in output
    assert (code == 0) == (case == "ok")
    if case != "unreachable":
        sent = openai_server.requests[-1].headers
        assert sent.get("authorization") == f"Bearer {SECRETS['OPENAI_API_KEY']}", "the key must still be used"


def test_eval_reports_hold_no_secret(workdir: Path, openai_server: ScriptedOpenAIServer) -> None:
    out = workdir / "eval-out"
    code, output = newsbot(workdir, "eval", str(workdir / "dataset"), "--data-dir", str(workdir / "eval-data"),
                           "--out", str(out))  # fmt: skip
    assert code == 0, output
    assert {"report.md", "results.json"} <= {p.name for p in out.iterdir()}
    assert_tree_clean(out)
    assert_tree_clean(workdir / "eval-data")

    openai_server.set_script([Reply(status=401, error=f"bad key {SECRETS['OPENAI_API_KEY']}")])
    env = {"NEWSBOT_LLM": "openai:scripted-model", "OPENAI_BASE_URL": openai_server.base_url}
    code, output = newsbot(workdir, "eval", str(workdir / "dataset"), "--data-dir", str(workdir / "eval-data"),
                           "--out", str(workdir / "eval-llm"), "--json", **env)  # fmt: skip
    assert "OPENAI_API_KEY" in output or code == 0
    if (workdir / "eval-llm").exists():
        assert_tree_clean(workdir / "eval-llm")


@pytest.mark.parametrize("problem", ["rejected token", "unreachable api"])
def test_slack_start_up_errors_name_the_variable_not_its_value(workdir: Path, problem: str) -> None:
    with SlackApiServer("xoxb-some-other-token") as api:
        url = api.url if problem == "rejected token" else f"http://127.0.0.1:{free_port()}/api/"
        port = str(free_port())
        code, output = newsbot(workdir, "slack", "--http", "--port", port, "--data-dir", indexed(workdir, "slack-data"),
                               SLACK_API_URL=url)  # fmt: skip
    assert code != 0
    assert "SLACK_BOT_TOKEN" in output or "SLACK_API_URL" in output


class FailingPipeline:
    def answer(self, question: str, *, history: object = ()) -> Answer:
        raise ConnectionError(f"backend down (key {SECRETS['OPENAI_API_KEY'][:3]}…)")


def test_the_slack_app_logs_no_token_at_debug(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with SlackApiServer(SECRETS["SLACK_BOT_TOKEN"]) as api:
        settings = Settings.from_env(
            None,
            data_dir=tmp_path / "data",
            slack_bot_token=SECRETS["SLACK_BOT_TOKEN"],
            slack_signing_secret=SECRETS["SLACK_SIGNING_SECRET"],
            slack_app_token=SECRETS["SLACK_APP_TOKEN"],
            slack_api_url=api.url,
            slack_progress="status",  # the apology is then posted (a progress stream would be replaced)
        )
        bot = create_app(settings, FailingPipeline())
        message = api.add_message("C0NEWS", "U0ALICE", f"<@{BOT_USER_ID}> What did ZTE open?")
        event = {**message, "type": "app_mention", "channel": "C0NEWS", "event_ts": message["ts"]}
        body = json.dumps({"team_id": TEAM_ID, "api_app_id": "A0", "event": event, "type": "event_callback",
                           "event_id": "Ev1", "event_time": int(time.time())})  # fmt: skip
        stamp = str(int(time.time()))
        signature = SignatureVerifier(SECRETS["SLACK_SIGNING_SECRET"]).generate_signature(timestamp=stamp, body=body)
        headers = {"content-type": ["application/json"], "x-slack-request-timestamp": [stamp],
                   "x-slack-signature": [signature or ""]}  # fmt: skip
        assert bot.app.dispatch(BoltRequest(body=body, headers=headers)).status == 200
        forged = {**headers, "x-slack-signature": ["v0=" + "0" * 64]}
        assert bot.app.dispatch(BoltRequest(body=body, headers=forged)).status == 401
        assert bot.wait_idle()
        bot.close()
        apology = api.wait_for("chat.postMessage")[0]
    assert "Sorry" in apology.params["text"]
    assert any(r.levelno == logging.DEBUG for r in caplog.records)
    assert_no_secret("the Slack app's log", "\n".join(r.getMessage() for r in caplog.records) + caplog.text)


def test_settings_never_show_secrets() -> None:
    settings = Settings.from_env(
        None,
        openai_api_key=SECRETS["OPENAI_API_KEY"],
        slack_bot_token=SECRETS["SLACK_BOT_TOKEN"],
        slack_app_token=SECRETS["SLACK_APP_TOKEN"],
        slack_signing_secret=SECRETS["SLACK_SIGNING_SECRET"],
    )
    for shown in (repr(settings), str(settings), settings.model_dump_json(), str(settings.model_dump())):
        assert_no_secret("the settings' text", shown)
    assert (
        settings.openai.openai_api_key is not None
        and settings.openai.openai_api_key.get_secret_value() == SECRETS["OPENAI_API_KEY"]
    )


def test_settings_overrides_keep_secrets_secret() -> None:
    """The CLI and tests derive settings with `with_overrides`; a secret given there stays a SecretStr."""
    settings = Settings.from_env(None).with_overrides(
        openai_api_key=SECRETS["OPENAI_API_KEY"], slack_bot_token=SECRETS["SLACK_BOT_TOKEN"], top_k=3
    )
    assert settings.answer.top_k == 3
    assert_no_secret("overridden settings", repr(settings) + settings.model_dump_json())
    assert settings.slack.slack_bot_token is not None
    assert settings.slack.slack_bot_token.get_secret_value() == SECRETS["SLACK_BOT_TOKEN"]
