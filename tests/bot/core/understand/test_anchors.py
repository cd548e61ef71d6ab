"""What a question rests on: publications that are not indexed, the answer's qualifier, model numbers."""

from __future__ import annotations

import pytest

from bot.core.understand.anchors import (
    MODEL,
    NAME,
    NUMBER,
    PER_ARTICLE,
    PHRASE_KINDS,
    PUBLICATION,
    QUALIFIER,
    QUOTED,
    all_held,
    anchors,
    held_share,
    missing,
    spelled_terms,
    unheld,
)
from bot.core.understand.sources import SourceMatcher

MATCHER = SourceMatcher(["Reuters", "The Verge", "The Age"])


def read(question: str) -> list[tuple[str, str]]:
    """The anchors the retrieved text as a whole must hold (publication, qualifier, model)."""
    return [(a.text, a.kind) for a in anchors(question, MATCHER.find(question)) if a.kind not in PER_ARTICLE]


def phrases(question: str) -> list[tuple[str, str]]:
    """The anchors one retrieved article must hold whole (name, number, quoted)."""
    return [(a.text, a.kind) for a in anchors(question, MATCHER.find(question)) if a.kind in PER_ARTICLE]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("According to Bloomberg, how much did the recall cost?", [("Bloomberg", PUBLICATION)]),
        ("According to The Verge and Bloomberg, who resigned?", [("Bloomberg", PUBLICATION)]),
        ("Considering a Le Monde profile of the startup, who led it?", [("Le Monde", PUBLICATION)]),
        ("What did a piece by The Washington Post say?", [("Washington Post", PUBLICATION)]),
        ("Which Microsoft executive announced the team?", [("Microsoft", QUALIFIER)]),
        ("Did Bloomberg report that the talks failed?", [("Bloomberg", PUBLICATION)]),
        ("What is the price of the 1TB model, and of the 512GB one?", [("1TB", MODEL), ("512GB", MODEL)]),
    ],
)
def test_anchors_are_read(question: str, expected: list[tuple[str, str]]) -> None:
    assert read(question) == expected


@pytest.mark.parametrize(
    "question",
    [
        "According to Reuters, how much did the recall cost?",  # indexed: metadata, not text
        "Which company, according to Megan Grey in 'The Age', manipulates search?",  # a person quoted there
        "According to The Verge, Bankman-Fried persuaded whom to join him?",  # not a list of publications
        "Which company did the 4th-quarter report name?",  # an ordinal is no model number
        "Which company is on the 3pm call?",  # nor is a time of day
        "Which company reported the loss?",
        "Did Elon Musk say the launch would slip?",  # a person saying something is not a publication
    ],
)
def test_what_is_not_an_anchor(question: str) -> None:
    assert read(question) == []


def test_an_anchor_is_missing_unless_all_its_words_are_present() -> None:
    found = anchors("What did the Times of India report?", [])
    assert [a.text for a in found] == ["Times of India"]
    assert [a.text for a in missing(found, {"time"})] == ["Times of India"]
    assert missing(found, {"time", "india"}) == []


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Why did the Nine Years' Treaty collapse?", [("Nine Years' Treaty", NAME)]),
        ("Did Elon Musk say the launch would slip?", [("Elon Musk", NAME)]),
        ("How many tonnes did the port ship in the first 14,200 days?", [("14,200", NUMBER)]),
        ("What did the minister call “the lost decade”?", [("the lost decade", QUOTED)]),
        ("According to Reuters, how much did the recall cost?", []),  # an indexed source is metadata
        ("kessler dam cost?", []),  # a hurried fragment names nothing by capitals
        ("What did the AX-40 cost in mid-2024?", [("2024", NUMBER)]),  # the 40 is the model's, 2024 a year
        ("Who runs Calderia's port? I'd like a name. Thanks!", [("Calderia", NAME)]),  # each sentence opens
        ("who runs the news site harbourline.example.org?", [("harbourline.example.org", NAME)]),  # any case
        ("Did the U.S. say so, i.e. in writing?", [("U.S", NAME)]),  # abbreviations are no web address
        ("Mail press@acme.com or see https://acme.com/about", []),  # an e-mail or a link is not a site's name
    ],
)
def test_names_numbers_and_quoted_terms_are_read(question: str, expected: list[tuple[str, str]]) -> None:
    assert phrases(question) == expected


def test_names_are_not_checked_word_by_word() -> None:
    found = anchors("Why did the Nine Years' Treaty collapse in 2019?", [])
    assert {a.kind for a in found} == {NAME, NUMBER}
    assert missing(found, set()) == [], "missing checks the words of publication, qualifier and model anchors"


TEN_YEARS = "Calderia and Vessmark signed the Ten Years' Treaty on February 13, 2024, nine days late."


