"""HTTP mode under an ASGI server (uvicorn, hypercorn): Bolt's ASGI adapter, plus `/health` and a
graceful shutdown.

Bolt's built-in ASGI handler runs the synchronous app inside the event loop; here each request is
dispatched on a thread instead, so one slow acknowledgement never holds up the requests beside it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.adapter.asgi import SlackRequestHandler
from slack_bolt.adapter.asgi.http_request import AsgiHttpRequest

from bot.slack.app import SlackBot
from bot.slack.server import EVENTS_PATH, HEALTH_PATH

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
AsgiApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class _ThreadedBolt(SlackRequestHandler):
    def __init__(self, bot: SlackBot, path: str) -> None:
        super().__init__(bot.app, path=path)
        self.bot = bot

    async def dispatch(self, request: AsgiHttpRequest) -> BoltResponse:
        bolt_request = BoltRequest(
            body=await request.get_raw_body(), query=request.query_string, headers=request.get_headers()
        )
        return await asyncio.to_thread(self.app.dispatch, bolt_request)

    async def _handle_lifespan(self, receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        """Startup is immediate (the bot is built already); shutdown lets the answers in flight finish."""
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
            message = await receive()
        if message["type"] == "lifespan.shutdown":
            await asyncio.to_thread(self.bot.close)
            await send({"type": "lifespan.shutdown.complete"})


def asgi_app(bot: SlackBot, path: str = EVENTS_PATH) -> AsgiApp:
    """Slack's requests at `path`; `GET /health` for probes, as in the WSGI app."""
    bolt = _ThreadedBolt(bot, path)

    async def application(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == HEALTH_PATH and scope["method"] in ("GET", "HEAD"):
            body = json.dumps({"ok": True, "answers_in_flight": bot.answers.pending}).encode()
            headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await bolt(scope, receive, send)

    return application
