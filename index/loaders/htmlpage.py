"""HTML pages: the article's main text and its metadata (selectolax/lexbor for the metadata).

The main text comes from trafilatura (`index.loaders.extract`) unless NEWSBOT_HTML_EXTRACTOR says
`selectolax`, or trafilatura finds no body; then the built-in reader takes it: navigation, headers,
footers, asides, forms, figures and scripts are dropped, and the text is taken from <article>, else
<main>, else the body, one paragraph per block element.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from index.loaders.errors import LoaderError
from index.loaders.extract import TRAFILATURA, main_paragraphs
from index.loaders.source import Format, Loaded, Source

_DROP = (
    "script, style, noscript, template, nav, header, footer, aside, form, button, select, "
    "iframe, svg, canvas, figure, figcaption, dialog"
)
_LEAF_BLOCKS = frozenset(("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "pre", "td", "th"))
_INLINE = frozenset(
    (
        *("a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "i", "ins", "kbd"),
        *("mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "font"),
    )
)
_TITLE_META = ('meta[property="og:title"]', 'meta[name="twitter:title"]')
_DATE_META = (
    'meta[property="article:published_time"]',
    'meta[name="article:published_time"]',
    'meta[itemprop="datePublished"]',
    'meta[name="date"]',
    'meta[name="pubdate"]',
    'meta[name="publishdate"]',
    'meta[name="dc.date"]',
    'meta[name="DC.date.issued"]',
    'meta[property="og:published_time"]',
)
_AUTHOR_META = ('meta[name="author"]', 'meta[property="article:author"]', 'meta[name="byl"]')
_SITE_META = ('meta[property="og:site_name"]', 'meta[name="application-name"]')
# HTML5 tree building is quadratic in the nesting depth of block elements (50,000 nested <div>s take
# seconds, a 20 MB file of them hours); real pages nest a few dozen: deeper markup is refused unparsed.
MAX_DEPTH = 5_000
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)")
_NOT_NESTING = frozenset(
    (
        *("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source"),
        *("track", "wbr", "keygen", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th"),
        *("thead", "tbody", "tfoot", "colgroup", "caption", "rp", "rt", "!doctype"),
    )
)
_LOOKS_LIKE_HTML = re.compile(r"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.IGNORECASE | re.DOTALL)


def looks_like_html(text: str) -> bool:
    return _LOOKS_LIKE_HTML.match(text[:4096]) is not None


def nesting_depth(markup: str, limit: int = MAX_DEPTH) -> int:
    """How deep the elements of `markup` nest, counted from its tags; stops counting past `limit`.

    Only block containers count, the ones whose depth makes parsing slow: inline elements and those
    HTML closes by itself (<p>, <li>, void elements) do not; a `<div/>` does (HTML does not self-close it).
    """
    depth = deepest = 0
    for match in _TAG.finditer(markup):
        name = match.group(2).lower()
        if name in _NOT_NESTING or name in _INLINE:
            continue
        if match.group(1):
            depth = max(depth - 1, 0)
            continue
        depth += 1
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                break
    return deepest


def parse(markup: str) -> LexborHTMLParser:
    """The parsed document; LoaderError for markup nested deeper than MAX_DEPTH."""
    depth = nesting_depth(markup)
    if depth > MAX_DEPTH:
        raise LoaderError(f"HTML nests elements more than {MAX_DEPTH} deep; refused as malformed (too slow to parse)")
    return LexborHTMLParser(markup)


def html_to_text(markup: str) -> str:
    """Readable text of an HTML document or fragment, block elements as paragraphs."""
    tree = parse(markup)
    _drop_boilerplate(tree)
    root = tree.body or tree.root
    return "\n\n".join(_paragraphs(root)) if root is not None else ""


def load(source: Source) -> Loaded:
    tree = parse(source.text)
    title = _first_meta(tree, _TITLE_META) or _node_text(tree, "title") or _node_text(tree, "h1")
    date = _first_meta(tree, _DATE_META) or _attribute(tree, "time[datetime]", "datetime")
    canonical = _attribute(tree, 'link[rel="canonical"]', "href") or _first_meta(tree, ('meta[property="og:url"]',))
    url = urljoin(source.url, canonical) if canonical else source.url
    author = _first_meta(tree, _AUTHOR_META)
    site = _first_meta(tree, _SITE_META)
    paragraphs = main_paragraphs(source.text, source.url) if source.limits.html_extractor == TRAFILATURA else []
    if not paragraphs:
        _drop_boilerplate(tree)
        paragraphs = _paragraphs(_main(tree))
    if paragraphs and title and paragraphs[0].strip() == title.strip():
        paragraphs = paragraphs[1:]
    return [
        source.article(
            text="\n\n".join(paragraphs),
            title=title,
            date=date,
            publication=site,
            url=url if url.startswith(("http://", "https://")) else "",
            author=author,
        )
    ]


def _drop_boilerplate(tree: LexborHTMLParser) -> None:
    for node in tree.css(_DROP):
        node.decompose()


def _main(tree: LexborHTMLParser) -> LexborNode | None:
    articles = tree.css("article")
    if articles:
        return max(articles, key=lambda node: len(node.text(deep=True, strip=True)))
    return tree.css_first("main") or tree.css_first('[role="main"]') or tree.body


def _paragraphs(node: LexborNode | None) -> list[str]:
    """Walk the tree: leaf blocks are paragraphs, inline runs between blocks are paragraphs too.

    The walk keeps its own stack instead of recursing, so 50,000 nested <div>s are just deep, not
    a RecursionError.
    """
    if node is None:
        return []
    paragraphs: list[str] = []
    run: list[str] = []

    def flush() -> None:
        text = " ".join("".join(run).split())
        if text:
            paragraphs.append(text)
        run.clear()

    stack = [node.iter(include_text=True)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            flush()
            continue
        tag = child.tag
        if tag == "-text":
            run.append(child.text_content or "")
        elif tag == "br":
            run.append(" ")
        elif tag in _INLINE:
            run.append(_inline_text(child))
        elif tag in _LEAF_BLOCKS:
            flush()
            run.append(_inline_text(child))
            flush()
        elif tag and not tag.startswith("-"):
            flush()
            stack.append(child.iter(include_text=True))
    return paragraphs


def _inline_text(node: LexborNode) -> str:
    """The text of an element as one run: <br> and nested blocks become spaces, not nothing."""
    parts: list[str] = []
    stack = [(node.iter(include_text=True), "")]
    while stack:
        children, closing = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            parts.append(closing)
        elif child.tag == "-text":
            parts.append(child.text_content or "")
        elif child.tag in _INLINE:
            stack.append((child.iter(include_text=True), ""))
        elif child.tag and not child.tag.startswith("-"):
            parts.append(" ")
            stack.append((child.iter(include_text=True), " "))
    return "".join(parts)


def _first_meta(tree: LexborHTMLParser, selectors: tuple[str, ...]) -> str:
    for selector in selectors:
        value = _attribute(tree, selector, "content")
        if value:
            return value
    return ""


def _attribute(tree: LexborHTMLParser, selector: str, name: str) -> str:
    node = tree.css_first(selector)
    value = node.attributes.get(name) if node is not None else None
    return (value or "").strip()


def _node_text(tree: LexborHTMLParser, selector: str) -> str:
    node = tree.css_first(selector)
    return node.text(deep=True, strip=True) if node is not None else ""


FORMAT = Format("html", frozenset({".html", ".htm", ".xhtml"}), load, sniff=looks_like_html)
