"""Main text of an article page with trafilatura, the field's standard extractor (selectolax is the fallback).

trafilatura scores the page's blocks (text density, link density, known boilerplate patterns) and keeps
the article body, which drops related-story lists, newsletter boxes, cookie notices and comment threads
that a tag-based reader keeps when they sit inside the article's container. It returns None when it
finds no body (a bare fragment, a page that is all links); the caller then uses its own reader.
"""

from __future__ import annotations

import logging
import re

log = logging.getLogger(__name__)
_TIME_TAG = re.compile(r"</?time\b[^>]*>", re.IGNORECASE)
"""trafilatura drops <time> elements with their text ("on <time>Monday</time>"); unwrapped, the text stays."""

TRAFILATURA = "trafilatura"
SELECTOLAX = "selectolax"
EXTRACTORS = (TRAFILATURA, SELECTOLAX)


def main_paragraphs(markup: str, url: str = "") -> list[str]:
    """The article's paragraphs as trafilatura reads them; [] when it finds no article body."""
    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    try:
        text = trafilatura.extract(
            _TIME_TAG.sub("", markup),
            url=url or None,
            include_comments=False,
            include_tables=False,
            include_images=False,
            favor_precision=True,
        )
    except Exception as exc:  # a parser failure falls back to our own reader, never fails the load
        log.info("trafilatura could not read the page (%s); using the built-in reader", exc)
        return []
    paragraphs: list[str] = []
    for line in (text or "").splitlines():
        line = " ".join(line.split())
        if line and (not paragraphs or paragraphs[-1] != line):  # nested blocks can come out twice
            paragraphs.append(line)
    return paragraphs
