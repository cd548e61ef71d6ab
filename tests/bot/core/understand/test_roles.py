"""A "who is the <role> of <organisation>" question is answered only by a sentence giving that role to that
organisation: the tempting sentence names the role at another company, or in an article about another."""

from __future__ import annotations

import pytest

from bot.core.understand.roles import asked_role, holds_role


@pytest.mark.parametrize(
    ("question", "forms", "organisation"),
    [
        ("Who is the chief executive of ZTE?", "ceo", "ZTE"),
        ("Who is the CEO of Hallstead Robotics and what did she say?", "chief executive", "Hallstead Robotics"),
        ("who is the current spokesman for the port of Rotterdam?", "spokesperson", "Rotterdam"),
    ],
)
def test_the_role_and_organisation_asked_about(question: str, forms: str, organisation: str) -> None:
    role = asked_role(question)
    assert role is not None and forms in role.forms and role.organisation == organisation


@pytest.mark.parametrize(
    "question", ["Who is the individual facing a criminal trial?", "Who is the CEO of the company?", "Who won?"]
)
def test_no_role_without_a_named_organisation(question: str) -> None:
    assert asked_role(question) is None


def test_a_sentence_holds_the_role_only_for_the_organisation_asked_about() -> None:
    zte = asked_role("Who is the chief executive of ZTE?")
    hallstead = asked_role("Who is the CEO of Hallstead Robotics?")
    assert zte is not None and hallstead is not None
    elsewhere = "Xiang Ligang, chief executive of telecom industry news site cctime.com, told the Global Times."
    assert not holds_role(elsewhere, zte)
    assert holds_role("ZTE chief executive Xu Ziyang said the company would comply.", zte)
    assert holds_role("Xu Ziyang, chief executive of ZTE Corp, said the company would comply.", zte)
    untied = "Chief executive Mira Lindqvist said the fault came from a sensor supplier."
    assert holds_role(untied, hallstead, title="Hallstead Robotics recalls 3,000 warehouse robots")
    assert not holds_role(untied, zte, title="Hallstead Robotics recalls 3,000 warehouse robots")
    assert not holds_role("Hallstead Robotics said sales rose.", hallstead)
