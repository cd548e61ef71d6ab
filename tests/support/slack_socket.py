"""A local WebSocket server on 127.0.0.1 playing Slack's side of Socket Mode.

Point the fake Web API's `apps.connections.open` at `url` (`SlackApiServer.state.socket_url`): each
connection gets Slack's `hello`, `deliver` sends an `events_api` envelope to the newest connection, every
message the app sends back (its acks) is recorded, and `drop` closes a connection the way a network
blip or Slack's periodic refresh does, so the app has to reconnect.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from typing import Any

from websockets.sync.server import Server, ServerConnection, serve

from tests.support.slack_api import BOT_USER_ID, TEAM_ID


class SlackSocketServer:
    def __init__(self) -> None:
        self._server: Server = serve(self._session, "127.0.0.1", 0)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._changed = threading.Condition()
        self._ids = itertools.count(1)
        self.connections: list[ServerConnection] = []
        self.received: list[dict[str, Any]] = []

    @property
    def url(self) -> str:
        host, port = self._server.socket.getsockname()[:2]
        return f"ws://{host}:{port}/link/?ticket=test-ticket&app_id=A0NEWSBOT"

    def __enter__(self) -> SlackSocketServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)

    def _session(self, connection: ServerConnection) -> None:
        with self._changed:
            self.connections.append(connection)
            self._changed.notify_all()
        hello = {"type": "hello", "num_connections": len(self.connections),
                 "connection_info": {"app_id": "A0NEWSBOT"}, "debug_info": {"host": "127.0.0.1"}}  # fmt: skip
        connection.send(json.dumps(hello))
        for message in connection:
            with self._changed:
                self.received.append(json.loads(message))
                self._changed.notify_all()

    def _wait(self, ready: Any, what: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not ready():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out waiting for {what}")
                self._changed.wait(left)

    def wait_connections(self, count: int, timeout: float = 60.0) -> ServerConnection:
        self._wait(lambda: len(self.connections) >= count, f"{count} connection(s)", timeout)
        return self.connections[count - 1]

    def wait_ack(self, envelope_id: str, timeout: float = 60.0) -> dict[str, Any]:
        found = lambda: [m for m in self.received if m.get("envelope_id") == envelope_id]  # noqa: E731
        self._wait(found, f"the ack of {envelope_id}", timeout)
        return found()[0]

    def deliver(self, event: dict[str, Any], *, retry_attempt: int = 0, envelope_id: str | None = None) -> str:
        """Send an Events API envelope carrying `event` to the newest connection; returns its envelope id."""
        envelope_id = envelope_id or f"env-{next(self._ids)}"
        payload = {
            "token": "legacy-verification-token",
            "team_id": TEAM_ID,
            "api_app_id": "A0NEWSBOT",
            "event": event,
            "type": "event_callback",
            "event_id": f"EvSock{envelope_id}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
        }
        envelope = {"envelope_id": envelope_id, "type": "events_api", "accepts_response_payload": False,
                    "retry_attempt": retry_attempt, "retry_reason": "timeout" if retry_attempt else "",
                    "payload": payload}  # fmt: skip
        with self._changed:
            connection = self.connections[-1]
        connection.send(json.dumps(envelope))
        return envelope_id

    def drop(self) -> None:
        """Close the newest connection from Slack's side."""
        with self._changed:
            connection = self.connections[-1]
        connection.close(code=1001, reason="going away")
