"""The one period grammar: what it accepts, what it says to a mistake, and how a period is written back."""

from __future__ import annotations

from datetime import timedelta

import pytest

from index.period import FORMAT, PeriodError, format_period, parse_period


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("30s", timedelta(seconds=30)),
        ("15m", timedelta(minutes=15)),
        ("24h", timedelta(hours=24)),
        ("7d", timedelta(days=7)),
        ("2w", timedelta(weeks=2)),
        (" 6 H ", timedelta(hours=6)),
        ("1.5h", timedelta(minutes=90)),
    ],
)
def test_a_number_and_a_unit_is_a_period(text: str, period: timedelta) -> None:
    assert parse_period(text) == period


def test_a_bare_number_needs_a_unit_unless_the_caller_names_one() -> None:
    assert parse_period("90", bare="s") == timedelta(seconds=90)
    with pytest.raises(PeriodError, match="give a number and a unit"):
        parse_period("90")


@pytest.mark.parametrize("text", ["daily", "15x", "-5m", "m", "", "1e3s", "2 weeks"])
def test_a_mistake_names_the_setting_and_the_format(text: str) -> None:
    with pytest.raises(PeriodError) as raised:
        parse_period(text, what="--every")
    assert str(raised.value) == f"--every {text!r}: give {FORMAT}"


def test_a_period_must_be_longer_than_zero() -> None:
    with pytest.raises(PeriodError, match="--every '0m': the period must be longer than zero"):
        parse_period("0m", what="--every")


@pytest.mark.parametrize(
    ("period", "text"),
    [
        (timedelta(weeks=1), "1w"),
        (timedelta(days=1), "1d"),
        (timedelta(hours=6), "6h"),
        (timedelta(minutes=90), "90m"),
        (timedelta(seconds=45.5), "45.5s"),
    ],
)
def test_a_period_is_written_in_its_largest_whole_unit(period: timedelta, text: str) -> None:
    assert format_period(period) == text
    assert parse_period(text) == period
