"""Reaching Chroma: an embedded `PersistentClient` or a server's `HttpClient`, with bounded retries and timeouts."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from index.errors import StoreError
from index.settings import IndexSettings

log = logging.getLogger(__name__)
T = TypeVar("T")

RETRY_DELAYS_S = (0.5, 1.0, 2.0, 4.0)
"""Waits between attempts against a Chroma server: 5 attempts within ~7.5 s, enough for a restart."""
CONNECT_TIMEOUT_S = 5.0
"""Chroma's HTTP client waits forever by default; a hung server must not hang a worker, so every request is
bounded by `chroma_timeout_s` (NEWSBOT_CHROMA_TIMEOUT) and connecting by this."""
_CONNECTION_WORDS = (
    "connect",
    "timeout",
    "timed out",
    "unavailable",
    "refused",
    "reset by peer",
    "broken pipe",
    "readerror",
    "writeerror",
    "remoteprotocolerror",
)
_GATEWAY_STATUS = re.compile(r"(?<![\w-])50[234](?![\w-])")
"""A gateway status as a number of its own: "fresh-empty-bd050286" (a collection name) holds "502" too."""


def with_retries(what: str, call: Callable[[], T], delays: Sequence[float] = RETRY_DELAYS_S) -> T:
    """Bounded retries for a Chroma server that is briefly away; other errors are raised at once."""
    for attempt, delay in enumerate([*delays, None], start=1):
        try:
            return call()
        except Exception as exc:
            if delay is None or not is_connection_error(exc) or is_slow_request(exc):
                raise
            log.warning("chroma %s failed (%s); retry %d/%d in %.1fs", what, exc, attempt, len(delays), delay)
            time.sleep(delay)
    raise AssertionError("unreachable")


def is_connection_error(exc: Exception) -> bool:
    text = f"{type(exc).__name__} {exc}".lower()
    return any(word in text for word in _CONNECTION_WORDS) or bool(_GATEWAY_STATUS.search(text))


def is_slow_request(exc: Exception) -> bool:
    """A request the server accepted but did not answer in time: retrying would multiply the wait."""
    return type(exc).__name__ in {"ReadTimeout", "WriteTimeout"}


def server_down(settings: IndexSettings, what: str, exc: Exception) -> StoreError:
    return StoreError(
        f"cannot reach the Chroma server at {settings.chroma_host}:{settings.chroma_port} to {what} after "
        f"{len(RETRY_DELAYS_S) + 1} attempts ({exc}); is `chroma run` up? check CHROMA_HOST / CHROMA_PORT"
    )


def describe(settings: IndexSettings) -> str:
    if settings.chroma_host:
        return f"chroma server http://{settings.chroma_host}:{settings.chroma_port}"
    return str((settings.data_dir / "chroma").resolve())


def connect(settings: IndexSettings, *, read_only: bool = False) -> Any:
    """A Chroma client: the server's, or the embedded store's; `read_only` reads an embedded store through its
    engine alone (`index.store.embedded`), ~1 s less to start."""
    if read_only and not settings.chroma_host:
        from index.store.embedded import ReadOnlyClient

        path = settings.data_dir / "chroma"
        path.mkdir(parents=True, exist_ok=True)
        try:
            return ReadOnlyClient(path)
        except (ImportError, AttributeError, TypeError) as exc:  # an engine API this chromadb no longer has
            log.warning("reading Chroma through chromadb's client (%s: %s)", type(exc).__name__, exc)
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_host:
        _answers(settings)
        try:
            client = with_retries(
                "connect",
                lambda: chromadb.HttpClient(
                    host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
                ),
            )
        except Exception as exc:
            raise server_down(settings, "connect", exc) from exc
        _set_http_timeouts(client, settings.chroma_timeout_s)
        return client
    path = settings.data_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def _answers(settings: IndexSettings) -> None:
    """Fail fast on a server that accepts connections but answers nothing (stopped, swapping, deadlocked).

    Chroma's client makes its first requests while it is constructed, before its timeouts can be set, so
    a hung server would hang the constructor forever; one bounded heartbeat first turns that into an error.
    A refused connection is left to the client's retries (a restarting server).
    """
    import httpx

    url = f"http://{settings.chroma_host}:{settings.chroma_port}/api/v2/heartbeat"
    try:
        httpx.get(url, timeout=httpx.Timeout(settings.chroma_timeout_s, connect=CONNECT_TIMEOUT_S))
    except (httpx.ReadTimeout, httpx.WriteTimeout, httpx.PoolTimeout) as exc:
        raise StoreError(
            f"the Chroma server at {settings.chroma_host}:{settings.chroma_port} accepted the connection but did "
            f"not answer within {settings.chroma_timeout_s:g} s (NEWSBOT_CHROMA_TIMEOUT): is it hung or stopped? "
            "an interrupted ingest resumes on the next run"
        ) from exc
    except httpx.HTTPError:
        return


def _set_http_timeouts(client: Any, read_timeout_s: float) -> None:
    """Bound every request to a Chroma server (the client's default is to wait forever)."""
    import httpx

    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = httpx.Timeout(read_timeout_s, connect=CONNECT_TIMEOUT_S)
