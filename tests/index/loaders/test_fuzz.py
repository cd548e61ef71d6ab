"""Hostile input: random bytes, mangled documents and resource bombs never crash a load.

Every bad file comes back as a LoadError that names the file and a reason; no parser exception
escapes (the loaders' catch-all "could not load: <Exception>" counts as a failure here), and size
limits name the setting that raises them. Hypothesis runs derandomized when `CI` is set.
"""

from __future__ import annotations

import itertools
import json
import os
import tempfile
import tracemalloc
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.pipeline import QuestionError
from bot.settings import Settings
from index.loaders import LoaderError, load_file, load_sources
from index.loaders.registry import KNOWN_SUFFIXES
from index.models import Article, LoadError

FUZZ = settings(
    max_examples=int(os.environ.get("NEWSBOT_FUZZ_EXAMPLES", "150")),
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
SUFFIXES = sorted(KNOWN_SUFFIXES | {"", ".bin", ".csv"})
SENTENCE = "The council approved the new harbour budget on Tuesday. "
RSS_ITEM = "<item><title>Item {n}</title><link>https://example.com/{n}</link><description>{body}</description></item>"
TEMPLATES: dict[str, str] = {
    ".txt": "Harbour budget\n\n" + SENTENCE * 3,
    "seed.txt": " date 2019-03-27 People at the harbour. Photo: VCG " + SENTENCE.strip() + "The mayor agreed.",
    ".md": "---\ntitle: Harbour budget\ndate: 2024-05-01\nauthor: [A. Writer]\n---\n# Harbour\n\n*" + SENTENCE + "*",
    ".html": "<!doctype html><html><head><title>Harbour</title><meta name='author' content='A'></head>"
    "<body><nav>menu</nav><article><h1>Harbour</h1><p>" + SENTENCE + "</p><p>More <b>bold</b> text.</p>"
    "</article></body></html>",
    ".json": json.dumps([{"title": "Harbour", "date": "2024-05-01", "text": SENTENCE}, {"body": ["a", "b"]}]),
    ".jsonl": "\n".join(
        json.dumps({"title": f"T{n}", "text": SENTENCE, "url": f"https://e.com/{n}"}) for n in range(3)
    ),
    ".xml": '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Harbour News</title>'
    + "".join(RSS_ITEM.format(n=n, body=SENTENCE) for n in range(3))
    + "</channel></rss>",
    ".atom": '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Harbour</title>'
    '<entry><title>A</title><id>urn:a</id><updated>2024-05-01T10:00:00Z</updated><content type="html">&lt;p&gt;'
    + SENTENCE
    + "&lt;/p&gt;</content></entry></feed>",
}
HOSTILE_BYTES = [b"\x00", b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x1b[31m", b"]]>", b"<!--"]
_CONTROLS = {chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)}


def file_name(key: str) -> str:
    return key if "." in key[1:] else f"doc{key}"


def check_load(path: Path, settings: Settings) -> tuple[list[Article], list[LoadError]]:
    """Load `path` both ways and check the contract; returns what `load_sources` gave."""
    items = list(load_sources([path], settings.index.load_limits, skip=settings.index.data_dir))
    articles = [i for i in items if isinstance(i, Article)]
    errors = [i for i in items if isinstance(i, LoadError)]
    assert len(articles) + len(errors) == len(items) and items, "load_sources must yield something"
    for error in errors:
        assert error.source == str(path), error
        assert error.error.strip(), error
        assert not error.error.startswith("could not load:"), f"a parser raised: {error.error}"
    for article in articles:
        assert article.id and article.title and article.text.strip()
        assert not _CONTROLS & set(article.text), "control characters must not reach the index"
        assert unicodedata.is_normalized("NFC", article.text)
    try:
        loaded = load_file(path, settings.index.load_limits)
    except LoaderError as error:
        assert str(error).strip()
        assert not articles, "load_file refused a file load_sources loaded"
    else:
        assert [a.id for a in loaded] == [a.id for a in articles]
    return articles, errors


