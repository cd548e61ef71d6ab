"""RSS and Atom feed files."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings
from index.loaders import LoaderError, load_file, load_sources
from index.loaders.feed import looks_like_feed
from index.models import Article, LoadError
from tests.conftest import make_settings


def rss(*items: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Wire News</title>'
        "<link>https://wire.example/</link><description>d</description>" + "".join(items) + "</channel></rss>"
    )


def item(n: int, extra: str = "") -> str:
    return (
        f"<item><title>Story {n}</title><link>https://wire.example/{n}</link>"
        f"<description>&lt;p&gt;Body of story {n}.&lt;/p&gt;&lt;p&gt;More &amp;amp; more.&lt;/p&gt;</description>"
        f"<pubDate>Tue, 26 Sep 2023 23:30:00 -0500</pubDate><author>ed@wire.example (Ed Ito)</author>{extra}</item>"
    )


def test_rss_items_become_articles(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "wire.rss"
    path.write_text(rss(item(1), item(2)), "utf-8")
    articles = load_file(path, settings.index.load_limits)
    assert [a.title for a in articles] == ["Story 1", "Story 2"]
    first = articles[0]
    assert first.text == "Body of story 1.\n\nMore & more."
    assert first.url == "https://wire.example/1"
    assert first.id == Article.make_id("https://wire.example/1", "", "")
    assert first.date == "2023-09-26"
    assert first.source == "Wire News"
    assert first.author == "Ed Ito"
    assert first.source_path == str(path.resolve())


def test_atom_feed_with_content(tmp_path: Path, settings: Settings) -> None:
    atom = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Times</title><id>urn:x</id><updated>2023-01-02T00:00:00Z</updated>
<entry><title>Launch</title><id>urn:1</id><link href="https://atom.example/launch"/>
<updated>2023-01-02T10:00:00Z</updated><published>2023-01-01T10:00:00Z</published>
<author><name>Jo Park</name></author><summary>Short.</summary>
<content type="html">&lt;p&gt;The rocket launched.&lt;/p&gt;&lt;script&gt;bad()&lt;/script&gt;</content></entry>
</feed>"""
    path = tmp_path / "times.atom"
    path.write_text(atom, "utf-8")
    [article] = load_file(path, settings.index.load_limits)
    assert (article.title, article.text, article.date, article.author, article.source, article.url) == (
        "Launch",
        "The rocket launched.",
        "2023-01-01",
        "Jo Park",
        "Atom Times",
        "https://atom.example/launch",
    )


def test_feed_is_sniffed_whatever_the_suffix(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "saved.txt"
    path.write_text(rss(item(1)), "utf-8")
    [article] = load_file(path, settings.index.load_limits)
    assert article.title == "Story 1"
    odd = tmp_path / "feed.download"
    odd.write_text(rss(item(2)), "utf-8")
    assert [a.title for a in load_file(odd, settings.index.load_limits)] == ["Story 2"]


def test_feed_cap_is_reported(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", max_feed_items=2)
    path = tmp_path / "wire.xml"
    path.write_text(rss(item(1), item(2), item(3)), "utf-8")
    items = list(load_sources([path], settings.index.load_limits, skip=settings.index.data_dir))
    assert [a.title for a in items if isinstance(a, Article)] == ["Story 1", "Story 2"]
    [error] = [e for e in items if isinstance(e, LoadError)]
    assert error.source == str(path)
    assert "3 items" in error.error and "first 2" in error.error and "NEWSBOT_MAX_FEED_ITEMS" in error.error


def test_truncated_feed_keeps_items_and_reports_the_breakage(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "cut.xml"
    path.write_text(rss(item(1), item(2))[:-40], "utf-8")
    items = list(load_sources([path], settings.index.load_limits, skip=settings.index.data_dir))
    assert "Story 1" in [a.title for a in items if isinstance(a, Article)]
    errors = [e for e in items if isinstance(e, LoadError)]
    assert any(e.error.startswith("invalid XML") for e in errors)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('<?xml version="1.0"?><rss version="2.0"><channel><ti', "invalid XML"),
        ('<?xml version="1.0"?><catalog><book>x</book></catalog>', "not an RSS/Atom feed"),
        (rss(), "feed has no items"),
    ],
)
def test_broken_or_empty_feeds_are_errors(tmp_path: Path, settings: Settings, content: str, reason: str) -> None:
    path = tmp_path / "f.xml"
    path.write_text(content, "utf-8")
    with pytest.raises(LoaderError, match=reason):
        load_file(path, settings.index.load_limits)


def test_looks_like_feed() -> None:
    assert looks_like_feed('<?xml version="1.0"?>\n<!-- hi -->\n<rss version="2.0">')
    assert looks_like_feed('<feed xmlns="http://www.w3.org/2005/Atom">')
    assert not looks_like_feed("<html><body>rss</body></html>")
    assert not looks_like_feed("Talk about <rss> feeds")
