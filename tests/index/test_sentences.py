"""Sentence spans and glued-sentence repair, shared by loaders, chunker and answerers."""

from __future__ import annotations

import pytest

from index.sentences import fix_glued_sentences, sentence_spans, split_sentences


@pytest.mark.parametrize(
    ("glued", "fixed"),
    [
        ("the US boycott.The European", "the US boycott. The European"),
        ('on Wednesday."Security is', 'on Wednesday. "Security is'),
        ('a success," he said.The Shenzhen', 'a success," he said. The Shenzhen'),
        ('ignited by the US."Not excluding', 'ignited by the US. "Not excluding'),
        ('"It is done."Then he left.', '"It is done." Then he left.'),
        ("rose 5%.Analysts", "rose 5%. Analysts"),
        ("in 2019.The blueprint", "in 2019. The blueprint"),
    ],
)
def test_fix_glued_sentences(glued: str, fixed: str) -> None:
    assert fix_glued_sentences(glued) == fixed


@pytest.mark.parametrize(
    "text",
    ["J.K.Rowling wrote it.", "Version 3.5 shipped.", "Visit cctime.com today.", "Node.js is fast.", "U.S.A is big."],
)
def test_fix_glued_sentences_leaves_non_boundaries(text: str) -> None:
    assert fix_glued_sentences(text) == text


def test_split_sentences_respects_abbreviations_and_initials() -> None:
    text = (
        "Mr. Smith met Dr. Jones at 10 a.m. on Monday. J. K. Rowling was there. Prices rose 3.5% in the U.S. economy."
    )
    assert split_sentences(text) == [
        "Mr. Smith met Dr. Jones at 10 a.m. on Monday.",
        "J. K. Rowling was there.",
        "Prices rose 3.5% in the U.S. economy.",
    ]


def test_sentence_spans_are_exact_offsets() -> None:
    text = '  First one!  "Second?" he asked.\n\nThird para here.\nFourth line'
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == ["First one!", '"Second?" he asked.', "Third para here.", "Fourth line"]
    assert all(not text[a].isspace() and not text[b - 1].isspace() for a, b in spans)


def test_sentence_spans_within_a_window() -> None:
    text = "Alpha one. Beta two. Gamma three."
    start = text.index("Beta")
    assert sentence_spans(text, start, len(text)) == [(start, start + 9), (start + 10, len(text))]
    assert sentence_spans("") == []
    assert sentence_spans("   ") == []
