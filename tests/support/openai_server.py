"""A scripted OpenAI-compatible HTTP server on 127.0.0.1 for tests of the LLM answer path.

It speaks the two endpoints the answerer uses, `POST /v1/chat/completions` (plain JSON or SSE
streaming) and `GET /v1/models`, and plays a script of replies in order: a text, an HTTP status, a
hang, or a garbage body. The last reply repeats, so `[Reply(status=500)]` is "500 forever". Every
request body and its headers are recorded for assertions on the prompt.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MODEL = "scripted-model"


@dataclass(frozen=True)
class Reply:
    """One scripted response.

    `text` is the assistant message; `status` != 200 sends an OpenAI-style error with `error`
    as its message; `hang_s` waits before answering (a stuck server); `body` replaces the whole
    response body verbatim (garbage); `headers` are added (e.g. `retry-after-ms`); `top_logprobs` (token →
    log-probability) answers a request for the first token's log-probabilities, as OpenAI does.
    """

    text: str = ""
    status: int = 200
    error: str = "scripted error"
    hang_s: float = 0.0
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    top_logprobs: dict[str, float] | None = None


@dataclass(frozen=True)
class Recorded:
    """One request as the server saw it."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", []))

    @property
    def prompt(self) -> str:
        """All message contents joined, for "the prompt contains ..." assertions."""
        return "\n".join(str(m.get("content", "")) for m in self.messages)


class ScriptedOpenAIServer:
    """The server; use `with scripted_openai_server([...]) as server:` or `.start()`/`.stop()`."""

    def __init__(self, script: Sequence[Reply] = ()) -> None:
        self.script: list[Reply] = list(script) or [Reply(text="ok")]
        self.requests: list[Recorded] = []
        self._position = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="scripted-openai", daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """What OPENAI_BASE_URL should be set to."""
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def completions(self) -> list[Recorded]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    def set_script(self, script: Sequence[Reply]) -> None:
        with self._lock:
            self.script = list(script)
            self._position = 0

    def start(self) -> ScriptedOpenAIServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def _next(self, recorded: Recorded) -> Reply:
        with self._lock:
            self.requests.append(recorded)
            reply = self.script[min(self._position, len(self.script) - 1)]
            self._position += 1
            return reply


@contextmanager
def scripted_openai_server(script: Sequence[Reply] = ()) -> Iterator[ScriptedOpenAIServer]:
    server = ScriptedOpenAIServer(script).start()
    try:
        yield server
    finally:
        server.stop()


EMBEDDING_DIM = 256


def hashed_embedding(text: str) -> list[float]:
    """A deterministic bag-of-words vector: texts sharing words are close, so retrieval still works."""
    vector = [0.0] * EMBEDDING_DIM
    for word in re.findall(r"[a-z0-9]+", text.lower()):
        vector[int(hashlib.md5(word.encode()).hexdigest(), 16) % EMBEDDING_DIM] += 1.0
    norm = sum(v * v for v in vector) ** 0.5 or 1.0
    return [v / norm for v in vector]


def embeddings_body(body: dict[str, Any]) -> dict[str, Any]:
    texts = body.get("input", [])
    texts = [texts] if isinstance(texts, str) else texts
    data = [{"object": "embedding", "index": i, "embedding": hashed_embedding(str(t))} for i, t in enumerate(texts)]
    return {
        "object": "list",
        "data": data,
        "model": body.get("model", ""),
        "usage": {"prompt_tokens": 0, "total_tokens": 0},
    }


def completion_body(text: str, top_logprobs: dict[str, float] | None = None) -> dict[str, Any]:
    choice: dict[str, Any] = {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
    if top_logprobs:
        first = max(top_logprobs, key=lambda t: top_logprobs[t])
        alternatives = [{"token": t, "logprob": lp, "bytes": None} for t, lp in top_logprobs.items()]
        position = {"token": first, "logprob": top_logprobs[first], "bytes": None, "top_logprobs": alternatives}
        choice["logprobs"] = {"content": [position], "refusal": None}
    return {
        "id": "chatcmpl-scripted",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": MODEL,
        "choices": [choice],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def stream_pieces(text: str) -> list[str]:
    """The deltas a streamed `text` is sent as: word by word, keeping the spaces."""
    pieces: list[str] = []
    for word in text.split(" "):
        pieces.append(word if not pieces else " " + word)
    return [p for p in pieces if p]


def _chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
    payload = {
        "id": "chatcmpl-scripted",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": MODEL,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(payload)}\n\n".encode()


def _handler_for(server: ScriptedOpenAIServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the tests read `server.requests` instead."""

        def handle(self) -> None:
            """A client that gave up (timeout) closes the socket; that is expected here, not an error."""
            with suppress(BrokenPipeError, ConnectionResetError):
                super().handle()

        def do_GET(self) -> None:
            if self.path.rstrip("/").endswith("/models"):
                self._json(200, {"object": "list", "data": [{"id": MODEL, "object": "model", "owned_by": "test"}]})
            else:
                self._json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", 0))
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw or b"{}")
            except json.JSONDecodeError:
                body = {"_raw": raw.decode("utf-8", "replace")}
            if self.path.rstrip("/").endswith("/embeddings"):
                server.requests.append(Recorded(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                self._json(200, embeddings_body(body))
                return
            if not self.path.rstrip("/").endswith("/chat/completions"):
                self._json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
                return
            reply = server._next(Recorded(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            if reply.hang_s and server._stopping.wait(reply.hang_s):
                return
            if reply.body is not None:
                self._send(reply.status, reply.body, "application/json", reply.headers)
            elif reply.status != 200:
                error = {"error": {"message": reply.error, "type": "scripted", "code": reply.status}}
                self._json(reply.status, error, reply.headers)
            elif body.get("stream"):
                self._stream(reply)
            else:
                wanted = reply.top_logprobs if body.get("logprobs") else None
                self._json(200, completion_body(reply.text, wanted), reply.headers)

        def _stream(self, reply: Reply) -> None:
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("cache-control", "no-cache")
            self.send_header("connection", "close")
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(_chunk({"role": "assistant", "content": ""}))
            for piece in stream_pieces(reply.text):
                self.wfile.write(_chunk({"content": piece}))
                self.wfile.flush()
            self.wfile.write(_chunk({}, finish="stop"))
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
            self.close_connection = True

        def _json(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
            self._send(status, json.dumps(payload).encode(), "application/json", headers or {})

        def _send(self, status: int, data: bytes, content_type: str, headers: dict[str, str]) -> None:
            self.send_response(status)
            self.send_header("content-type", content_type)
            self.send_header("content-length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()

    return Handler
