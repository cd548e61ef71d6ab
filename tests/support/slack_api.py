"""A local stand-in for Slack's Web API on 127.0.0.1: records every call and answers like Slack.

It keeps the messages of each conversation, so `conversations.replies` returns what people and the bot
really posted in a thread (tests add people's posts with `add_message`), and `chat.update` and the
streaming methods change them as Slack would. It also takes `response_url` posts (slash commands,
interactive messages) at `/response/<id>`. The assistant, streaming and Socket Mode methods are in
`slack_ai_api.py`.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

BOT_USER_ID = "UNEWSBOT"
BOT_ID = "BNEWSBOT"
TEAM_ID = "T0TEST"

# Parameters Slack takes as JSON strings in form-encoded calls.
_JSON_PARAMS = {"blocks", "attachments", "metadata", "view", "chunks", "prompts"}


@dataclass(frozen=True)
class Call:
    """One request the app made: the API method (or `response_url:<id>`), its parameters and token."""

    method: str
    params: dict[str, Any]
    token: str | None


@dataclass
class SlackApiState:
    token: str
    app_token: str | None = None
    socket_url: str | None = None
    calls: list[Call] = field(default_factory=list)
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    failures: dict[str, list[str]] = field(default_factory=dict)
    clock: int = 0
    admins: set[str] = field(default_factory=set)
    no_chunks: bool = False
    lock: threading.Condition = field(default_factory=threading.Condition)


class SlackApiServer:
    """Start with `with SlackApiServer(token) as api:`; point a WebClient at `api.url`."""

    def __init__(self, token: str, app_token: str | None = None) -> None:
        self.state = SlackApiState(token=token, app_token=app_token)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.state))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def url(self) -> str:
        """The Web API base URL, as `SLACK_API_URL` takes it."""
        return self.base + "/api/"

    def response_url(self, name: str) -> str:
        return f"{self.base}/response/{name}"

    def __enter__(self) -> SlackApiServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    # --- the test's side ---

    def next_ts(self) -> str:
        with self.state.lock:
            return _next_ts(self.state)

    def add_message(
        self, channel: str, user: str, text: str, *, thread_ts: str | None = None, ts: str | None = None
    ) -> dict[str, Any]:
        """A person's post, as Slack would store it before sending the event."""
        with self.state.lock:
            message = {"type": "message", "user": user, "text": text, "blocks": [], "ts": ts or _next_ts(self.state)}
            if thread_ts:
                message["thread_ts"] = thread_ts
            self.state.messages.setdefault(channel, []).append(message)
            return dict(message)

    def fail(self, method: str, error: str, times: int = 1) -> None:
        """Make the next `times` calls of `method` answer `{"ok": false, "error": error}`."""
        with self.state.lock:
            self.state.failures.setdefault(method, []).extend([error] * times)

    def calls(self, method: str | None = None) -> list[Call]:
        with self.state.lock:
            return [c for c in self.state.calls if method is None or c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 30.0) -> list[Call]:
        """Block until `method` was called at least `count` times; returns those calls."""
        deadline = time.monotonic() + timeout
        with self.state.lock:
            while True:
                found = [c for c in self.state.calls if c.method == method]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} {method} call(s), saw {len(found)}")
                self.state.lock.wait(left)

    def transcript(self, methods: tuple[str, ...] = ()) -> list[str]:
        """The calls as one line each (method and its parameters), in the order the app made them."""
        calls = [c for c in self.calls() if c.method in methods or not methods]
        return [f"{c.method} {json.dumps(c.params, ensure_ascii=False)}" for c in calls]

    def thread(self, channel: str, thread_ts: str) -> list[dict[str, Any]]:
        with self.state.lock:
            return _thread(self.state, channel, thread_ts)


def _next_ts(state: SlackApiState) -> str:
    state.clock += 1
    return f"{1_700_000_000 + state.clock}.{state.clock:06d}"


def _thread(state: SlackApiState, channel: str, thread_ts: str) -> list[dict[str, Any]]:
    found = [
        dict(m) for m in state.messages.get(channel, []) if m["ts"] == thread_ts or m.get("thread_ts") == thread_ts
    ]
    return sorted(found, key=lambda m: Decimal(m["ts"]))


def _post(state: SlackApiState, params: dict[str, Any]) -> dict[str, Any]:
    channel = params.get("channel")
    if not channel:
        return {"ok": False, "error": "channel_not_found"}
    if not params.get("text") and not params.get("blocks"):
        return {"ok": False, "error": "no_text"}
    message = {
        "type": "message",
        "user": BOT_USER_ID,
        "bot_id": BOT_ID,
        "text": params.get("text", ""),
        "blocks": params.get("blocks") or [],
        "ts": _next_ts(state),
    }
    if params.get("thread_ts"):
        message["thread_ts"] = params["thread_ts"]
    if params.get("metadata"):
        message["metadata"] = params["metadata"]
    state.messages.setdefault(channel, []).append(message)
    return {"ok": True, "channel": channel, "ts": message["ts"], "message": message}


