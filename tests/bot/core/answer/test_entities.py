"""Names in evidence sentences, and the name a "who" question's evidence agrees on."""

from __future__ import annotations

from bot.core.answer import entities
from bot.core.answer.extractive import ExtractiveAnswerer
from bot.core.models import Hit
from bot.core.request import Request
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