def write(directory: str, name: str, data: bytes) -> Path:
    path = Path(directory) / name
    path.write_bytes(data)
    return path


@FUZZ
@given(data=st.binary(max_size=4096), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes_in_any_format_are_loaded_or_reported(data: bytes, suffix: str, settings: Settings) -> None:
    with tempfile.TemporaryDirectory() as directory:
        check_load(write(directory, f"random{suffix}", data), settings)


@FUZZ
@given(
    key=st.sampled_from(sorted(TEMPLATES)),
    cut=st.floats(min_value=0.0, max_value=1.0),
    at=st.floats(min_value=0.0, max_value=1.0),
    junk=st.lists(st.sampled_from(HOSTILE_BYTES) | st.binary(max_size=16), max_size=4),
)
def test_mangled_documents_are_loaded_or_reported(
    key: str, cut: float, at: float, junk: list[bytes], settings: Settings
) -> None:
    """Valid documents of every format, truncated and with invalid UTF-8, NULs or markup spliced in."""
    data = TEMPLATES[key].encode("utf-8")
    data = data[: max(1, int(len(data) * (0.3 + 0.7 * cut)))]
    position = int(len(data) * at)
    data = data[:position] + b"".join(junk) + data[position:]
    with tempfile.TemporaryDirectory() as directory:
        check_load(write(directory, file_name(key), data), settings)


@FUZZ
@given(
    key=st.sampled_from([".txt", ".md", ".json", ".jsonl", ".xml", ".html"]),
    text=st.text(st.characters(codec="utf-8"), min_size=1, max_size=400),
)
def test_any_unicode_article_text_is_loaded_clean(key: str, text: str, settings: Settings) -> None:
    """Arbitrary unicode (controls, bidi marks, combining characters, astral planes) as the body."""
    escaped_xml = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    body = {
        ".txt": text,
        ".md": f"---\ntitle: Fuzz\n---\n{text}",
        ".json": json.dumps({"title": "Fuzz", "text": text}),
        ".jsonl": json.dumps({"title": "Fuzz", "text": text}) + "\n" + json.dumps({"text": "second"}),
        ".xml": f'<rss version="2.0"><channel><item><title>Fuzz</title><description>{escaped_xml}</description>'
        "</item></channel></rss>",
        ".html": f"<html><body><article><p>{escaped_xml}</p></article></body></html>",
    }[key]
    with tempfile.TemporaryDirectory() as directory:
        check_load(write(directory, f"fuzz{key}", body.encode("utf-8")), settings)


def test_a_10_mb_single_line_loads_under_the_limit_and_is_refused_over_it(tmp_path: Path, settings: Settings) -> None:
    path = write(str(tmp_path), "line.txt", b"word " * 2_000_000)
    articles, errors = check_load(path, settings)
    assert not errors and len(articles[0].text) == 9_999_999

    small = settings.with_overrides(max_file_bytes=5_000_000)
    articles, errors = check_load(path, small)
    assert not articles
    assert errors[0].error == "file too large (10000000 bytes; limit 5000000, NEWSBOT_MAX_FILE_BYTES)"


def test_15_mb_of_one_sentence_loads_in_bounded_memory_or_is_refused_by_size(
    tmp_path: Path, settings: Settings
) -> None:
    """A "zip bomb" of repeated text: loads with memory a small multiple of the file, or is refused."""
    data = b"The same sentence again and again. " * 430_000
    path = write(str(tmp_path), "bomb.txt", data)
    tracemalloc.start()
    try:
        articles, errors = check_load(path, settings)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert not errors and articles[0].title == "The same sentence again and again."
    assert peak < 20 * len(data), f"peak {peak / 1e6:.0f} MB for a {len(data) / 1e6:.0f} MB file"

    articles, errors = check_load(path, settings.with_overrides(max_file_bytes=10_000_000))
    assert "NEWSBOT_MAX_FILE_BYTES" in errors[0].error and not articles


def test_15_mb_of_glued_quoted_sentences_loads(tmp_path: Path, settings: Settings) -> None:
    """`said."The` repeated: the glued-sentence fix must stay linear in the paragraph's length."""
    path = write(str(tmp_path), "glued.txt", b'He said."The x ' * 1_000_000)
    articles, errors = check_load(path, settings)
    assert not errors and articles[0].text.startswith('He said. "The x He said." The x')


@pytest.mark.parametrize(("depth", "loads"), [(4_000, True), (50_000, False)])
def test_deeply_nested_html_loads_or_is_refused_by_depth(
    tmp_path: Path, settings: Settings, depth: int, loads: bool
) -> None:
    markup = "<html><body>" + "<div>" * depth + "<p>Deep text here.</p>" + "</div>" * depth + "</body></html>"
    articles, errors = check_load(write(str(tmp_path), "deep.html", markup.encode()), settings)
    if loads:
        assert articles[0].text == "Deep text here." and not errors
    else:
        assert errors[0].error == "HTML nests elements more than 5000 deep; refused as malformed (too slow to parse)"


def test_deeply_nested_inline_markup_loads(tmp_path: Path, settings: Settings) -> None:
    markup = "<html><body><p>" + "<span>" * 50_000 + "Deep inline text." + "</span>" * 50_000 + "</p></body></html>"
    articles, _ = check_load(write(str(tmp_path), "spans.html", markup.encode()), settings)
    assert articles[0].text == "Deep inline text."


def test_deeply_nested_json_is_reported_and_other_lines_still_load(tmp_path: Path, settings: Settings) -> None:
    nested = "[" * 100_000 + "]" * 100_000
    _, errors = check_load(write(str(tmp_path), "deep.json", nested.encode()), settings)
    assert errors[0].error == "invalid JSON: arrays or objects nested too deeply"

    lines = f'{{"text": {nested}}}\n{{"title": "Fine", "text": "Still loads."}}\n'
    articles, errors = check_load(write(str(tmp_path), "deep.jsonl", lines.encode()), settings)
    assert [a.title for a in articles] == ["Fine"]
    assert [e.error for e in errors] == ["invalid JSON: arrays or objects nested too deeply on line 1"]


def test_billion_laughs_in_a_feed_is_refused_not_expanded(tmp_path: Path, settings: Settings) -> None:
    names = ["lol", *(f"lol{i}" for i in range(1, 10))]
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY {name} "{f"&{previous};" * 10}">' for previous, name in itertools.pairwise(names)
    )
    feed = (
        f'<?xml version="1.0"?><!DOCTYPE rss [{entities}]><rss version="2.0"><channel><title>x</title>'
        "<item><title>Laughs</title><description>&lol9;</description></item></channel></rss>"
    )
    tracemalloc.start()
    try:
        articles, errors = check_load(write(str(tmp_path), "laughs.xml", feed.encode()), settings)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert not articles and peak < 50_000_000
    assert errors[0].error == "feed declares XML entities (<!ENTITY>); refused: entity expansion is unsafe"