def find_message(state: SlackApiState, channel: str, ts: str) -> dict[str, Any] | None:
    return next((m for m in state.messages.get(channel, []) if m["ts"] == ts), None)


def _update(state: SlackApiState, params: dict[str, Any]) -> dict[str, Any]:
    message = find_message(state, params.get("channel", ""), params.get("ts", ""))
    if message is None:
        return {"ok": False, "error": "message_not_found"}
    if not params.get("text") and not params.get("blocks"):
        return {"ok": False, "error": "no_text"}
    message["text"] = params.get("text", "")
    message["blocks"] = params.get("blocks") or []
    if params.get("metadata"):
        message["metadata"] = params["metadata"]
    message["edited"] = {"user": BOT_USER_ID, "ts": _next_ts(state)}
    return {"ok": True, "channel": params["channel"], "ts": params["ts"], "text": message["text"]}


def _replies(state: SlackApiState, params: dict[str, Any]) -> dict[str, Any]:
    messages = _thread(state, params.get("channel", ""), params.get("ts", ""))
    if params.get("oldest"):
        messages = [m for m in messages if Decimal(m["ts"]) >= Decimal(str(params["oldest"]))]
    if not messages:
        return {"ok": False, "error": "thread_not_found"}
    if str(params.get("include_all_metadata", "")).lower() not in ("1", "true"):
        for message in messages:
            message.pop("metadata", None)
    start = int(params.get("cursor") or 0)
    limit = int(params.get("limit") or 1000)
    page = messages[start : start + limit]
    more = start + limit < len(messages)
    return {
        "ok": True,
        "messages": page,
        "has_more": more,
        "response_metadata": {"next_cursor": str(start + limit) if more else ""},
    }


def _answer(state: SlackApiState, method: str, params: dict[str, Any]) -> dict[str, Any]:
    if method == "auth.test":
        return {
            "ok": True,
            "url": "https://newsbot-test.slack.com/",
            "team": "Newsbot Test",
            "user": "newsbot",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }
    if method == "chat.postMessage":
        return _post(state, params)
    if method == "chat.update":
        return _update(state, params)
    if method == "chat.postEphemeral":
        return {"ok": True, "message_ts": _next_ts(state)}
    if method in ("reactions.add", "reactions.remove"):
        if not params.get("channel") or not params.get("timestamp") or not params.get("name"):
            return {"ok": False, "error": "invalid_arguments"}
        return {"ok": True}
    if method == "conversations.replies":
        return _replies(state, params)
    if method == "views.open":
        if not params.get("trigger_id") or not isinstance(params.get("view"), dict):
            return {"ok": False, "error": "invalid_arguments"}
        return {"ok": True, "view": {"id": "V" + _next_ts(state).replace(".", ""), **params["view"]}}
    if method == "users.info":
        user = params.get("user", "")
        admin = user in state.admins
        return {
            "ok": True,
            "user": {"id": user, "name": user.lower(), "is_bot": user == BOT_USER_ID, "is_admin": admin},
        }
    from tests.support.slack_ai_api import answer_ai  # imports this module: the dependency points one way

    return answer_ai(state, method, params)


def _params(handler: BaseHTTPRequestHandler) -> dict[str, Any]:
    params: dict[str, Any] = dict(parse_qsl(urlsplit(handler.path).query))
    length = int(handler.headers.get("Content-Length") or 0)
    raw = handler.rfile.read(length) if length else b""
    if raw:
        if (handler.headers.get("Content-Type") or "").startswith("application/json"):
            params.update(json.loads(raw))
        else:
            params.update(parse_qsl(raw.decode("utf-8")))
    for name in _JSON_PARAMS & params.keys():
        if isinstance(params[name], str):
            params[name] = json.loads(params[name])
    return params


def _handler(state: SlackApiState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the calls are recorded instead."""

        def _reply(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _handle(self) -> None:
            path = urlsplit(self.path).path
            params = _params(self)
            auth = self.headers.get("Authorization") or ""
            token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else params.get("token")
            if path.startswith("/response/"):
                with state.lock:
                    state.calls.append(Call("response_url:" + path.removeprefix("/response/"), params, None))
                    state.lock.notify_all()
                self._reply(200, b"ok", "text/plain")
                return
            if not path.startswith("/api/"):
                self._reply(404, b"not found", "text/plain")
                return
            method = path.removeprefix("/api/")
            with state.lock:
                state.calls.append(Call(method, params, token))
                expected = state.app_token if method == "apps.connections.open" else state.token
                if token != expected:
                    result: dict[str, Any] = {"ok": False, "error": "invalid_auth"}
                elif state.failures.get(method):
                    result = {"ok": False, "error": state.failures[method].pop(0)}
                else:
                    result = _answer(state, method, params)
                state.lock.notify_all()
            self._reply(200, json.dumps(result).encode(), "application/json; charset=utf-8")

        do_GET = _handle
        do_POST = _handle

    return Handler