@pytest.mark.parametrize(
    ("question", "texts", "unheld_texts"),
    [
        ("When was the Nine Years' Treaty signed?", [TEN_YEARS], ["Nine Years' Treaty"]),
        ("When was the Ten Years' Treaty signed?", [TEN_YEARS], []),
        ("When was the ten years’ treaty signed by Calderia?", [TEN_YEARS], []),  # case and quotes aside
        ("How much does Norvik's NX-8 hold?", ["Norvik's NX-7 holds 13.5 kWh."], ["Norvik's NX-8", "NX-8"]),
        ("how much does the nx-8 hold", ["Norvik's NX-7 holds 13.5 kWh."], ["nx-8"]),  # a model in any case
        ("how much does the nx-7 hold", ["Norvik's NX-7 holds 13.5 kWh."], []),
        ("What did the G-7 agree?", ["The G7 agreed on a cap."], []),  # with or without the hyphen
        ("How much does Norvik's NX-7 hold?", ["The NX-7 holds 13.5 kWh.", "Norvik unveiled it."], []),
        ("What can Volterra's Brookmere factory make?", ["Volterra's factory in Brookmere opened."], []),
        ("What did he call “the lost decade”?", ["He spoke of a lost decade."], ["the lost decade"]),
        ("What did he call “the lost decade”?", ["He called it “the lost decade.”"], []),
        ("How many tonnes did the port ship in 2019?", ["The port shipped 4 tonnes in 2018."], []),  # no numbers
        ("Who is the CEO of Hallstead?", ["Chief executive Mira Lindqvist of Hallstead Robotics"], []),
        ("Who is the Governor of Bank of England?", ["The Bank's governor, in England"], []),
        ("Who is the Governor of Bank of Wales?", ["The Bank's governor, in England"], ["Governor of Bank of Wales"]),
        ("What did Mira Lindqvist NRX say?", ["Mira Lindqvist, who runs NRX, said so."], []),  # an acronym separates
        ("What did Volterra CEO Marta Kessler say?", ["Volterra chief executive Marta Kessler spoke."], []),
        (
            "What did Volterra CEO Marta Kessler say?",
            ["Volterra chief executive Marta Kessel spoke."],
            ["Volterra CEO Marta Kessler"],
        ),
        (  # a pairing of two names, and the name after it, each held on its own
            "Recap the Eagles–Giants Monday Night Football game.",
            ["The Eagles beat the Giants 23-20 on Monday Night Football."],
            [],
        ),
        (
            "how did the Eagles-Giants Monday Night Football game go?",
            ["The Eagles beat the Bills on Monday Night Football."],
            ["Eagles-Giants Monday Night Football"],
        ),
        ("What did Sam Bankman-Fried say?", ["Sam Bankman-Fried testified."], []),
        ("What did Sam Bankman-Fried say?", ["Sam Bankman testified."], ["Sam Bankman-Fried"]),
    ],
)
def test_a_name_must_be_held_as_a_phrase(question: str, texts: list[str], unheld_texts: list[str]) -> None:
    found = anchors(question, [])
    assert [a.text for a in unheld(found, texts)] == unheld_texts


def test_a_phrase_is_not_pieced_together_across_sentences() -> None:
    found = anchors("Who chairs Harbour Trust?", [])
    assert [a.text for a in unheld(found, ["They met at the harbour.", "Trust was low."])] == ["Harbour Trust"]


def test_dates_are_no_names_or_numbers() -> None:
    assert phrases("Did Acme say on November 6, 2023 that prices rose?") == [("Acme", NAME)]


def test_held_share_counts_the_names_held_as_phrases() -> None:
    found = anchors("Catch me up on Volterra Motors and the Lindqvist Commission.", ())
    assert held_share(found, ["Volterra Motors opened a factory."]) == 0.5
    assert held_share(found, ["The Lindqvist Commission fined Volterra Motors."]) == 1.0
    assert held_share(found, ["A commission fined a carmaker."]) == 0.0
    assert held_share(anchors("What happened in the US?", ()), ["Nothing."]) == 1.0, "an acronym is no part"
    story = anchors("Summarize the Nine Years' Treaty story.", ())
    assert held_share(story, ["The Ten Years' Treaty took nine months."]) == 1.0, "a publication is no phrase kind"
    assert held_share(story, ["The Ten Years' Treaty took nine months."], PHRASE_KINDS | {PUBLICATION}) == 0.0


def test_all_held_needs_something_named_and_all_of_it_held() -> None:
    found = anchors("Catch me up on Volterra Motors and the Lindqvist Commission.", ())
    assert all_held(found, ["The Lindqvist Commission fined Volterra Motors."])
    assert not all_held(found, ["Volterra Motors opened a factory."])
    assert not all_held(anchors("what is the capital of peru", ()), ["Lima is the capital."]), "nothing named"
    assert not all_held(anchors("How much is 17% of 240?", ()), ["17% of 240 is 40.8."]), "a number names nothing"


def test_spelled_terms_leave_acronyms_out() -> None:
    (ceo,) = [a for a in anchors("What did CEO Changpeng Zhao say?", ()) if "Zhao" in a.text]
    assert spelled_terms(ceo) == {"changpeng", "zhao"}
    (us,) = anchors("What did the US say?", ())
    assert spelled_terms(us) == frozenset()