def test_a_feed_cannot_read_local_files_through_an_external_dtd(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "secret.dtd").write_text('<!ENTITY secret "LEAKED-FROM-DISK">', "utf-8")
    feed = (
        f'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "file://{tmp_path}/secret.dtd"><rss version="2.0"><channel>'
        "<title>x</title><item><title>T</title><description>Hello &secret; world.</description></item>"
        "</channel></rss>"
    )
    articles, _ = check_load(write(str(tmp_path), "xxe.xml", feed.encode()), settings)
    assert all("LEAKED" not in a.text and "LEAKED" not in a.title for a in articles)


def test_a_yaml_alias_bomb_in_front_matter_is_refused(tmp_path: Path, settings: Settings) -> None:
    levels = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]" for a, b in zip("abcdefgh", "bcdefghi", strict=True)]
    text = "---\n" + "\n".join(levels) + "\ntitle: *i\n---\nBody text here.\n"
    articles, errors = check_load(write(str(tmp_path), "bomb.md", text.encode()), settings)
    assert not articles
    assert errors[0].error == "invalid YAML front matter on line 3: aliases (*name) are not allowed"


def test_feed_items_over_the_limit_are_cut_with_a_message_naming_the_setting(
    tmp_path: Path, settings: Settings
) -> None:
    items = "".join(RSS_ITEM.format(n=n, body=f"Story number {n}.") for n in range(12))
    feed = f'<rss version="2.0"><channel><title>Many</title>{items}</channel></rss>'
    articles, errors = check_load(
        write(str(tmp_path), "many.rss", feed.encode()), settings.with_overrides(max_feed_items=5)
    )
    assert [a.title for a in articles] == [f"Item {n}" for n in range(5)]
    assert [e.error for e in errors] == ["feed has 12 items; loaded the first 5 (NEWSBOT_MAX_FEED_ITEMS)"]


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_invalid_utf8_and_nul_bytes_are_reported_in_every_format(tmp_path: Path, settings: Settings, key: str) -> None:
    good = TEMPLATES[key].encode("utf-8")
    middle = len(good) // 2
    _, errors = check_load(write(str(tmp_path), file_name(key), good[:middle] + b"\xff\xfe" + good[middle:]), settings)
    assert errors and errors[0].error.startswith("not valid UTF-8 (byte 0xff at offset")

    _, errors = check_load(write(str(tmp_path), file_name(key), b"\x00" + good), settings)
    assert errors[0].error == "binary file"


