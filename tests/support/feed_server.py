"""A local RSS server on 127.0.0.1 that honours ETag / Last-Modified, for `newsbot watch` tests.

The feed's items can be changed while it runs (`set_items`); every request is recorded with whether it
was conditional and what was answered, so a test can tell a 304 from a download.
"""

from __future__ import annotations

import hashlib
import threading
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape


class FeedServer:
    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []
        self.status = 200
        self.requests: list[tuple[bool, int]] = []
        self._lock = threading.Lock()
        self._etag = ""
        self._modified = ""
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server._answer(self)

            def log_message(self, *args: object) -> None:
                return

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._http.server_address[1]}/feed.xml"

    def __enter__(self) -> FeedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._http.shutdown()
        self._http.server_close()

    def set_items(self, items: list[dict[str, str]]) -> None:
        with self._lock:
            self.items = list(items)
            body = self._body()
            self._etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            self._modified = formatdate(usegmt=True)

    def _body(self) -> bytes:
        entries = "".join(
            f"<item><title>{escape(i['title'])}</title><link>{escape(i['link'])}</link>"
            f"<pubDate>{i['date']}</pubDate><description>{escape(i['text'])}</description></item>"
            for i in self.items
        )
        channel = f"<channel><title>Local Wire</title>{entries}</channel>"
        return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'.encode()

    def _answer(self, request: BaseHTTPRequestHandler) -> None:
        with self._lock:
            conditional = bool(request.headers.get("If-None-Match") or request.headers.get("If-Modified-Since"))
            if self.status != 200:
                code, body = self.status, b"down"
            elif request.headers.get("If-None-Match") == self._etag:
                code, body = 304, b""
            else:
                code, body = 200, self._body()
            self.requests.append((conditional, code))
            request.send_response(code)
            if code in (200, 304):
                request.send_header("ETag", self._etag)
                request.send_header("Last-Modified", self._modified)
            if code != 304:
                request.send_header("Content-Type", "application/rss+xml")
                request.send_header("Content-Length", str(len(body)))
            request.end_headers()
            if code != 304:
                request.wfile.write(body)
