"""URL inputs, fetched from a local http.server on 127.0.0.1 (never beyond)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.settings import Settings
from index.loaders import load_sources
from index.models import Article, LoadError
from tests.conftest import make_settings

PAGE = (
    "<html><head><title>Local page</title><meta name='author' content='Lu Wei'></head>"
    "<body><article><p>The local page says hello.</p></article></body></html>"
)
FEED = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>Local Feed</title>'
    "<item><title>Item one</title><link>http://127.0.0.1/one</link><description>First item.</description></item>"
    "</channel></rss>"
)
ROUTES: dict[str, tuple[int, str, bytes]] = {
    "/page": (200, "text/html; charset=utf-8", PAGE.encode()),
    "/feed": (200, "application/rss+xml", FEED.encode()),
    "/data": (200, "application/json", json.dumps([{"id": "j1", "title": "J", "text": "Json text."}]).encode()),
    "/latin": (200, "text/html; charset=iso-8859-1", "<p>Un caf\xe9.</p>".encode("latin-1")),
    "/sniffed": (200, "application/octet-stream", FEED.encode()),
}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status, content_type, body = ROUTES.get(self.path, (404, "text/plain", b"not found"))
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def base_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_html_url(base_url: str, settings: Settings) -> None:
    [article] = list(load_sources([f"{base_url}/page"], settings.index.load_limits, skip=settings.index.data_dir))
    assert isinstance(article, Article)
    assert (article.title, article.text, article.author) == ("Local page", "The local page says hello.", "Lu Wei")
    assert article.url == f"{base_url}/page"
    assert article.id == Article.make_id(f"{base_url}/page", "", "")
    assert article.source == "127.0.0.1"
    assert article.source_path == f"{base_url}/page"


def test_feed_json_and_charset_urls(base_url: str, settings: Settings) -> None:
    urls = [f"{base_url}/feed", f"{base_url}/data", f"{base_url}/latin", f"{base_url}/sniffed"]
    items = list(load_sources(urls, settings.index.load_limits))
    assert all(isinstance(i, Article) for i in items)
    assert [(i.title, i.text) for i in items if isinstance(i, Article)] == [
        ("Item one", "First item."),
        ("J", "Json text."),
        ("Un café.", "Un café."),
        ("Item one", "First item."),
    ]
    assert items[1].id == "j1"


def test_url_errors_are_reported(base_url: str, tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", max_file_bytes=40)
    items = list(
        load_sources(
            [f"{base_url}/missing", f"{base_url}/page"], settings.index.load_limits, skip=settings.index.data_dir
        )
    )
    assert items == [
        LoadError(f"{base_url}/missing", "HTTP 404 Not Found"),
        LoadError(f"{base_url}/page", "response larger than 40 bytes (NEWSBOT_MAX_FILE_BYTES)"),
    ]


def test_unreachable_url_is_reported(settings: Settings) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    server.server_close()
    [error] = list(
        load_sources([f"http://127.0.0.1:{port}/gone"], settings.index.load_limits, skip=settings.index.data_dir)
    )
    assert isinstance(error, LoadError)
    assert error.error.startswith("cannot fetch:")
