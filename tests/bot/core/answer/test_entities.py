"""Names in evidence sentences, the name a "who" question's evidence agrees on, and the date or amount span
an answer leads with."""

from __future__ import annotations

import pytest

from bot.core.answer import entities
from bot.core.answer.entities import answer_span
from bot.core.answer.extractive import ExtractiveAnswerer
from bot.core.models import Hit
from bot.core.request import Request
from bot.core.understand.measure import asked
from bot.core.understand.question import Understander
from index.catalog import Catalog
from index.models import Chunk


def test_a_possessive_ends_a_name() -> None:
    found = [(n.text, n.person_like) for n in entities.names("Google’s Prabhakar Raghavan testified on Monday.")]
    assert found == [("Google", False), ("Prabhakar Raghavan", True)]


def test_a_name_with_digits_or_in_capitals_is_no_person() -> None:
    assert [n.person_like for n in entities.names("Then OpenAI’s GPT-4 Turbo and the NFL Network arrived.")] == [
        False,
        False,
        False,
    ]


def _hit(n: int, text: str) -> Hit:
    return Hit(Chunk(f"a{n}", 0, text, 0, len(text), f"Hallstead story {n}", "2026-03-02", "Reuters"), 1.0 / (1 + n))


def test_the_name_where_the_question_is_described_wins_over_the_one_that_recurs(embedder) -> None:  # type: ignore[no-untyped-def]
    hits = [
        _hit(0, "Chief executive Mira Lindqvist said the recall was on track."),
        _hit(1, "Mira Lindqvist met the regulator on Monday."),
        _hit(2, "Hallstead hired Tomas Berg, a sensor engineer from Kellner Labs, to lead the recall audit."),
    ]
    question = "Who is the sensor engineer Hallstead hired from Kellner Labs to lead the recall audit?"
    understanding = Understander(Catalog("g", {"Reuters": 4}, "2026-03-02", "2026-03-02")).understand(question)
    answer = ExtractiveAnswerer(embedder).answer(Request.of(question, hits, understanding=understanding))
    assert answer.answer.startswith("Tomas Berg [1]")
    assert answer.citations[0].article_id == "a2"


def _ask(embedder, question: str, texts: list[str]) -> str:  # type: ignore[no-untyped-def]
    hits = [_hit(n, text) for n, text in enumerate(texts)]
    understanding = Understander(Catalog("g", {"Reuters": 4}, "2026-03-02", "2026-03-02")).understand(question)
    return ExtractiveAnswerer(embedder).answer(Request.of(question, hits, understanding=understanding)).answer


def test_the_name_shown_is_one_its_quote_holds(embedder) -> None:  # type: ignore[no-untyped-def]
    """An organisation is named as the quoted article names it: a sentence that says "Kessfield's harbour" does
    not answer with the "University of Kessfield" another article names. A person is named in full as any
    sentence gives it: news names someone once in full, then by surname."""
    answer = _ask(
        embedder,
        "Which company dredged the harbour channel?",
        [
            "The dredging of Kessfield's harbour channel by Marlow Dredging finished in May.",
            "A study by the University of Kessfield found the water cleaner.",
        ],
    )
    name, quote = answer.split(": ", 1)
    assert name.removesuffix(" [1]") in quote
    answer = _ask(
        embedder,
        "Who led the harbour dredging?",
        ["The port hired Petra Lund in 2019.", "The harbour dredging was led by Lund, the port said."],
    )
    assert answer.startswith("Petra Lund [1]")
    assert "led by Lund" in answer


@pytest.mark.parametrize(
    ("sentence", "span"),
    [
        ("The recall will cost about $40 million, the company said.", "$40 million"),
        ("Farmers harvested 14,200 tonnes of wheat in 2024.", "14,200 tonnes"),
        ("Turnout was 61 percent, the highest since 1998.", "61 percent"),
        ("Shares rose 6% on Monday.", "6%"),
        ("The Civic Union won 31 of 60 seats.", "31 of 60 seats"),
        ("The reservoir lost 31 cubic metres of water a day.", "31 cubic metres"),
        ("Saal was sentenced to four years in prison.", "four years"),
        ("Inspectors found a nine-metre crack in the spillway.", "nine-metre"),
        ("The union called a 10-day strike.", "10-day"),
        ("The mill ground 300 metric tonnes of rye.", "300 metric tonnes"),
    ],
)
def test_an_amount_span_says_what_it_counts(sentence: str, span: str) -> None:
    assert answer_span(sentence, "number", "How much or how many?") == span


@pytest.mark.parametrize(
    "sentence",
    [
        "ZTE is also expected to open two more labs in Italy and Belgium in 2019 to invite customers.",  # a year
        "Rosalind Achebe-Ward was elected mayor on April 7, 2024, defeating the incumbent.",  # a date's day
        "Aeril Dynamics is recalling its AX-40 on orders from the regulator.",  # part of a name
        "Viktor Saal, who served from 2015 to 2022, was sentenced.",  # years, and a function word
        "The One Day International at Lord's drew a record crowd.",  # a number word in a name
    ],
)
def test_no_span_is_a_bare_figure_a_date_or_part_of_a_name(sentence: str) -> None:
    """The span stands before the quote as the answer: one that says nothing alone is left out, and the
    quoted sentence answers by itself."""
    assert answer_span(sentence, "number", "How many?") is None


def test_a_span_the_question_already_holds_is_skipped() -> None:
    sentence = "The levy rises from four crowns to 6 crowns, or 50 percent, from April."
    assert answer_span(sentence, "number", "Will the levy rise to 6 crowns?") == "50 percent"
    assert answer_span("The audit is due by the end of June 2019.", "date", "When is the audit due?") == (
        "by the end of June 2019"
    )


def test_the_span_is_an_amount_of_the_kind_asked() -> None:
    """ "How many crowns" is never answered "34 percent"; with several amounts the one counting the word asked
    comes first, and with none of the kind asked there is no span (the quote answers alone)."""
    crowns = asked("How many crowns did the levy raise?")
    sentence = "The levy rose 50 percent and raised 1.8 million crowns from 30,000 passengers."
    assert answer_span(sentence, "number", "How many crowns did the levy raise?", crowns) == "1.8 million crowns"
    share = "The levy rose 50 percent, the council said."
    assert answer_span(share, "number", "How many crowns did the levy raise?", crowns) is None
    people = asked("How many people came?")
    crowd = "Tickets cost $12 and 31,450 spectators came, 8 percent more than last year."
    assert answer_span(crowd, "number", "How many people came?", people) == "31,450 spectators"
