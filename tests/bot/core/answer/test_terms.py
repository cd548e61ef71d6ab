"""Question terms: an abbreviation and its spelled-out form count as the same words."""

from __future__ import annotations

from bot.core.answer.terms import with_synonyms
from bot.core.text import stems


def test_either_spelling_brings_the_other() -> None:
    assert {"chief", "execut"} <= with_synonyms(set(stems("Hallstead CEO Mira Lindqvist")))
    assert "ceo" in with_synonyms(set(stems("Chief executive Mira Lindqvist said")))
    assert "eu" in with_synonyms(set(stems("the European Union approved it")))


def test_part_of_a_spelling_brings_nothing() -> None:
    present = set(stems("The chief engineer said the union would strike"))
    assert with_synonyms(present) == present
