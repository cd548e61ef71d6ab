"""The yes/no rules on their own: what a claim says once its report framing is gone, and when a sentence
disagrees with it (negation, an opposite word, a different number — not a date or a name with digits)."""

from __future__ import annotations

import pytest

from bot.core.answer.evidence import Candidate
from bot.core.answer.verdict import ClaimEvidence, claim_text, decide, disagree
from bot.core.models import Hit
from bot.core.understand.claims import ORDER
from bot.core.understand.question import Understander
from index.catalog import Catalog
from index.models import Chunk

CATALOG = Catalog("g1", {"Reuters": 3, "The Courier": 2, "The Verge": 1}, "2026-03-02", "2026-05-20")


def test_claims_keep_what_was_reported_not_where_or_when() -> None:
    understood = Understander(CATALOG).understand(
        "Between the report from 'Reuters' on 2026-03-02 about the robot recall and the report from "
        "'The Courier' published on 2026-05-12 about Hallstead shares, is there consistency in the coverage?"
    )
    assert understood.yes_no is not None
    texts = [claim_text(understood, c) for c in understood.yes_no.claims]
    assert texts[0] == "about the robot recall"
    assert texts[1].startswith("about Hallstead shares")
    for text in texts:
        assert "report" not in text and "'" not in text and "published" not in text and " on ," not in text


def test_a_claim_that_is_only_a_source_falls_back_to_the_topic_without_framing() -> None:
    understood = Understander(CATALOG).understand(
        "Does the Reuters article suggest that the recall was costly in a way that aligns with The Courier article?"
    )
    assert understood.yes_no is not None
    last = claim_text(understood, understood.yes_no.claims[-1])
    assert "recall was costly" in last and "article" not in last and not last.startswith("Does")


@pytest.mark.parametrize(
    ("claim", "sentence"),
    [
        ("the absence of a legislative remedy for AI risks", "There is no legislative remedy to potential AI risks."),
        ("Mixon's role grew due to Burrow's absence", "Mixon has stepped up without Burrow under center."),
        ("updates to the hardware published on November 9, 2023", "Valve has made around 300 hardware updates."),
        ("the launch of GPT-4 with vision", "The launch brought 30 new vision features."),
        ("Bet365's bonus offer for new users", "New users can get up to a $1,000 bonus."),
        ("new users can claim up to $1,000", "New customers can get up to $1,000 in bonus bets."),
        ("Hallstead recalled 3,000 robots", "Hallstead shares rose 6% after the recall ended."),
        ("the recall cost $40 million", "The recall of 3,000 robots cost $40 million."),
        ("nobody expected the recall", "No one expected the recall."),
        ("Lindqvist is not the only executive to leave", "Lindqvist isn’t the only executive to leave."),
        ("a failed attempt to convert on fourth down", "The Saints cannot convert on fourth down."),
        ("the team won seven games", "The team won 7 games in 2021."),
        ("a price cut for the robot on Amazon", "The robot is down to $80 on Amazon, which isn’t an all-time low."),
        ("sellers set non-competitive prices", "Some sellers might set prices that aren’t competitive."),
        ("it released a lite model rather than the full model", "It didn’t release the full model, only a lite one."),
        ("it recalled 3,000 robots in two weeks", "It recalled 3,000 robots within 14 days."),
        ("sales above 600 million crowns", "It reported revenue of 612 million crowns."),
        ("the bike sells for less than $400", "The bike sells for $350."),
        ("at least 5 wins this season", "They have 5 wins this season."),
        ("he was given a five-year term", "He was sentenced to five years in prison."),
        ("a 10-day strike", "The strike lasted ten days."),
        ("the city paid more than half of the bill", "The city agreed to pay 60 percent of the bill."),
        ("under a third of the vote", "She won 30 percent of the vote."),
        ("Port Alder won the final 3-0", "Port Alder beat Fenwick 3-0 in the final, its third title in four years."),
    ],
)
def test_agreeing_in_other_words_is_not_a_contradiction(claim: str, sentence: str) -> None:
    assert not disagree(claim, sentence)


@pytest.mark.parametrize(
    ("claim", "sentence"),
    [
        ("customers would have to pay for the repair", "Customers will not be charged for the repair."),
        ("the company would recall 5,000 robots", "The company would recall 3,000 robots."),
        ("Hallstead shares fell after the recall", "Hallstead shares rose 6% after the recall."),
        ("a legislative remedy for AI risks exists", "There is no legislative remedy to potential AI risks."),
        ("a defeat for the Cowboys against the Seahawks", "The Cowboys rallied to beat the Seahawks."),
        ("the bike on sale for less than $400 off", "The bike is on sale for over $400 off."),
        ("Hallstead shares rose 5% on Tuesday", "Hallstead shares rose 6 percent on Tuesday."),
        ("the recall cost $40 million", "The recall cost $30 million."),
        ("the team won nine games in 2021", "The team won seven games in 2021."),
        ("he won nine games in his first three years", "He won seven games during his first three years."),
        ("the $80 price is an all-time low", "The price is down to $80, which isn’t an all-time low."),
        ("sales above 600 million crowns", "It reported revenue of 580 million crowns."),
        ("the bike sells for less than $400", "The bike sells for $450."),
        ("he was given a five-year prison term", "He was sentenced to four years in prison."),
        ("a 10-day strike", "The strike lasted twelve days."),
        ("she won under half of the vote", "She was re-elected with 58 percent of the vote."),
        ("the city paid more than two-thirds of the bill", "The city agreed to pay 60 percent of the bill."),
    ],
)
def test_negation_opposites_and_other_numbers_contradict(claim: str, sentence: str) -> None:
    assert disagree(claim, sentence)


def test_a_contradicted_claim_answers_an_ordering_question_no() -> None:
    understood = Understander(CATALOG).understand(
        "Did Reuters report that Hallstead recalled 5,000 robots before The Courier reported that shares rose?"
    )
    assert understood.yes_no is not None and understood.yes_no.relation == ORDER
    first, second = understood.yes_no.claims
    march = _candidate("Hallstead Robotics recalled 3,000 warehouse robots.", "2026-03-02", "Reuters")
    may = _candidate("Hallstead shares rose 6% on Tuesday.", "2026-05-12", "The Courier")
    contradicted = [ClaimEvidence(first, march, 0.8, True), ClaimEvidence(second, may, 0.8, False)]
    assert decide(understood.yes_no, contradicted) == "no"
    supported = [ClaimEvidence(first, march, 0.8, False), ClaimEvidence(second, may, 0.8, False)]
    assert decide(understood.yes_no, supported) == "yes", "March is before May"


def _candidate(text: str, date: str, source: str) -> Candidate:
    chunk = Chunk(f"{source}-{date}", 0, text, 0, len(text), "title", date, source)
    return Candidate(0, Hit(chunk, 1.0), 0, len(text), text, frozenset())
