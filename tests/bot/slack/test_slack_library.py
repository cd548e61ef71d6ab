"""What the assistant says is indexed comes from the index: the count, and prompts from the newest headlines."""

from __future__ import annotations

from bot.core.pipeline import Pipeline
from bot.slack.library import Headline, IndexLibrary, suggested_prompts
from bot.slack.progress import checking, found, searching


def test_prompts_come_from_the_indexed_seed_article(seeded_pipeline: Pipeline) -> None:
    library = IndexLibrary(seeded_pipeline)
    assert library.article_count() == 1
    [headline] = library.newest(12)
    assert headline.date == "2019-03-27" and "Huawei" in headline.title
    [prompt] = suggested_prompts(library.newest(12))
    assert len(prompt["title"]) <= 75 and prompt["title"].startswith("China's Huawei Technologies")
    assert prompt["message"].startswith("What do the articles say about “China's Huawei Technologies")
    assert ".txt" not in prompt["message"] and "…”" not in prompt["message"]
    assert library.newest(12) == [headline]


def test_at_most_four_prompts_newest_first_one_per_headline() -> None:
    headlines = [Headline(f"Story {n}", "Reuters", f"2024-01-{30 - n:02d}") for n in range(6)]
    prompts = suggested_prompts([headlines[0], headlines[0], *headlines[1:]])
    assert [p["title"] for p in prompts] == ["Story 0", "Story 1", "Story 2", "Story 3"]
    assert prompts[0]["message"] == "What did Reuters report about “Story 0”?"
    assert suggested_prompts([]) == []


def test_the_status_names_the_article_count_when_known() -> None:
    assert searching(12_430) == "Searching 12,430 articles" and searching(1) == "Searching 1 article"
    assert searching(None) == "Searching the articles"
    assert found(8, 5) == "Found 8 passages in 5 articles" and found(1, 1) == "Found 1 passage in 1 article"
    assert checking(3) == "Checking 3 quotes" and checking(1) == "Checking 1 quote"
