"""An overview quotes the articles on the story, not every article that shares one of its names; and it
refuses a story whose names the articles do not hold."""

from __future__ import annotations

import pytest

from bot.core.answer.overview import best_named, names_held
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


def test_an_overview_quotes_the_articles_on_the_story(pipeline: Pipeline) -> None:
    answer = pipeline.answer(STORY)
    assert not answer.refused and answer.understood["answer_type"] == "overview"
    titles = {c.title for c in answer.citations}
    assert {ARTICLES["fine.md"][0], ARTICLES["appeal.md"][0]} <= titles, titles
    assert ARTICLES["treaty.md"][0] not in titles


def test_with_overview_names_an_article_naming_part_of_the_story_is_left_out(pipeline: Pipeline) -> None:
    named = Pipeline(pipeline.settings.with_overrides(overview_names=1.0), embedder=pipeline.embedder)
    titles = {c.title for c in named.answer(STORY).citations}
    assert titles == {ARTICLES["fine.md"][0], ARTICLES["appeal.md"][0]}, (
        "the factory names Volterra, not the commission"
    )


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
    strict = Pipeline(settings.with_overrides(overview_topic_min=1.0), embedder=pipeline.embedder)
    assert strict.answer(STORY).refused, "no article is certain to be on the story"
    every = Pipeline(settings.with_overrides(overview_topic_min=0.0), embedder=pipeline.embedder).answer(STORY)
    assert len({c.article_id for c in every.citations}) >= len({c.article_id for c in pipeline.answer(STORY).citations})


def test_names_held_and_best_named_are_shares_of_the_question_names() -> None:
    found = anchors("Catch me up on Binance and its CEO Changpeng Zhao.", ())
    articles = {"both": {"binanc", "changpeng", "zhao"}, "one": {"binanc", "exchang"}, "none": {"wheat"}}
    held = names_held(found, articles)
    assert held == {"both": 1.0, "one": 0.5, "none": 0.0}, "the acronym CEO is no part of the name"
    assert names_held((), articles) == dict.fromkeys(articles, 1.0)
    assert best_named(set(articles), held, 1.0) == {"both"}
    assert best_named(set(articles), held, 0.5) == {"both", "one"}
    assert best_named(set(articles), held, 0.0) == set(articles)
    assert best_named({"one", "none"}, held, 1.0) == {"one"}, "the best-named of the articles on the topic"
    assert best_named(set(), held, 1.0) == set()


def test_an_overview_of_something_no_article_is_about_is_refused_without_see_also(pipeline: Pipeline) -> None:
    """The articles nearest a request off every article's topic are not about it: the reader's P(on topic)
    below even odds refuses the overview, as it does a fact question, and points nowhere."""
    answer = pipeline.answer("Catch me up on knitting patterns for beginners.")
    assert answer.understood["answer_type"] == "overview"
    assert answer.understood["on_topic"] < 0.5
    assert answer.refused and answer.citations == [] and answer.see_also == []
