"""The corpus-side seams: what a loader produces (Article) and what the store holds (Chunk)."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field


def stable_id(*parts: str) -> str:
    """A short id that depends only on the given strings, never on load order."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Article:
    """One news article, as loaded and cleaned.

    `text` is the answerable body (captions and boilerplate removed); chunks and citation quotes are
    offsets into exactly this string.
    """

    id: str
    title: str
    text: str
    date: str | None = None
    source: str = ""
    url: str = ""
    author: str = ""
    source_path: str = ""
    content_hash: str = field(default="")

    def __post_init__(self) -> None:
        if not self.content_hash:
            digest = stable_id(self.title, self.date or "", self.source, self.url, self.author, self.text)
            object.__setattr__(self, "content_hash", digest)

    @staticmethod
    def make_id(url: str, source_path: str, title: str) -> str:
        """Stable: from the URL if any, else from source path + title (moving the folder keeps ids)."""
        return stable_id("url", url.strip()) if url.strip() else stable_id("path", source_path, title)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class LoadError:
    """A source that could not be loaded, with a reason a person can act on."""

    source: str
    error: str


@dataclass(frozen=True)
class Chunk:
    """A window of an article's text that is embedded and retrieved as one unit."""

    article_id: str
    n: int
    text: str
    start: int
    end: int
    title: str = ""
    date: str | None = None
    source: str = ""
    url: str = ""
    author: str = ""
    story_id: str | None = None
    """The story (near-duplicate group) the article belongs to; None until stories are assigned."""
    also_in: tuple[str, ...] = ()
    """Other publications carrying the same story (wire copies), for "also carried by"."""

    @property
    def id(self) -> str:
        return f"{self.article_id}:{self.n}"

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, **asdict(self)}
