"""The seed format: header date, photo caption kept out of the body, glued sentences split."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings
from index.loaders import load_file
from index.loaders.seed import drop_caption, is_seed
from index.sentences import split_sentences
from tests.conftest import SEEDS

SEED = SEEDS / "000_91d4d3be40749d7a.txt"


def test_seed_file_loads_with_date_title_and_source(settings: Settings) -> None:
    [article] = load_file(SEED, settings.index.load_limits)
    assert article.date == "2019-03-27"
    assert article.source == SEED.name
    assert article.source_path == str(SEED.resolve())
    assert article.title.startswith("China's Huawei Technologies and ZTE Corp applauded")
    assert len(article.title) <= 101
    assert article.url == ""


def test_seed_caption_is_not_in_the_text(settings: Settings) -> None:
    [article] = load_file(SEED, settings.index.load_limits)
    assert "People attend" not in article.text
    assert "Photo: VCG" not in article.text
    assert "date 2019" not in article.text
    assert article.text.startswith("China's Huawei Technologies")


def test_seed_glued_sentences_become_two(settings: Settings) -> None:
    [article] = load_file(SEED, settings.index.load_limits)
    sentences = split_sentences(article.text)
    boycott = next(i for i, s in enumerate(sentences) if s.endswith("US boycott."))
    assert sentences[boycott].startswith("Analysts hailed it")
    assert sentences[boycott + 1].startswith("The European Commission released")
    assert "boycott.The" not in article.text
    assert any(s.startswith('"Security is a major issue') for s in sentences)
    assert all(s in article.text for s in sentences)


def test_seed_header_without_leading_space_and_no_caption(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "a.txt"
    path.write_text("date 2021-05-06 Prices rose.They fell later.\n\nSecond paragraph here.", "utf-8")
    [article] = load_file(path, settings.index.load_limits)
    assert article.date == "2021-05-06"
    assert article.text == "Prices rose. They fell later.\n\nSecond paragraph here."
    assert article.title == "Prices rose."


def test_seed_invalid_date_is_none(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "a.txt"
    path.write_text(" date 2021-13-45 Body text.", "utf-8")
    [article] = load_file(path, settings.index.load_limits)
    assert article.date is None
    assert article.text == "Body text."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A man walks. Photo: VCG\n\nBody starts here.", "Body starts here."),
        ("A man walks in Beijing. Photo: Li Hao/GT\nBody starts here.", "Body starts here."),
        ("A man walks. Photo: Li Hao/GT Body starts here.", "Body starts here."),
        ("A man walks. Photo: IC Body starts here.", "Body starts here."),
        ("No caption at all. The body goes on.", "No caption at all. The body goes on."),
    ],
)
def test_drop_caption(text: str, expected: str) -> None:
    assert drop_caption(text).strip() == expected


def test_is_seed_needs_the_header() -> None:
    assert is_seed(" date 2019-03-27 x")
    assert is_seed("date 2019-03-27 x")
    assert not is_seed("The date 2019-03-27 was a Wednesday.")
    assert not is_seed("  date 2019-03-27 x")
