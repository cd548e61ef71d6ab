"""Answers that answer, over our own small articles in five formats: the kind of answer asked for first,
named sources and dates honoured, yes/no verdicts only from cited evidence, and refusals kept."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.answer.verdict import UNSETTLED
from bot.core.models import Answer
from bot.core.pipeline import Pipeline
from bot.core.retrieve import Filters
from bot.settings import Settings
from index.ingest import ingest
from tests.conftest import REPO, make_settings

NEWSROOM = REPO / "tests" / "support" / "newsroom"


READER_MISSES = "the learned reader (weights.json) misses this; issue 20's note lists it"
"""Cases the hand rules got right and the fitted reader does not yet: kept, and expected to fail, so a
refit that fixes one turns the build red until the mark is removed."""


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory: pytest.TempPathFactory, embedder) -> Iterator[Pipeline]:  # type: ignore[no-untyped-def]
    settings: Settings = make_settings(tmp_path_factory.mktemp("newsroom") / "data")
    report = ingest([NEWSROOM], settings.index, embedder=embedder)
    assert report.errors == [] and report.articles_added == 6
    yield Pipeline(settings, embedder=embedder)


def ask(pipeline: Pipeline, question: str, **filters: str) -> Answer:
    answer = pipeline.answer(question, filters=Filters(**filters) if filters else None)
    for citation in answer.citations:  # every quote is a verbatim slice of its article
        assert citation.quote in _article_text(pipeline, citation.article_id)
        assert f"[{citation.n}]" in answer.answer
    return answer


def _article_text(pipeline: Pipeline, article_id: str) -> str:
    rows = pipeline.store.collection.get(where={"article_id": article_id}, include=["documents"])
    return " ".join(rows["documents"])


def test_how_much_quotes_the_sentence_with_the_amount(newsroom: Pipeline) -> None:
    answer = ask(newsroom, "How much will the Hallstead robot recall cost?")
    assert answer.understood["answer_type"] == "number"
    assert "$40 million" in answer.citations[0].quote
    assert "3,000 warehouse robots" not in answer.answer


def test_who_names_the_person_first(newsroom: Pipeline) -> None:
    answer = ask(newsroom, "Who is the chief executive of Hallstead Robotics?")
    assert answer.answer.startswith("Mira Lindqvist [1]")
    assert answer.citations[0].source == "Reuters"


def test_an_abbreviation_finds_the_spelled_out_role(newsroom: Pipeline) -> None:
    answer = ask(newsroom, "Who is the CEO of Hallstead?")
    assert answer.answer.startswith("Mira Lindqvist [1]")


def test_a_named_publication_is_searched_not_refused(newsroom: Pipeline) -> None:
    answer = ask(newsroom, "What did Reuters report about the dock workers?")
    assert not answer.refused
    assert {c.source for c in answer.citations} == {"Reuters"}
    assert answer.understood["sources"] == ["Reuters"]


def test_latest_quotes_the_newer_article(newsroom: Pipeline) -> None:
    answer = ask(newsroom, "What is the latest news about the Rotterdam-Antwerp rail route?")
    assert answer.citations[0].date == "2026-04-14" and "reopened" in answer.citations[0].quote


def test_a_month_in_the_question_limits_the_dates(newsroom: Pipeline) -> None:
    answer = ask(newsroom, "What happened to the rail route in March 2026?")
    assert [c.date for c in answer.citations] == ["2026-03-20"]


def test_explicit_filters_win_over_the_question(newsroom: Pipeline) -> None:
    answer = ask(newsroom, "What did Reuters report about the rail route?", source="Harbour Times")
    assert not answer.refused and {c.source for c in answer.citations} == {"Harbour Times"}


def test_yes_when_the_cited_sentence_says_it(newsroom: Pipeline) -> None:
    answer = ask(newsroom, "Did Hallstead Robotics say the fault came from a sensor supplier?")
    assert answer.verdict == "yes" and answer.answer.startswith("Yes — ")
    assert "sensor supplier" in answer.citations[0].quote


@pytest.mark.parametrize(
    ("question", "evidence"),
    [
        ("Did Hallstead Robotics say customers would have to pay for the fix?", "will not be charged"),
        ("Did Hallstead Robotics recall 5,000 robots?", "3,000 warehouse robots"),
        ("Did Hallstead Robotics shares fall after the recall?", "rose 6%"),
    ],
)
def test_no_when_the_cited_sentence_contradicts_it(newsroom: Pipeline, question: str, evidence: str) -> None:
    answer = ask(newsroom, question)
    assert answer.verdict == "no" and answer.answer.startswith("No — ")
    assert evidence in answer.citations[0].quote


def test_two_sources_each_give_evidence_for_their_claim(newsroom: Pipeline) -> None:
    answer = ask(
        newsroom, "Did Reuters report a strike in Rotterdam, while The Courier reported that the rail route reopened?"
    )
    assert answer.verdict == "yes"
    assert [c.source for c in answer.citations] == ["Reuters", "The Courier"]


def test_undecided_says_what_each_source_says_without_a_verdict(newsroom: Pipeline) -> None:
    answer = ask(
        newsroom, "Did Reuters report a strike in Rotterdam, while The Courier reported that the strike ended?"
    )
    assert answer.verdict is None and not answer.refused
    assert "do not settle" in answer.answer
    assert not answer.answer.startswith(("Yes", "No"))
    checks = answer.understood["checks"]  # why no verdict: the second claim has no supporting sentence
    assert [(c["claim"], c["source"], c["supported"]) for c in checks] == [  # type: ignore[index, union-attr]
        ("a strike in Rotterdam", "Reuters", True),
        ("the strike ended", "The Courier", False),
    ]


def test_a_yes_no_question_no_sentence_supports_quotes_the_closest_and_says_it_does_not_settle(newsroom) -> None:
    """No claim finds a supporting sentence: the answer is the best sentences, as for any question, and
    must not read as a verdict."""
    answer = ask(newsroom, "Was the Hallstead recall caused by a software fault?")
    assert answer.verdict is None and not answer.refused
    assert not answer.answer.startswith(("Yes", "No"))
    assert answer.answer.endswith(UNSETTLED)


def test_both_sources_must_each_say_it(newsroom: Pipeline) -> None:
    both = ask(newsroom, "Do the Reuters and The Courier articles both report that Hallstead recalled 3,000 robots?")
    assert both.verdict == "yes"
    assert [c.source for c in both.citations] == ["Reuters", "The Courier"]
    one = ask(newsroom, "Do the Reuters and Harbour Times articles both say customers will not be charged?")
    assert one.verdict is None and "do not settle" in one.answer
    assert {c.source for c in one.citations} == {"Reuters", "Harbour Times"}


@pytest.mark.parametrize(
    "question",
    [
        "What did the audit find?",
        pytest.param(
            "Did Hallstead Robotics say the recall would delay its new product launch?",
            marks=pytest.mark.xfail(strict=True, reason=READER_MISSES),
        ),
        "Who is the chief executive of the port of Rotterdam?",  # the articles name only Hallstead's
        "According to Bloomberg, how much will the Hallstead robot recall cost?",  # Bloomberg is not indexed
        "Did Bloomberg report that customers will not be charged for the Hallstead repair?",
        "Which Siemens executive said the robot fault came from a sensor supplier?",
        "How much will the recall of the Hallstead X200 robots cost?",  # no X200 in the articles
    ],
)
def test_the_tempting_refusal(newsroom: Pipeline, question: str) -> None:
    answer = ask(newsroom, question)
    assert answer.refused and answer.verdict is None and answer.citations == []


@pytest.mark.parametrize(
    "question",
    ["what is the capital of peru", "who took my charger", "hello", "write me a haiku about mondays"],
)
def test_a_question_no_news_article_answers_is_refused_not_quoted_at(newsroom: Pipeline, question: str) -> None:
    answer = ask(newsroom, question)
    assert answer.refused and answer.citations == [] and answer.understood["answerable"] < 0.5
    assert answer.understood["on_topic"] < 0.5 and answer.see_also == []  # no article is "closest" to it


def test_a_refusal_on_the_articles_topic_points_at_the_closest_articles(newsroom: Pipeline) -> None:
    answer = ask(newsroom, "Which Siemens executive said the robot fault came from a sensor supplier?")
    assert answer.refused and answer.see_also and "Hallstead" in answer.see_also[0].title


@pytest.mark.xfail(strict=True, reason=READER_MISSES)
def test_an_indexed_publication_in_the_same_place_answers(newsroom: Pipeline) -> None:
    answer = ask(newsroom, "According to Reuters, how much will the Hallstead robot recall cost?")
    assert not answer.refused and "$40 million" in answer.citations[0].quote
    assert "anchors" not in answer.understood


def test_json_shows_what_was_understood(newsroom: Pipeline) -> None:
    data = ask(
        newsroom, "Did Reuters report a strike in Rotterdam, while The Courier said the route reopened?"
    ).to_dict()
    understood = data["understood"]
    assert understood["answer_type"] == "yes_no"  # type: ignore[index]
    assert [c["sources"] for c in understood["yes_no"]["claims"]] == [["Reuters"], ["The Courier"]]  # type: ignore[index]
    assert data["verdict"] in {"yes", "no", None}


def test_the_answer_path_is_unchanged_without_understanding(newsroom: Pipeline, tmp_path: Path) -> None:
    """The catalog behind understanding is a cache of the store: deleting it changes nothing."""
    first = ask(newsroom, "Who is the chief executive of Hallstead Robotics?")
    for cached in (newsroom.settings.index.data_dir / "catalog").glob("*.json"):
        cached.unlink()
    newsroom._reader = None
    assert ask(newsroom, "Who is the chief executive of Hallstead Robotics?").answer == first.answer


def test_a_decided_verdict_embeds_no_ranking_shortlist(newsroom: Pipeline, monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from bot.core.answer import evidence, extractive

    scored: list[str] = []
    real_rank = evidence.rank

    def counting_rank(question: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        ranking = real_rank(question, *args, **kwargs)
        return replace(ranking, score=lambda: scored.append(question) or ranking.score())

    monkeypatch.setattr(extractive.evidence, "rank", counting_rank)
    decided = ask(newsroom, "Did Hallstead Robotics say customers would have to pay for the fix?")
    assert decided.verdict == "no" and scored == []
    ask(newsroom, "How much will the Hallstead robot recall cost?")
    assert len(scored) == 1, "an answer that quotes the best sentences ranks them by meaning"


def test_catch_me_up_cites_each_article_of_the_story_oldest_first(newsroom: Pipeline) -> None:
    answer = ask(newsroom, "Catch me up on the Hallstead Robotics recall.")
    dates = [c.date for c in answer.citations]
    assert not answer.refused and len({c.article_id for c in answer.citations}) >= 2
    assert dates == sorted(dates)
