"""HTML pages: main text without boilerplate, metadata from meta tags."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bot.settings import Settings
from index.loaders import load_file
from index.loaders.htmlpage import html_to_text, looks_like_html

PAGE = """<!DOCTYPE html>
<html><head>
<meta charset="utf-8">
<title>Rates held | Example Times</title>
<meta property="og:title" content="Central bank holds rates">
<meta property="og:site_name" content="Example Times">
<meta property="article:published_time" content="2023-10-05T09:30:00+02:00">
<meta name="author" content="Ann Lee">
<link rel="canonical" href="https://example.com/news/rates">
<style>p { color: red }</style>
<script>var tracking = "SCRIPT TEXT";</script>
</head><body>
<header><a href="/">Example Times home</a></header>
<nav><ul><li>World</li><li>Business</li></ul></nav>
<article>
  <h1>Central bank holds rates</h1>
  <figure><img src="x.jpg"><figcaption>The governor speaks. Photo: AP</figcaption></figure>
  <p>The central bank held rates at <b>5.25%</b> on Thursday, said
     <a href="/gov">the governor</a>.</p>
  <p>Markets rose.Analysts were surprised.</p>
  <div>A loose line of text.<p>Inner paragraph.</p></div>
  <aside>Related: other stories</aside>
</article>
<footer>Copyright Example Times</footer>
<form><input name="q">Search</form>
</body></html>
"""


def test_html_page_main_text_and_metadata(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "rates.html"
    path.write_text(PAGE, "utf-8")
    [article] = load_file(path, settings.index.load_limits)
    assert article.title == "Central bank holds rates"
    assert article.date == "2023-10-05"
    assert article.url == "https://example.com/news/rates"
    assert article.author == "Ann Lee"
    assert article.source == "Example Times"
    assert article.text.split("\n\n") == [
        "The central bank held rates at 5.25% on Thursday, said the governor.",
        "Markets rose. Analysts were surprised.",
        "A loose line of text.",
        "Inner paragraph.",
    ]
    for boilerplate in ("SCRIPT", "color", "home", "Business", "Photo: AP", "Related", "Copyright", "Search"):
        assert boilerplate not in article.text


def test_html_without_article_uses_body_blocks(tmp_path: Path, settings: Settings) -> None:
    """The built-in reader (NEWSBOT_HTML_EXTRACTOR=selectolax, and trafilatura's fallback)."""
    page = (
        "<html><head><title>Plain page</title></head><body><nav>Menu</nav>"
        '<p>First <time datetime="2022-02-03">Feb 3</time> words.</p><p>Second words.</p></body></html>'
    )
    path = tmp_path / "plain.htm"
    path.write_text(page, "utf-8")
    [article] = load_file(path, replace(settings.index.load_limits, html_extractor="selectolax"))
    [read_by_trafilatura] = load_file(path, settings.index.load_limits)
    assert read_by_trafilatura.text == "First Feb 3 words.\n\nSecond words.", "text inside <time> is kept"
    assert article.title == "Plain page"
    assert article.date == "2022-02-03"
    assert article.text == "First Feb 3 words.\n\nSecond words."
    assert article.url == ""
    assert article.source == "plain.htm"


def test_html_declared_charset_decodes_latin1(tmp_path: Path, settings: Settings) -> None:
    page = '<html><head><meta charset="iso-8859-1"><title>Caf\xe9</title></head><body><p>Un caf\xe9 cr\xe8me.</p>'
    path = tmp_path / "latin.html"
    path.write_bytes(page.encode("latin-1"))
    [article] = load_file(path, settings.index.load_limits)
    assert article.title == "Café"
    assert article.text == "Un café crème."


def test_html_to_text_of_a_fragment() -> None:
    assert html_to_text("<p>One &amp; two.</p><p>Three<br>four.</p><script>x()</script>") == (
        "One & two.\n\nThree four."
    )
    assert html_to_text("plain words") == "plain words"


def test_looks_like_html() -> None:
    assert looks_like_html("<!DOCTYPE html><html>")
    assert looks_like_html("  <!-- c --><html lang=en>")
    assert not looks_like_html("<rss version='2.0'>")
    assert not looks_like_html("Some text <html>")


BOXED = """<!doctype html><html><head><title>Port strike ends</title></head><body><main><article>
<h1>Port strike ends</h1><div class="share"><a href="#">Share on Facebook</a></div>
<p>Dockworkers in Rotterdam returned to work on Monday after a two-week strike over pay.</p>
<div class="related"><h3>Related stories</h3><ul><li><a href="/a">Other headline one about ports</a></li>
<li><a href="/b">Other headline two about ships</a></li></ul></div>
<p>The union said its members had accepted a raise of six percent over two years.</p>
<div class="newsletter"><p>Sign up for our newsletter to get the best stories every morning.</p></div>
</article><section id="comments"><h2>Comments (1)</h2><p>Great article, thanks!</p></section></main></body></html>"""


def test_trafilatura_drops_boxes_inside_the_article_that_the_built_in_reader_keeps(
    tmp_path: Path, settings: Settings
) -> None:
    path = tmp_path / "boxed.html"
    path.write_text(BOXED, "utf-8")
    [main] = load_file(path, settings.index.load_limits)
    assert main.text.split("\n\n") == [
        "Dockworkers in Rotterdam returned to work on Monday after a two-week strike over pay.",
        "The union said its members had accepted a raise of six percent over two years.",
    ]
    [built_in] = load_file(path, replace(settings.index.load_limits, html_extractor="selectolax"))
    assert "Related stories" in built_in.text and "Sign up for our newsletter" in built_in.text


def test_a_page_trafilatura_finds_no_body_in_falls_back_to_the_built_in_reader(
    tmp_path: Path, settings: Settings
) -> None:
    path = tmp_path / "links.html"
    path.write_text(
        '<html><body><ul><li><a href="/a">Link one</a></li><li><a href="/b">Link two</a></li></ul>', "utf-8"
    )
    [article] = load_file(path, settings.index.load_limits)
    assert article.text == "Link one\n\nLink two"
