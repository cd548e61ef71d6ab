"""What the index holds by publication and date: the sources a question may name and the dates it may mean.

Question understanding needs, per question, the indexed publication names and the newest article date
(relative dates such as "last week" resolve against it). Both are derived from the store, like the
manifest, and cached on disk by store generation, so a worker reads them once per ingest, not per
question. Building it reads chunk metadata only (no texts, no vectors).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from index.settings import IndexSettings

if TYPE_CHECKING:
    from index.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Catalog:
    """Indexed articles per source, and the span of article dates (ISO, None when no article is dated)."""

    generation: str
    sources: dict[str, int] = field(default_factory=dict)
    oldest: str | None = None
    newest: str | None = None

    @property
    def articles(self) -> int:
        return sum(self.sources.values())

    @classmethod
    def from_store(cls, store: Store, generation: str) -> Catalog:
        articles: dict[str, tuple[str, str]] = {}
        for chunk_id, _, meta in store.scan(include_documents=False):
            article_id = str(meta.get("article_id", chunk_id.rsplit(":", 1)[0]))
            articles[article_id] = (str(meta.get("source", "")), str(meta.get("date") or ""))
        sources: dict[str, int] = {}
        for source, _ in articles.values():
            if source:
                sources[source] = sources.get(source, 0) + 1
        dates = sorted(d for _, d in articles.values() if d)
        return cls(generation, dict(sorted(sources.items())), dates[0] if dates else None, dates[-1] if dates else None)

    def to_json(self) -> str:
        return json.dumps({"generation": self.generation, "sources": self.sources, "oldest": self.oldest,
                           "newest": self.newest})  # fmt: skip


def catalog_path(settings: IndexSettings) -> Path:
    return settings.data_dir / "catalog" / f"{settings.collection}.json"


def catalog_for(store: Store, settings: IndexSettings, generation: str) -> Catalog:
    """The cached catalog when it is for `generation`, else one built from the store (and cached)."""
    path = catalog_path(settings)
    with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
        raw = json.loads(path.read_text())
        if raw["generation"] == generation:
            return Catalog(
                generation, {str(k): int(v) for k, v in raw["sources"].items()}, raw["oldest"], raw["newest"]
            )
    catalog = Catalog.from_store(store, generation)
    if generation:
        _save(path, catalog)
    return catalog


def _save(path: Path, catalog: Catalog) -> None:
    """Write beside, then rename: readers never see half a file, concurrent writers never mix theirs."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")
        tmp.write_text(catalog.to_json())
        os.replace(tmp, path)
    except OSError as exc:  # a read-only data dir still answers; it only rebuilds next time
        log.info("catalog cache %s not written (%s)", path, exc)
