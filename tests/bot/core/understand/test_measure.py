"""What an amount question measures, read from its form, and which amounts of a sentence fit it."""

from __future__ import annotations

import pytest

from bot.core.understand.measure import COUNT, MONEY, SHARE, SPAN, amounts, asked


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("How many crowns did the company take in?", {MONEY, COUNT}),
        ("How many tonnes did the farms harvest?", {COUNT}),
        ("How many years did the build take?", {SPAN}),
        ("how many percent of voters turned out", {SHARE, COUNT}),
        ("What percentage of the vote did she win?", {SHARE, COUNT}),
        ("How long a prison term did he receive?", {SPAN, COUNT}),
        ("How much did the repairs cost?", {MONEY, COUNT}),
        ("How much public money did the treasurer take?", {MONEY, COUNT}),
        ("What price per dose was agreed?", {MONEY, COUNT}),
    ],
)
def test_the_form_of_an_amount_question_says_what_it_measures(question: str, kinds: set[str]) -> None:
    measure = asked(question)
    assert measure is not None and measure.kinds == kinds


def test_a_question_of_no_amount_form_has_no_measure() -> None:
    assert asked("Who won the cup final?") is None
    assert asked("What was the company's revenue in 2018?") is None


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        ("Revenue grew 34 percent in 2023.", [("34 percent", SHARE)]),
        ("The recall will cost about $40 million.", [("$40 million", MONEY)]),
        ("He was sentenced to four years in prison.", [("four years", SPAN)]),
        ("A 10-day strike closed the port.", [("10-day strike", SPAN)]),
        ("Farmers harvested 14,200 tonnes of wheat.", [("14,200 tonnes", COUNT)]),
        ("He took 2.7 million crowns of public money.", [("2.7 million crowns", MONEY)]),
        ("The plant makes 22 megawatts.", [("22 megawatts", COUNT)]),
    ],
)
def test_an_amount_is_read_from_how_it_is_written(sentence: str, found: list[tuple[str, str]]) -> None:
    assert [(a.text, a.kind) for a in amounts(sentence)] == found


def test_a_bare_figure_is_no_amount() -> None:
    """A year, a day of the month or a lone figure says nothing of what it counts."""
    assert amounts("On December 2, 2024, the vote was held in 2023 and 7.") == []


def test_a_sentence_holds_an_amount_question_only_with_an_amount_of_its_kind() -> None:
    crowns = asked("How many crowns did Volterra take in during 2023?")
    assert crowns is not None
    assert not crowns.held_by("Volterra said its revenue grew 34 percent in 2023.")
    assert crowns.held_by("Volterra took in 510 million crowns in 2023.")
    people = asked("How many people attended the final?")
    assert people is not None
    assert people.held_by("A crowd of 31,450 spectators watched the final.")  # another word may still count them
    assert not people.held_by("Attendance rose 12 percent on the year before.")


def test_a_price_is_not_a_count_of_what_is_priced() -> None:
    price = asked("What price per dose did the health service agree?")
    assert price is not None
    assert not price.held_by("The company will supply 1.2 million doses over two years.")
    assert price.held_by("The health service will pay 23 million crowns in all.")
    assert price.held_by("The contract is worth $23 million.")
    assert price.held_by("Each dose will cost 19 dollars.")
    assert not price.held_by("The health service has 22 clinics.")  # a count is a sum in millions


def test_how_long_asks_for_time_or_length_not_money() -> None:
    long = asked("How long a prison term did the treasurer receive?")
    assert long is not None
    assert long.held_by("He was sentenced to four years in prison.")
    assert not long.held_by("He embezzled 2.7 million crowns.")
    assert long.held_by("The extension adds 6.3 kilometres of track.")


def test_a_count_in_a_unit_is_answered_only_by_an_amount_of_what_that_unit_measures() -> None:
    """ "How many tonnes" asks for a mass: a volume, a power or a head count is no answer, another unit of mass
    may be (tons for tonnes), and a count of something that is no unit is not ruled out when no unit is asked."""
    tonnes = asked("How many tonnes of barley did the co-operative lose?")
    assert tonnes is not None
    assert tonnes.held_by("The co-operative lost 14,200 tonnes of barley.")
    assert tonnes.held_by("Growers lost about 9,000 tons in all.")
    assert not tonnes.held_by("The reservoir lost 31 cubic metres of water a day.")
    assert not tonnes.held_by("The plant's output fell by 22 megawatts.")
    assert not tonnes.held_by("About 3,100 farmers lost their harvest.")
    kilometres = asked("How many kilometres of track does the extension add?")
    assert kilometres is not None and kilometres.held_by("The extension adds four miles of track.")
    assert not kilometres.held_by("The extension covers 40 hectares.")
    farmers = asked("How many farmers lost their harvest?")
    assert farmers is not None and farmers.held_by("Growers lost 14,200 tonnes of barley.")
