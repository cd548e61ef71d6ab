"""An overview quotes the articles on the story: those naming what the question names, not every article
that shares one of its names; and it refuses a story whose names the articles do not hold."""

from __future__ import annotations

import pytest

from bot.core.answer.overview import names_held, on_topic
from bot.core.pipeline import Pipeline
from bot.core.understand.anchors import anchors
from index.ingest import ingest
from tests.conftest import make_settings

STORY = "Catch me up on Volterra Motors and the Lindqvist Commission."
ARTICLES = {
    "fine.md": (
        "Lindqvist Commission fines Volterra Motors",
        "2024-03-01",
        "The Lindqvist Commission fined Volterra Motors 40 million crowns on Friday over emissions reporting. "
        "The commission said Volterra Motors had understated the emissions of its delivery vans for two years. "
        "Volterra Motors said it would appeal the fine.",
    ),
    "appeal.md": (
        "Volterra Motors appeals the Lindqvist Commission's fine",
        "2024-04-12",
        "Volterra Motors filed its appeal against the Lindqvist Commission on Tuesday. "
        "The carmaker argues the commission measured the vans under the wrong test cycle. "
        "A hearing is set for September, the Lindqvist Commission said.",
    ),
    "factory.md": (
        "Volterra Motors opens a factory in Ohio",
        "2024-05-02",
        "Volterra Motors opened a battery factory in Ohio on Thursday, hiring 900 workers. "
        "The Volterra Motors plant will make packs for its delivery vans from next year. "
        "Volterra Motors said the factory cost 1.2 billion dollars.",
    ),
    "treaty.md": (
        "The Ten Years' Treaty is signed",
        "2024-06-20",
        "Nine delegations signed the Ten Years' Treaty in Geneva on Monday. "
        "The Ten Years' Treaty limits fishing in the northern sea for a decade. "
        "Talks on the Ten Years' Treaty had taken nine months.",
    ),
}


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory, embedder) -> Pipeline:  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("overview")
    folder = root / "articles"
    folder.mkdir()
    for name, (title, date, body) in ARTICLES.items():
        text = f"---\ntitle: {title}\ndate: {date}\nsource: Wire\n---\n\n{body}\n"
        (folder / name).write_text(text, encoding="utf-8")
    settings = make_settings(root / "data")
    ingest([folder], settings.index, embedder=embedder)
    return Pipeline(settings, embedder=embedder)


def test_an_overview_quotes_the_articles_that_name_the_story(pipeline: Pipeline) -> None:
    answer = pipeline.answer(STORY)
    assert not answer.refused and answer.understood["answer_type"] == "overview"
    titles = {c.title for c in answer.citations}
    assert titles and titles <= {ARTICLES["fine.md"][0], ARTICLES["appeal.md"][0]}, titles
    assert ARTICLES["factory.md"][0] not in titles, "it names Volterra Motors but not the commission"


def test_an_article_naming_one_of_several_names_is_on_topic_when_none_names_more(pipeline: Pipeline) -> None:
    answer = pipeline.answer("Catch me up on Volterra Motors and its Ohio factory.")
    assert not answer.refused
    assert {c.title for c in answer.citations} & {ARTICLES["factory.md"][0]}


def test_an_overview_of_a_story_the_articles_only_resemble_is_refused(pipeline: Pipeline) -> None:
    """Every word of "Nine Years' Treaty" is in the treaty article; the phrase is not."""
    answer = pipeline.answer("Summarize the Nine Years' Treaty story.")
    assert answer.refused and answer.citations == []
    assert not pipeline.answer("Summarize the Ten Years' Treaty story.").refused


def test_overview_settings_bound_its_length_and_its_refusals(pipeline: Pipeline) -> None:
    settings = pipeline.settings
    short = Pipeline(settings.with_overrides(overview_facts=1), embedder=pipeline.embedder).answer(STORY)
    assert len(short.citations) == 1
    lenient = Pipeline(settings.with_overrides(overview_anchored=0.0), embedder=pipeline.embedder)
    assert not lenient.answer("Summarize the Nine Years' Treaty story.").refused


def test_names_held_and_on_topic_are_shares_of_the_question_names() -> None:
    found = anchors("Catch me up on Binance and its CEO Changpeng Zhao.", ())
    articles = {"both": {"binanc", "changpeng", "zhao"}, "one": {"binanc", "exchang"}, "none": {"wheat"}}
    held = names_held(found, articles)
    assert held == {"both": 1.0, "one": 0.5, "none": 0.0}, "the acronym CEO is no part of the name"
    assert names_held((), articles) == dict.fromkeys(articles, 1.0)


def test_on_topic_keeps_the_read_articles_naming_the_most() -> None:
    from dataclasses import dataclass

    @dataclass
    class Read:
        article_id: str
        score: float

    ranked = [Read("one", 0.9), Read("both", 0.4), Read("also-both", 0.01), Read("none", 0.3)]
    held = {"one": 0.5, "both": 1.0, "also-both": 1.0, "none": 0.0}
    assert on_topic(ranked, held, 0.05) == {"both"}, "below the reader's floor is not read as on topic"  # type: ignore[arg-type]
    assert on_topic(ranked, {"one": 0.5, "none": 0.0}, 0.05) == {"one"}  # type: ignore[arg-type]
    assert on_topic([], held, 0.05) == set()
    assert on_topic(ranked, held, 0.05, share=0.5) == {"one", "both"}, "half of the best-named article's names"  # type: ignore[arg-type]
