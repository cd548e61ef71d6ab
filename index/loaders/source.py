"""What a format loader is given (`Source`) and how formats declare themselves (`Format`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from index.loaders.clean import clean_line, clean_text, derive_title, normalise_date
from index.loaders.errors import LoaderError
from index.models import Article, LoadError, stable_id
from index.settings import LoadLimits

Loaded = list[Article | LoadError]


@dataclass
class Source:
    """One file or fetched URL, already decoded.

    `name` is how errors name it (the path as the user gave it, or the URL); `id_path` is what ids of
    articles without a URL derive from (the path relative to the input folder, the file name, or the
    URL); `origin` goes into `Article.source_path` so that ingest can prune articles whose file is gone.
    """

    name: str
    id_path: str
    data: bytes
    text: str
    limits: LoadLimits
    origin: str
    publication: str
    url: str = ""
    _seen: set[str] = field(default_factory=set, repr=False)

    def article(
        self,
        *,
        text: str,
        title: object = "",
        date: object = None,
        publication: object = "",
        url: object = "",
        author: object = "",
        article_id: str = "",
    ) -> Article:
        """A cleaned Article with a stable id; raises LoaderError when no text is left."""
        body = clean_text(text)
        if not body:
            raise LoaderError("no article text")
        heading = clean_line(title) or derive_title(body)
        link = clean_line(url)
        if not article_id:
            article_id = Article.make_id(link, self.id_path, heading)
            if not link and article_id in self._seen:
                article_id = stable_id(article_id, body)
        self._seen.add(article_id)
        return Article(
            id=article_id,
            title=heading,
            text=body,
            date=normalise_date(date),
            source=clean_line(publication) or self.publication,
            url=link,
            author=clean_line(author),
            source_path=self.origin,
        )


@dataclass(frozen=True)
class Format:
    """A file format: the suffixes it owns and, optionally, a content test (`sniff`).

    The sniff lets the format claim files of unknown suffix; with `sniff_required` it also gates
    the format's own suffixes (the seed format inside `.txt`); with `any_suffix` content that
    passes is the format's whatever the suffix (a feed saved as `.txt`).
    """

    name: str
    suffixes: frozenset[str]
    load: Callable[[Source], Loaded]
    sniff: Callable[[str], bool] | None = None
    sniff_required: bool = False
    any_suffix: bool = False

    def owns(self, suffix: str, text: str) -> bool:
        """Whether this format claims a file of a suffix some format knows."""
        if suffix in self.suffixes:
            return not self.sniff_required or self.recognises(text)
        return self.any_suffix and self.recognises(text)

    def recognises(self, text: str) -> bool:
        return self.sniff is not None and self.sniff(text)
