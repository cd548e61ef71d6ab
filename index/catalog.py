"""What the index holds by publication and date: the sources a question may name and the dates it may mean.

Question understanding needs, per question, the indexed publication names and the newest article date
(relative dates such as "last week" resolve against it). Both are kept per article in the keyword index
file, which ingest and `index.keyword_sync` update article by article, so reading the catalog is two
small SQL aggregates over the article rows, never a scan of the store. A publication that carried a story
only as a wire copy has no article rows (the copy is a member of the story, not embedded again:
`index.store.members`), so the members' sources are counted in too: one metadata read of the members
collection per index generation, which holds only copies."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from index.keyword_sync import open_keyword_index, sync_keyword_index
from index.settings import IndexSettings

if TYPE_CHECKING:
    from index.store import Store


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

    def to_json(self) -> str:
        return json.dumps({"generation": self.generation, "sources": self.sources, "oldest": self.oldest,
                           "newest": self.newest})  # fmt: skip


def catalog_for(store: Store, settings: IndexSettings, generation: str) -> Catalog:
    """The catalog of the keyword index, caught up with the store first (a no-op when it already is)."""
    index = open_keyword_index(settings)
    try:
        sync_keyword_index(store, index)
        oldest, newest = index.date_span()
        sources = index.sources()
        for member in store.members.scan():
            if member.article.source:
                sources[member.article.source] = sources.get(member.article.source, 0) + 1
        return Catalog(index.generation or generation, sources, oldest, newest)
    finally:
        index.close()
