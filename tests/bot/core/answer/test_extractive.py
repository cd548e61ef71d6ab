"""The offline answerer over the seed article: right quote, honest refusal, verbatim citations."""

import pytest

from bot.core.condense import condense_heuristic
from bot.core.models import REFUSAL_TEXT, Turn
from index.loaders import load_sources
from tests.conftest import SEEDS, ZTE_QUESTION


@pytest.fixture(scope="module")
def seed_article(seeded_settings):  # type: ignore[no-untyped-def]
    (article,) = list(load_sources([SEEDS], seeded_settings.index.load_limits, skip=seeded_settings.index.data_dir))
    return article


def test_zte_question_quotes_the_labs_sentence(seeded_pipeline, seed_article) -> None:
    answer = seeded_pipeline.answer(ZTE_QUESTION)
    assert not answer.refused
    assert answer.backend == "extractive"
    assert answer.citations and answer.citations[0].n == 1
    first = answer.citations[0]
    assert first.article_id == seed_article.id and first.date == "2019-03-27"
    assert "labs in Italy and Belgium" in first.quote and "source code" in first.quote
    assert f"{first.quote} [1]" in answer.answer
    assert set(answer.timings_ms) == {"retrieve", "understand", "generate", "total"}


def test_question_the_seeds_cannot_answer_is_refused(seeded_pipeline) -> None:
    answer = seeded_pipeline.answer("What did Nokia say about 6G?")
    assert answer.refused
    assert answer.answer == REFUSAL_TEXT
    assert answer.citations == []
    assert answer.see_also, "a refusal still points at the closest articles"


@pytest.mark.parametrize(
    "question",
    [
        ZTE_QUESTION,
        "What did Huawei say about the European Commission's recommendation?",
        "When must countries complete the coordinated risk assessment?",
        "Where did Huawei open a cybersecurity center?",
        "What did Xiang Ligang say?",
    ],
)
def test_every_quote_is_verbatim_from_its_article(seeded_pipeline, seed_article, question: str) -> None:
    answer = seeded_pipeline.answer(question)
    assert not answer.refused, question
    for citation in answer.citations:
        assert citation.quote in seed_article.text
        assert f"{citation.quote} [{citation.n}]" in answer.answer
    numbers = [c.n for c in answer.citations]
    assert numbers == list(range(1, len(numbers) + 1))


def test_huawei_cybersecurity_centre_answer(seeded_pipeline) -> None:
    answer = seeded_pipeline.answer("Where did Huawei open a new cybersecurity center?")
    assert "Brussels" in answer.answer


def test_no_hits_is_a_refusal(seeded_pipeline) -> None:
    answer = seeded_pipeline.answer_from_hits("anything", [])
    assert answer.refused and answer.see_also == []


def test_condense_substitutes_the_new_subject() -> None:
    history = [Turn(ZTE_QUESTION, "...")]
    assert condense_heuristic(history, "and what about Huawei?") == "What did Huawei say about source code?"
    assert condense_heuristic(history, "How about Huawei?") == "What did Huawei say about source code?"


def test_condense_adds_context_to_pronoun_questions() -> None:
    history = [Turn(ZTE_QUESTION, "...")]
    condensed = condense_heuristic(history, "When will they open them?")
    assert condensed.startswith("When will they open them?") and "ZTE" in condensed and "source code" in condensed


def test_condense_leaves_standalone_questions_alone() -> None:
    history = [Turn(ZTE_QUESTION, "...")]
    question = "What did the European Commission release on Tuesday?"
    assert condense_heuristic(history, question) == question
    assert condense_heuristic([], "and Huawei?") == "and Huawei?"


def test_summarize_the_story_gives_several_cited_dated_facts(seeded_pipeline, seed_article) -> None:
    answer = seeded_pipeline.answer("Summarize the EU 5G story.")
    assert not answer.refused and answer.understood["answer_type"] == "overview"
    assert len(answer.citations) >= 3
    for citation in answer.citations:
        assert citation.quote in seed_article.text
        assert f"{citation.quote} [{citation.n}]" in answer.answer
    assert all(line.startswith("• 2019-03-27") for line in answer.answer.splitlines())


def test_an_overview_of_something_not_indexed_is_refused(seeded_pipeline) -> None:
    answer = seeded_pipeline.answer("Catch me up on the Nokia 6G trials in Finland.")
    assert answer.refused and answer.citations == []


def test_a_name_the_articles_hold_only_in_pieces_is_refused(seeded_settings, embedder) -> None:
    """ "Huawei" and "Commission" are both in the seeds, "Huawei Commission" is not: the question is about
    something else, and the phrase check (NEWSBOT_ANCHOR_PHRASES) refuses it; without it the words are all
    there and the reader answers."""
    from bot.core.pipeline import Pipeline

    question = "Where did Huawei Commission open a cybersecurity center?"
    checked = Pipeline(seeded_settings, embedder=embedder).answer(question)
    assert checked.refused and checked.citations == []
    unchecked = Pipeline(seeded_settings.with_overrides(anchor_phrases=False), embedder=embedder).answer(question)
    assert not unchecked.refused and unchecked.citations
