"""Articles from files, folders and URLs, in every supported input format.

`load_sources` is what ingest uses: it never raises for a bad source, it yields a `LoadError` naming
the source and the reason and goes on. `load_file` is the one-file form that raises `LoaderError`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

from index.loaders.decode import decode
from index.loaders.errors import LoaderError
from index.loaders.fetch import Fetched, fetch, is_url
from index.loaders.registry import KNOWN_SUFFIXES, pick, unsupported
from index.loaders.source import Loaded, Source
from index.loaders.walk import walk
from index.models import Article, LoadError
from index.settings import LoadLimits

DEFAULT_LIMITS = LoadLimits()

__all__ = ["LoadError", "LoaderError", "load_fetched", "load_file", "load_sources", "load_url"]

log = logging.getLogger(__name__)


def load_sources(
    inputs: Iterable[str | Path], limits: LoadLimits = DEFAULT_LIMITS, *, skip: Path | None = None
) -> Iterator[Article | LoadError]:
    """Every article of every input (file, folder walked recursively, or http(s) URL), in order.

    `skip` is a folder never read (the data dir, when it lies inside an input folder).
    """
    skip = skip.expanduser().resolve() if skip is not None else None
    for given in inputs:
        if isinstance(given, str) and is_url(given):
            yield from _guarded(given, load_url, given, limits)
            continue
        path = Path(given).expanduser()
        if path.is_dir():
            files, errors = walk(path, skip)
            yield from errors
            for file in files:
                rel = file.relative_to(path).as_posix()
                yield from _guarded(str(file), _load_path, file, rel, limits)
        elif path.exists():
            yield from _guarded(str(path), _load_path, path, path.name, limits)
        else:
            yield LoadError(str(given), "no such file or directory")


def load_file(path: str | Path, limits: LoadLimits = DEFAULT_LIMITS, *, id_path: str | None = None) -> list[Article]:
    """The articles of one file; LoaderError when the file yields none.

    `id_path` is what ids derive from (default: the file name). Problems with single records of a
    file that still yields articles (a bad JSONL line) are logged; `load_sources` reports them.
    """
    path = Path(path)
    try:
        loaded = _load_path(path, id_path or path.name, limits)
    except OSError as error:
        raise LoaderError(error.strerror or str(error)) from None
    for item in loaded:
        if isinstance(item, LoadError):
            log.warning("%s: %s", item.source, item.error)
    return [item for item in loaded if isinstance(item, Article)]


def load_url(url: str, limits: LoadLimits) -> Loaded:
    """The articles behind an http(s) URL, dispatched on the response's content type."""
    fetched = fetch(url, limits.max_file_bytes)
    assert fetched is not None  # an unconditional request is never answered 304
    return load_fetched(url, fetched, limits)


def load_fetched(url: str, fetched: Fetched, limits: LoadLimits) -> Loaded:
    """The articles of a response already fetched from `url` (the feed watcher fetches conditionally)."""
    suffix = fetched.suffix or Path(urlsplit(fetched.url).path).suffix.lower()
    text = decode(fetched.data, fetched.charset)
    source = Source(
        name=url,
        id_path=url,
        data=fetched.data,
        text=text,
        limits=limits,
        origin=url,
        publication=urlsplit(fetched.url).hostname or url,
        url=fetched.url,
    )
    return _finish(pick(suffix if suffix in KNOWN_SUFFIXES else "", text).load(source))


def _load_path(path: Path, id_path: str, limits: LoadLimits) -> Loaded:
    if not path.exists():
        raise LoaderError("no such file or directory")
    if not path.is_file():
        raise LoaderError("not a regular file")
    suffix = path.suffix.lower()
    known = suffix in KNOWN_SUFFIXES
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        if not known:
            raise LoaderError(unsupported(suffix))
        limit = limits.max_file_bytes
        raise LoaderError(f"file too large ({size} bytes; limit {limit}, NEWSBOT_MAX_FILE_BYTES)")
    data = path.read_bytes()
    try:
        text = decode(data)
    except LoaderError:
        if not known:
            raise LoaderError(unsupported(suffix)) from None
        raise
    source = Source(
        name=str(path),
        id_path=id_path,
        data=data,
        text=text,
        limits=limits,
        origin=str(path.resolve()),
        publication=path.name,
    )
    return _finish(pick(suffix, text).load(source))


def _finish(loaded: Loaded) -> Loaded:
    if not any(isinstance(item, Article) for item in loaded):
        reasons = [item.error for item in loaded if isinstance(item, LoadError)]
        raise LoaderError(reasons[0] if reasons else "no articles found")
    return loaded


def _guarded(name: str, load: Callable[..., Loaded], *args: object) -> Iterator[Article | LoadError]:
    """Run one source's loader; any failure becomes a LoadError so that the other sources still load."""
    try:
        loaded = load(*args)
    except LoaderError as error:
        loaded = [LoadError(name, str(error))]
    except OSError as error:
        loaded = [LoadError(name, error.strerror or str(error))]
    except Exception as error:  # a parser bug must not stop the other sources
        log.exception("loading %s failed", name)
        loaded = [LoadError(name, f"could not load: {type(error).__name__}: {error}")]
    yield from loaded
