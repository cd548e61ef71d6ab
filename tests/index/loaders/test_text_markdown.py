"""Plain text and Markdown with YAML front matter."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings
from index.loaders import LoaderError, load_file, load_sources
from index.loaders.markdown import strip_markdown
from index.models import LoadError


def write(path: Path, text: str) -> Path:
    path.write_text(text, "utf-8")
    return path


def test_txt_heading_line_is_the_title(tmp_path: Path, settings: Settings) -> None:
    path = write(tmp_path / "story.txt", "Port strike ends\n\nDock workers returned on Monday.\nTalks went on.")
    [article] = load_file(path, settings.index.load_limits)
    assert article.title == "Port strike ends"
    assert article.text == "Dock workers returned on Monday. Talks went on."
    assert article.date is None
    assert article.source == "story.txt"


def test_txt_without_heading_takes_the_first_sentence(tmp_path: Path, settings: Settings) -> None:
    text = "Dock workers returned on Monday.\n\nTalks went on for weeks. Nobody expected it."
    [article] = load_file(write(tmp_path / "story.txt", text), settings.index.load_limits)
    assert article.title == "Dock workers returned on Monday."
    assert article.text == text


def test_txt_whitespace_and_controls_are_normalised(tmp_path: Path, settings: Settings) -> None:
    text = "First  line\twith\u00a0odd   spacing.\x07\r\n\r\n\r\n\r\nNext para\u200b.  "
    [article] = load_file(write(tmp_path / "s.txt", text), settings.index.load_limits)
    assert article.text == "First line with odd spacing.\n\nNext para."


def test_markdown_front_matter_and_syntax(tmp_path: Path, settings: Settings) -> None:
    text = """---
title: "Rates: the bank holds"
date: 2023-10-05
source: Example Times
url: https://example.com/rates
author: [Ann Lee, Bo Chan]
---
# Ignored heading

The **central bank** held rates at *5.25%*, said [the governor](https://example.com/g).

- Inflation fell.
- Jobs rose.

> "We will wait," she said.
"""
    [article] = load_file(write(tmp_path / "rates.md", text), settings.index.load_limits)
    assert article.title == "Rates: the bank holds"
    assert article.date == "2023-10-05"
    assert article.source == "Example Times"
    assert article.url == "https://example.com/rates"
    assert article.author == "Ann Lee, Bo Chan"
    paragraphs = article.text.split("\n\n")
    assert paragraphs == [
        "Ignored heading",
        "The central bank held rates at 5.25%, said the governor.",
        "Inflation fell.",
        "Jobs rose.",
        '"We will wait," she said.',
    ]
    assert article.id == load_file(tmp_path / "rates.md", settings.index.load_limits)[0].id


def test_markdown_heading_becomes_title_without_front_matter(tmp_path: Path, settings: Settings) -> None:
    path = write(tmp_path / "n.md", "# Storm hits coast\n\nWinds of 150 km/h were _recorded_ overnight.\n")
    [article] = load_file(path, settings.index.load_limits)
    assert article.title == "Storm hits coast"
    assert article.text == "Winds of 150 km/h were recorded overnight."
    assert article.date is None


def test_strip_markdown_keeps_escapes_and_drops_images() -> None:
    heading, plain = strip_markdown("Price \\*rose\\* 5%.![chart](c.png) See `code` and snake_case_name.\n")
    assert heading == ""
    assert plain.strip() == "Price *rose* 5%. See code and snake_case_name."


def test_markdown_invalid_front_matter_is_reported(tmp_path: Path, settings: Settings) -> None:
    path = write(tmp_path / "bad.md", "---\ntitle: [unclosed\n---\nBody.\n")
    with pytest.raises(LoaderError, match="invalid YAML front matter"):
        load_file(path, settings.index.load_limits)
    [error] = list(load_sources([path], settings.index.load_limits, skip=settings.index.data_dir))
    assert isinstance(error, LoadError)
    assert error.source == str(path)
