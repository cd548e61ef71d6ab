"""RSS and Atom feeds, with feedparser; item HTML is reduced to text like an HTML page's.

feedparser recovers what it can from broken XML; the items it recovers are kept and the breakage
is still reported, so a truncated feed is neither silently accepted nor thrown away.
"""

from __future__ import annotations

import re
import time
from typing import Any
from xml.sax import SAXException

import feedparser

from index.loaders.clean import normalise_date
from index.loaders.errors import LoaderError
from index.loaders.htmlpage import html_to_text
from index.loaders.source import Format, Loaded, Source
from index.models import Article, LoadError

_FEED_ROOT = re.compile(r"<(?:rss|feed|rdf:RDF)\b")
_EMAIL_AND_NAME = re.compile(r"\A\s*[^\s@()]+@[^\s()]+\s*\((?P<name>[^)]+)\)\s*\Z")
# Entities are declared in the DTD, before the root element; feeds have no use for them, and their
# expansion is how "billion laughs" and external-entity (XXE) attacks work.
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY\b", re.IGNORECASE)
_ROOT_START = re.compile(rb"<(?:rss|feed|rdf:RDF)\b")
_PROLOG_OR_COMMENT = re.compile(r"\A\s*(?:<\?[^>]*\?>\s*|<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*", re.DOTALL)


def looks_like_feed(text: str) -> bool:
    """True when the document's root element is <rss>, <feed> or <rdf:RDF>."""
    head = text[:4096]
    prolog = _PROLOG_OR_COMMENT.match(head)
    return _FEED_ROOT.match(head, prolog.end() if prolog else 0) is not None


def declares_entities(data: bytes) -> bool:
    """True when the document's prolog (everything before the root element) declares an entity."""
    root = _ROOT_START.search(data)
    return _ENTITY_DECLARATION.search(data, 0, root.start() if root else len(data)) is not None


def load(source: Source) -> Loaded:
    if declares_entities(source.data):
        raise LoaderError("feed declares XML entities (<!ENTITY>); refused: entity expansion is unsafe")
    parsed = feedparser.parse(source.data, sanitize_html=False, resolve_relative_uris=False)
    broken = parsed.get("bozo_exception") if parsed.get("bozo") else None
    xml_error = f"invalid XML: {broken}" if isinstance(broken, SAXException) else ""
    entries = parsed.entries
    if not entries:
        if xml_error:
            raise LoaderError(xml_error)
        raise LoaderError("feed has no items" if parsed.version else "not an RSS/Atom feed")
    cap = source.limits.max_feed_items
    publication = parsed.feed.get("title") or ""
    loaded: Loaded = []
    problems = [f"{xml_error}; kept the {len(entries)} items that could be read"] if xml_error else []
    for entry in entries[:cap]:
        try:
            loaded.append(_article(source, entry, publication))
        except LoaderError as error:
            problems.append(f"item {entry.get('title') or entry.get('link') or '?'}: {error}")
    if len(entries) > cap:
        problems.append(f"feed has {len(entries)} items; loaded the first {cap} (NEWSBOT_MAX_FEED_ITEMS)")
    return [*loaded, *(LoadError(source.name, problem) for problem in problems)]


def _article(source: Source, entry: Any, publication: str) -> Article:
    title = entry.get("title") or ""
    text = html_to_text(_body(entry)) or html_to_text(title)
    guid = entry.get("id") or ""
    url = entry.get("link") or (guid if guid.startswith(("http://", "https://")) else "")
    return source.article(
        text=text,
        title=html_to_text(title) if "<" in title else title,
        date=normalise_date(entry.get("published") or entry.get("updated")) or _struct_date(entry),
        publication=publication,
        url=url,
        author=_author(entry.get("author") or ""),
    )


def _body(entry: Any) -> str:
    """The fullest text the item has: its longest content block, else its summary."""
    contents = [c.get("value") or "" for c in entry.get("content") or []]
    return max(contents, key=len, default="") or entry.get("summary") or ""


def _author(value: str) -> str:
    """RSS writes "email (Name)"; the name is the author (feedparser's own split is off by some)."""
    match = _EMAIL_AND_NAME.match(value)
    return match["name"] if match else value


def _struct_date(entry: Any) -> str | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    # feedparser converts to UTC, which may shift the day: only a fallback for unparsed strings.
    return time.strftime("%Y-%m-%d", parsed) if parsed else None


FORMAT = Format("feed", frozenset({".xml", ".rss", ".atom"}), load, sniff=looks_like_feed, any_suffix=True)
