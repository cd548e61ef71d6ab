"""One story as a digest and as a timeline, for the front ends' rendering tests (CLI and Slack render the
same core objects, so they are built once here)."""

from __future__ import annotations

from bot.core.digest import Digest, DigestStory
from bot.core.models import Citation
from bot.core.timeline import Entry, Timeline

QUOTE = "Farmers in Kansas reported a record wheat harvest this year."
SOURCE = "Paper D"
URL = "https://example.org/a1"
TITLES = {"own title": "Harvest beats forecasts", "title is the quote": QUOTE}
"""The two cases of a title: its own, and a plain-text article's, which is its first sentence (the quote)."""


def one_story(title: str) -> tuple[Digest, Timeline]:
    """A digest and a timeline of one story whose cited sentence is `QUOTE`, titled `title`."""
    c = Citation(1, "a1", title, "2019-03-27", SOURCE, URL, QUOTE, "a1:0", 1.0)
    digest = Digest(since="2019-03-01", stories=[DigestStory("story:a1", title, c.date, c.source, (), c)])
    return digest, Timeline("wheat harvest", entries=[Entry(c.date, "story:a1", c)])
