"""Question understanding by rules: answer type, named sources, dates, yes/no claims and relations."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.understand import answer_type as types
from bot.core.understand.claims import CHANGE, HOLDS, INCONSISTENT, ORDER, SAME, relation_of
from bot.core.understand.question import Understander
from bot.core.understand.sources import SourceMatcher
from bot.core.understand.timeframe import question_dates
from index.catalog import Catalog

CATALOG = Catalog("g1", {"Reuters": 3, "The Courier": 2, "The Roar | Sports Writers Blog": 1, "The Verge": 1,
                         "The Independent - Travel": 1, "The Independent - Life and Style": 1, "cctime.com": 1},
                  "2026-03-02", "2026-05-20")  # fmt: skip


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Who is the chief executive of Hallstead Robotics?", types.PERSON),
        ("Which individual admitted to misappropriating funds?", types.PERSON),
        ("Which company is set to release a handheld device?", types.ORGANISATION),
        ("What type of establishments modify their betting lines?", types.ORGANISATION),
        ("In which city did Huawei open a new center?", types.PLACE),
        ("By when should the assessments be completed?", types.DATE),
        ("How much will the Hallstead robot recall cost?", types.NUMBER),
        ("Did Hallstead Robotics say customers would have to pay?", types.YES_NO),
        ("Between the report from A and the report from B, is there consistency in the focus?", types.YES_NO),
        ("What did ZTE say about source code?", types.OPEN),
        ("According to Reuters, how much will the recall cost?", types.NUMBER),
        ("According to Reuters, did Hallstead say customers would pay?", types.YES_NO),
        ("When did Hallstead, which makes robots, announce the recall?", types.DATE),
        ("Considering the Reuters and Courier reports, which company recalled robots?", types.ORGANISATION),
        ("Summarize the EU 5G story.", types.OVERVIEW),
        ("How did the Hallstead recall unfold?", types.OVERVIEW),
        ("How did the recall go for Hallstead?", types.OVERVIEW),
        ("How did the election turn out?", types.OVERVIEW),
        ("How did Hallstead go public?", types.OPEN),
        ("quick catch-up on the dock strike pls", types.OVERVIEW),
        ("Could you give me a short rundown on the Hallstead recall?", types.OVERVIEW),
        ("bring me up to speed on the rail closure", types.OVERVIEW),
        ("any updates on the Rotterdam strike?", types.OVERVIEW),
        ("What's the latest price of Hallstead shares?", types.OPEN),
        ("Who gave the update on the recall?", types.PERSON),
        ("What is new in the second version of the robot?", types.OPEN),
    ],
)
def test_answer_type(question: str, kind: str) -> None:
    assert types.answer_type(question) == kind


def test_sources_are_matched_against_what_is_indexed_only() -> None:
    matcher = SourceMatcher(CATALOG.sources)
    found = matcher.find(
        "Did Reuters and 'The Roar | Sports Writers Blog' agree, unlike Bloomberg, with The Independent?"
    )
    assert [m.sources for m in found] == [
        ("Reuters",),
        ("The Roar | Sports Writers Blog",),
        ("The Independent - Life and Style", "The Independent - Travel"),
    ]
    assert matcher.find("The company was on the verge of collapse") == []
    assert [m.sources for m in matcher.find("the chief executive of cctime.com")] == [("cctime.com",)]


@pytest.mark.parametrize(
    ("question", "relation", "negated"),
    [
        ("Was there no change in the Swans' ranking?", CHANGE, True),
        ("Was the reporting inconsistent between the two?", INCONSISTENT, False),
        ("Is there consistency in the focus on chargers?", SAME, False),
        ("Did Mashable report the sale before the Fortune article mentioned the credit?", ORDER, False),
        ("Does the Verge article suggest that deals are unnecessary?", HOLDS, False),
        ("Did Reuters report a strike, and did the same source report talks on the same day?", HOLDS, False),
        ("Did the two reports give the same figure?", SAME, False),
    ],
)
def test_relation_and_negation(question: str, relation: str, negated: bool) -> None:
    found, was_negated, _ = relation_of(question)
    assert (found, was_negated) == (relation, negated)


def test_an_order_question_names_the_report_after_before_or_after() -> None:
    reader = Understander(CATALOG)
    ordered = reader.understand("Did Reuters report the recall before The Courier reported that shares rose?")
    assert ordered.yes_no is not None and ordered.yes_no.relation == ORDER and ordered.yes_no.order == "before"
    happened = reader.understand(
        "Does Reuters report that the robots were recalled after a faulty 2025, while The Courier says shares rose?"
    )
    assert happened.yes_no is not None and happened.yes_no.relation == HOLDS, "'after a faulty 2025' is no report"


def test_claims_are_split_at_joints_and_carry_their_sources() -> None:
    reader = Understander(CATALOG)
    understood = reader.understand("Did Reuters report a strike, while The Courier said the rail route reopened?")
    assert understood.yes_no is not None
    assert [(c.text, c.sources) for c in understood.yes_no.claims] == [
        ("Reuters report a strike", ("Reuters",)),
        ("The Courier said the rail route reopened", ("The Courier",)),
    ]


def test_each_dated_report_is_its_own_claim_with_its_dates() -> None:
    reader = Understander(CATALOG)
    understood = reader.understand(
        "Between the report from Reuters on 2026-03-02 and the report from The Courier on 2026-04-14, "
        "was there a change in the coverage of the rail route?"
    )
    assert understood.yes_no is not None and understood.yes_no.relation == CHANGE
    assert [c.sources for c in understood.yes_no.claims] == [("Reuters",), ("The Courier",)]
    assert [(d.since, d.until) for d in understood.claim_dates] == [
        ("2026-03-02", "2026-03-02"),
        ("2026-04-14", "2026-04-14"),
    ]


@pytest.mark.parametrize(
    ("question", "since", "until", "latest"),
    [
        ("What is the latest news about the rail route?", None, None, True),
        ("What did Reuters report in April 2026 about the strike?", "2026-04-01", "2026-04-30", False),
        ("What happened last week at Hallstead Robotics?", "2026-05-11", "2026-05-17", False),
        ("What happened on October 1st?", "2025-10-01", "2025-10-01", False),
        ("What did it say before March 3, 2026?", None, "2026-03-02", False),
        (
            "Is the reporting consistent between November 9, 2023, and December 21, 2023?",
            "2023-11-09",
            "2023-12-21",
            False,
        ),
        ("Was it published on a date other than November 9, 2023?", None, None, False),
        ("The company may report 3,000 robots and a march", None, None, False),
    ],
)
def test_dates_resolve_against_the_newest_indexed_day(
    question: str, since: str | None, until: str | None, latest: bool
) -> None:
    found = question_dates(question, dt.date(2026, 5, 20))
    assert (found.since, found.until, found.latest) == (since, until, latest)


def test_a_possessive_date_says_when_something_happened_not_when_it_was_reported() -> None:
    reader = Understander(CATALOG)
    happened = reader.understand("Did The Courier reflect on the team's performance in last week's game?")
    assert (happened.dates.since, happened.dates.until) == (None, None)
    reported = reader.understand("What did The Courier report last week about the rail route?")
    assert (reported.dates.since, reported.dates.until) == ("2026-05-11", "2026-05-17")


def test_a_time_compared_to_is_not_when_something_was_reported() -> None:
    understood = Understander(CATALOG).understand(
        "Does the Reuters article say that, just like today, robots were recalled, while The Courier says shares rose?"
    )
    assert (understood.dates.since, understood.dates.until) == (None, None)
    assert understood.yes_no is not None
    assert all((d.since, d.until) == (None, None) for d in understood.claim_dates)


def test_a_quoted_phrase_holds_no_date() -> None:
    found = question_dates(
        "Did Reuters publish its 'recall starts today' story before The Courier?", dt.date(2026, 5, 20)
    )
    assert (found.since, found.until) == (None, None)
    dated = question_dates("Did Reuters' report on 2026-03-02 mention 'the recall'?", dt.date(2026, 5, 20))
    assert (dated.since, dated.until) == ("2026-03-02", "2026-03-02"), "an apostrophe opens no quote"


def test_a_source_name_is_not_read_as_a_date_or_as_recency() -> None:
    catalog = Catalog("g2", {"Business Today | Latest Stock Market News": 2, "Reuters": 2}, "2026-03-02", "2026-05-20")
    understood = Understander(catalog).understand(
        "After the report by Business Today | Latest Stock Market News on March 7, 2026, about the strike, and "
        "the report by Reuters on April 5, 2026, about the talks, was the reporting consistent?"
    )
    assert understood.dates.latest is False
    assert (understood.dates.since, understood.dates.until) == ("2026-03-07", "2026-04-05")
    assert [(d.since, d.until) for d in understood.claim_dates] == [
        ("2026-03-07", "2026-03-07"),
        ("2026-04-05", "2026-04-05"),
    ]


def test_both_ends_of_a_reported_between_are_reported() -> None:
    reader = Understander(CATALOG)
    understood = reader.understand(
        "Is the coverage by The Courier inconsistent with the strike reported by The Roar | Sports Writers "
        "Blog between March 9, 2026, and April 21, 2026?"
    )
    assert (understood.dates.since, understood.dates.until) == ("2026-03-09", "2026-04-21")
    assert [d.text for d in understood.dates.mentions] == ["March 9, 2026", "April 21, 2026"]


@pytest.mark.parametrize(
    ("question", "claims"),
    [
        (
            "Does the Reuters article say the robots are more dangerous compared to other machines?",
            [("the Reuters article say the robots are more dangerous compared to other machines", ("Reuters",))],
        ),
        (
            "Does Reuters say the robots are dangerous compared to The Courier, which says they are safe?",
            [("Reuters say the robots are dangerous", ("Reuters",)),
             ("The Courier, which says they are safe", ("The Courier",))],
        ),
        (
            "Did Reuters change its account of the strike on May 6, 2026, compared to its earlier report?",
            [("Reuters change its account of the strike on May 6, 2026", ("Reuters",)),
             ("its earlier report", ("Reuters",))],
        ),
    ],
)  # fmt: skip
def test_a_comparison_splits_claims_only_when_it_names_a_source_or_report(
    question: str, claims: list[tuple[str, tuple[str, ...]]]
) -> None:
    understood = Understander(CATALOG).understand(question)
    assert understood.yes_no is not None
    assert [(c.text, c.sources) for c in understood.yes_no.claims] == claims


def test_both_sources_must_hold_a_shared_claim_unless_each_has_its_own() -> None:
    reader = Understander(CATALOG)
    shared = reader.understand("Do the Reuters and The Courier articles both say the rail route reopened?")
    assert shared.yes_no is not None
    assert [(c.text, c.sources) for c in shared.yes_no.claims] == [
        ("The Courier articles both say the rail route reopened", ("Reuters",)),
        ("The Courier articles both say the rail route reopened", ("The Courier",)),
    ]
    detailed = reader.understand(
        "Do the Reuters and The Courier articles both suggest that travel changed, with Reuters discussing "
        "the strike and The Courier reporting on the reopened route?"
    )
    assert detailed.yes_no is not None
    assert [(c.text, c.sources) for c in detailed.yes_no.claims] == [
        ("Reuters discussing the strike and", ("Reuters",)),
        ("The Courier reporting on the reopened route", ("The Courier",)),
    ]


def test_the_date_of_a_report_described_at_length_is_when_it_was_reported() -> None:
    understood = Understander(CATALOG).understand(
        "Was there no change in the coverage by Reuters between the report on the recall of warehouse robots by "
        "Hallstead Robotics on March 2, 2026, and the report on the rise in Hallstead shares on May 12, 2026?"
    )
    assert understood.yes_no is not None and understood.yes_no.negated
    assert [(d.since, d.until) for d in understood.claim_dates] == [
        ("2026-03-02", "2026-03-02"),
        ("2026-05-12", "2026-05-12"),
    ]
    event = Understander(CATALOG).understand(
        "Did the Reuters article say Hallstead Robotics would ship new robots on May 12, 2026?"
    )
    assert (event.dates.since, event.dates.until) == (None, None)


def test_a_claim_date_outside_the_indexed_dates_is_when_something_happened() -> None:
    understood = Understander(CATALOG).understand(
        "Did the Reuters article report a higher price for the robots in 2022 than The Courier reported for them?"
    )
    assert understood.yes_no is not None
    assert all((d.since, d.until) == (None, None) for d in understood.claim_dates)
