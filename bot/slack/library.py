"""What is indexed, as the assistant shows it: how many articles ("Searching 12,430 articles…") and the
newest headlines, from which the suggested prompts of a new assistant thread are built.

Both come from the store, never from a list in the code, and are re-read only when an ingest changes the
store's generation, so a new thread costs no scan.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from typing import Any, Protocol

log = logging.getLogger(__name__)

PROMPTS = 4
PROMPT_TITLE_LIMIT = 75


@dataclass(frozen=True)
class Headline:
    title: str
    source: str
    date: str


class Library(Protocol):
    """What the assistant needs to know about the index."""

    def article_count(self) -> int | None: ...

    def newest(self, n: int) -> list[Headline]: ...


class EmptyLibrary:
    """For an app built around a pipeline without a store (tests, custom pipelines): nothing to show."""

    def article_count(self) -> int | None:
        return None

    def newest(self, n: int) -> list[Headline]:
        return []


class IndexLibrary:
    """The library of a `bot.core.pipeline.Pipeline`: its catalog for the count, its store for headlines."""

    def __init__(self, pipeline: Any) -> None:
        self.pipeline = pipeline
        self._lock = threading.Lock()
        self._generation: str | None = None
        self._headlines: list[Headline] = []

    def article_count(self) -> int | None:
        return int(self.pipeline.understander().catalog.articles)

    def newest(self, n: int) -> list[Headline]:
        store = self.pipeline.store
        generation = store.generation()
        with self._lock:
            if generation != self._generation:
                self._headlines = _headlines(store.scan(include_documents=False))
                self._generation = generation
            return self._headlines[:n]


def _headlines(rows: Any) -> list[Headline]:
    """One headline per article, newest first (ties by title, so the order is stable)."""
    articles: dict[str, Headline] = {}
    for chunk_id, _, meta in rows:
        article_id = str(meta.get("article_id", chunk_id.rsplit(":", 1)[0]))
        title = " ".join(str(meta.get("title") or "").split())
        if title and article_id not in articles:
            articles[article_id] = Headline(title, str(meta.get("source") or ""), str(meta.get("date") or ""))
    return sorted(articles.values(), key=lambda h: (h.date, h.title), reverse=True)


_FILE_NAME = re.compile(r"[/\\]|\.[A-Za-z0-9]{1,5}$")


def _publication(source: str) -> str:
    """The source when it names a publication; a loader's file name (a .txt article) does not."""
    return "" if _FILE_NAME.search(source) else source


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def suggested_prompts(headlines: list[Headline], limit: int = PROMPTS) -> list[dict[str, str]]:
    """At most `limit` prompts, one per distinct headline: a question about that article's subject."""
    prompts: list[dict[str, str]] = []
    seen: set[str] = set()
    for headline in headlines:
        key = headline.title.casefold()
        if key in seen:
            continue
        seen.add(key)
        subject = headline.title.rstrip(" .!?:;…")
        source = _publication(headline.source)
        asked = f"What did {source} report about" if source else "What do the articles say about"
        prompts.append({"title": _clip(subject, PROMPT_TITLE_LIMIT), "message": f"{asked} “{subject}”?"})
        if len(prompts) == limit:
            break
    return prompts