def test_a_folder_of_hostile_files_reports_each_and_loads_the_rest(tmp_path: Path, settings: Settings) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    for key, text in TEMPLATES.items():
        (root / file_name(key)).write_text(text, "utf-8")
    hostile = {
        "nested.html": ("<html><body>" + "<div>" * 6_000 + "x").encode(),
        "deep.json": b"[" * 50_000,
        "binary.xml": b"\x00\x01\x02" * 100,
        "truncated.xml": TEMPLATES[".xml"].encode()[:-40],
        "latin1.jsonl": '{"text": "Caf\xe9"}'.encode("latin-1"),
        "empty.md": b"\n\n",
    }
    for name, data in hostile.items():
        (root / name).write_bytes(data)
    items = list(load_sources([root], settings.index.load_limits, skip=settings.index.data_dir))
    errors = {Path(e.source).name for e in items if isinstance(e, LoadError)}
    assert {"nested.html", "deep.json", "binary.xml", "truncated.xml", "latin1.jsonl", "empty.md"} <= errors
    assert not any(e.error.startswith("could not load:") for e in items if isinstance(e, LoadError))
    assert len([a for a in items if isinstance(a, Article)]) >= len(TEMPLATES)


QUESTIONS = st.text(st.characters(codec="utf-8"), max_size=300) | st.sampled_from(
    ["", " \n\t ", "x" * 2_001, "[9] Sources: </source>", "\x00\x00", "<!channel> ?", "ZTE " * 500, "🦜" * 10]
)


@FUZZ
@given(question=QUESTIONS)
def test_any_question_is_answered_or_refused_with_a_question_error(seeded_pipeline, question: str) -> None:  # type: ignore[no-untyped-def]
    try:
        answer = seeded_pipeline.answer(question)
    except QuestionError as error:
        assert "NEWSBOT_MAX_QUESTION_CHARS" in str(error) or str(error) == "the question is empty"
        return
    ids = list(dict.fromkeys(c.chunk_id for c in answer.citations))  # an overview may quote one chunk twice
    chunks = {c.id: c for c in seeded_pipeline.store.get(ids)} if ids else {}
    for citation in answer.citations:
        assert citation.quote and citation.quote in chunks[citation.chunk_id].text
    assert answer.refused or answer.citations
