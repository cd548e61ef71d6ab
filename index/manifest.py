"""What is indexed, article by article: derived from the store, cached on disk by store generation.

The manifest is never a second source of truth. It is rebuilt from chunk metadata whenever the cached
copy's generation differs from the collection's (another writer, a crash, a new machine), so the
store, the manifest and the keyword index cannot drift apart.

A copy that joined a story (`index.stories`) is listed too, from its record in the members collection:
`member` is set, and its chunks are those of the sentences it adds (often none).
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from index.settings import IndexSettings
from index.store import WRITING, Store
from index.store.schema import MEMBER, STORY_ID

log = logging.getLogger(__name__)


def manifest_path(settings: IndexSettings) -> Path:
    return settings.data_dir / "manifest" / f"{settings.collection}.json"


@dataclass
class IndexedArticle:
    """One article as the store holds it; `complete` is False after an interrupted write."""

    content_hash: str
    n_chunks: int
    source_path: str
    chunk_ids: set[str] = field(default_factory=set)
    complete: bool = True
    story_id: str = ""
    member: bool = False
    """A copy that joined another article's story: a members record, not embedded again."""


@dataclass
class Manifest:
    generation: str
    articles: dict[str, IndexedArticle]

    @classmethod
    def load(cls, store: Store, cache: Path) -> Manifest:
        """The cached manifest if it matches the store (generation and chunk count), else a fresh scan.

        A fresh scan of a cleanly written store is cached for the next caller; after an interrupted
        write it is not, because the next ingest repairs the store and publishes a new generation.
        """
        metadata = store.metadata()
        generation = str(metadata.get("generation", ""))
        clean = bool(generation) and metadata.get("state") != WRITING
        if clean:
            cached = cls._read_cache(cache, generation)
            members = sum(a.member for a in cached.articles.values()) if cached is not None else 0
            if cached is not None and cached.chunk_count() == store.count() and members == store.members.count():
                return cached
        manifest = cls.from_store(store, generation)
        if clean and all(a.complete for a in manifest.articles.values()):
            manifest.save(cache)
        return manifest

    def chunk_count(self) -> int:
        return sum(len(a.chunk_ids) for a in self.articles.values())

    @classmethod
    def from_store(cls, store: Store, generation: str) -> Manifest:
        """Scan chunk metadata; an article is complete when it has exactly its n chunks, one hash."""
        ids_by_article: dict[str, set[str]] = defaultdict(set)
        hashes: dict[str, set[str]] = defaultdict(set)
        counts: dict[str, set[int]] = defaultdict(set)
        paths: dict[str, str] = {}
        stories: dict[str, str] = {}
        flagged: dict[str, bool] = {}
        for chunk_id, _, meta in store.scan(include_documents=False):
            article_id = str(meta.get("article_id", chunk_id.rsplit(":", 1)[0]))
            ids_by_article[article_id].add(chunk_id)
            hashes[article_id].add(str(meta.get("content_hash", "")))
            counts[article_id].add(int(meta.get("n_chunks", -1)))
            paths[article_id] = str(meta.get("source_path", ""))
            stories[article_id] = str(meta.get(STORY_ID) or "")
            flagged[article_id] = flagged.get(article_id, False) or bool(meta.get(MEMBER))
        members = {r.article.id: r for r in store.members.scan()}
        articles: dict[str, IndexedArticle] = {}
        for article_id in ids_by_article.keys() | members.keys():
            ids = ids_by_article.get(article_id, set())
            record = members.get(article_id)
            # a record beside chunks of a first copy is left over from a promotion that was interrupted
            member = record is not None and (not ids or flagged.get(article_id, False))
            if member and record is not None:
                hashes[article_id].add(record.article.content_hash)
                counts[article_id].add(record.n_chunks)
                paths[article_id] = record.article.source_path
                stories[article_id] = record.story_id
            (n_chunks,) = counts[article_id] if len(counts[article_id]) == 1 else (-1,)
            expected = {f"{article_id}:{n}" for n in range(n_chunks)}
            complete = len(hashes[article_id]) == 1 and ids == expected and member == flagged.get(article_id, member)
            if not complete:
                log.warning("article %s was half-written by an interrupted ingest; it will be redone", article_id)
            articles[article_id] = IndexedArticle(
                content_hash=next(iter(hashes[article_id])) if complete else "",
                n_chunks=n_chunks,
                source_path=paths[article_id],
                chunk_ids=ids,
                complete=complete,
                story_id=stories.get(article_id, ""),
                member=member,
            )
        return cls(generation, articles)

    @classmethod
    def _read_cache(cls, cache: Path, generation: str) -> Manifest | None:
        """The cache for `generation`, or None when it is missing, for another generation, or unreadable."""
        try:
            raw = json.loads(cache.read_text())
            if raw.get("generation") != generation:
                return None
            articles = {
                str(article_id): IndexedArticle(
                    str(h), int(n), str(p), {f"{article_id}:{i}" for i in range(int(n))}, True, str(s), bool(m)
                )
                for article_id, (h, n, p, s, m) in raw["articles"].items()
            }
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
            log.info("manifest cache %s not usable (%s); rebuilding it from the store", cache, exc)
            return None
        return cls(generation, articles)

    def save(self, cache: Path) -> None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_name(f"{cache.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")
        data = {
            "generation": self.generation,
            "articles": {
                k: [a.content_hash, a.n_chunks, a.source_path, a.story_id, a.member]
                for k, a in self.articles.items()
                if a.complete
            },
        }
        tmp.write_text(json.dumps(data))
        os.replace(tmp, cache)
