"""HTTP(S) sources, fetched with urllib: a timeout, a size cap and the content type for dispatch."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message

from index.loaders.errors import LoaderError

TIMEOUT_S = 20.0
USER_AGENT = "newsbot/0.1"
_SUFFIX_BY_TYPE = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "application/rss+xml": ".xml",
    "application/atom+xml": ".xml",
    "application/rdf+xml": ".xml",
    "application/xml": ".xml",
    "text/xml": ".xml",
    "application/json": ".json",
    "application/feed+json": ".json",
    "application/x-ndjson": ".jsonl",
    "application/jsonl": ".jsonl",
    "application/json-lines": ".jsonl",
    "text/plain": ".txt",
    "text/markdown": ".md",
}


@dataclass(frozen=True)
class Fetched:
    url: str
    data: bytes
    content_type: str
    charset: str | None
    etag: str = ""
    last_modified: str = ""

    @property
    def suffix(self) -> str:
        """The file suffix the content type stands for; "" when it does not say (then: sniff)."""
        return _SUFFIX_BY_TYPE.get(self.content_type, "")


def is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def fetch(
    url: str, max_bytes: int, timeout: float = TIMEOUT_S, *, etag: str = "", last_modified: str = ""
) -> Fetched | None:
    """The body of `url`; LoaderError for HTTP errors, unreachable hosts and oversized bodies.

    With `etag` / `last_modified` (from an earlier response) the request is conditional, and None means
    304 Not Modified: the server says nothing changed, so nothing is downloaded or parsed again.
    """
    headers = {"User-Agent": USER_AGENT, "Accept": "*/*"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = response.read(max_bytes + 1)
            headers: Message = response.headers
            final_url = response.geturl()
    except urllib.error.HTTPError as error:
        if error.code == 304 and (etag or last_modified):
            return None
        raise LoaderError(f"HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        raise LoaderError(f"cannot fetch: {error.reason}") from None
    except TimeoutError:
        raise LoaderError(f"no answer within {timeout:g} s") from None
    except OSError as error:
        raise LoaderError(f"cannot fetch: {error.strerror or error}") from None
    if len(data) > max_bytes:
        raise LoaderError(f"response larger than {max_bytes} bytes (NEWSBOT_MAX_FILE_BYTES)")
    content_type = headers.get_content_type() if headers.get("Content-Type") else ""
    return Fetched(
        final_url,
        data,
        content_type,
        headers.get_content_charset(),
        headers.get("ETag") or "",
        headers.get("Last-Modified") or "",
    )
