"""HTTP mode without a web framework: Bolt's WSGI adapter behind a threaded stdlib server, plus `/health`.

Workers are stateless, so any number of them can sit behind a load balancer; a production WSGI server can
serve `wsgi_app(bot)` instead of `serve`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import TYPE_CHECKING, Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.slack.app import SlackBot

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/health"

log = logging.getLogger(__name__)

WsgiApp = Callable[["WSGIEnvironment", "StartResponse"], Iterable[bytes]]


def wsgi_app(bot: SlackBot, path: str = EVENTS_PATH) -> WsgiApp:
    """Slack's requests (events, interactivity, slash commands) at `path`; `GET /health` for probes."""
    bolt = SlackRequestHandler(bot.app, path=path)

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            body = json.dumps({"ok": True, "answers_in_flight": bot.answers.pending}).encode()
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        return bolt(environ, start_response)

    return application


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(WSGIRequestHandler):
    """Access lines go to logging at debug level rather than straight to stderr."""

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)


def serve(bot: SlackBot, host: str, port: int) -> WSGIServer:
    """A bound server (port 0 picks a free one); call `serve_forever()` on it, `shutdown()` to stop."""
    return make_server(host, port, wsgi_app(bot), server_class=_ThreadingServer, handler_class=_QuietHandler)
