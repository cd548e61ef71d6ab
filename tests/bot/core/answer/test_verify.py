"""Citation verification with the real embedder: markers move to the evidence that supports them, or go;
sentences nothing supports are removed; the judge is asked only in the grey zone."""

from __future__ import annotations

import threading

import pytest

from bot.core.answer import verify
from bot.core.answer.evidence import candidates
from bot.core.answer.verify import SUPPORTED, Verifier, split_verdict
from bot.core.models import Hit
from index.models import Chunk

TEXT = (
    "The blueprint did not exclude any companies from the 5G network assessment. "
    "ZTE is also expected to open two more labs in Italy and Belgium in 2019 to invite customers to have "
    "access to its source code, the spokesperson added. "
    "Huawei opened a cyber security centre in Brussels in March."
)


@pytest.fixture
def evidence():  # type: ignore[no-untyped-def]
    chunk = Chunk("zte", 0, TEXT, 0, len(TEXT), title="EU 5G stance", date="2019-03-27", source="China Daily")
    found = candidates([Hit(chunk, 1.0)])
    assert [c.text[:8] for c in found] == ["The blue", "ZTE is a", "Huawei o"]
    return found


def test_a_misnumbered_citation_moves_to_the_evidence_that_says_it(embedder, evidence) -> None:
    reply = "ZTE will open labs in Italy and Belgium so customers can see its source code [1]."
    verified = Verifier(embedder).verify(reply, evidence)
    assert verified.text == "ZTE will open labs in Italy and Belgium so customers can see its source code [2]."
    (moved,) = verified.corrections
    assert (moved.kind, moved.cited, moved.to) == ("moved", (1,), 2)
    assert moved.support >= SUPPORTED


def test_a_sentence_no_evidence_supports_is_removed(embedder, evidence) -> None:
    reply = "ZTE will open labs in Italy and Belgium for its source code [2]. ZTE's profits doubled in 2018 [2]."
    verified = Verifier(embedder).verify(reply, evidence)
    assert verified.text == "ZTE will open labs in Italy and Belgium for its source code [2]."
    (removed,) = verified.corrections
    assert (removed.kind, removed.sentence, removed.cited) == ("removed", "ZTE's profits doubled in 2018.", (2,))


def test_of_two_markers_only_the_supporting_one_stays(embedder, evidence) -> None:
    reply = "Huawei opened a security centre in Brussels in March [1][3]."
    verified = Verifier(embedder).verify(reply, evidence)
    assert verified.text == "Huawei opened a security centre in Brussels in March [3]."
    assert [(c.kind, c.cited) for c in verified.corrections] == [("dropped", (1,))]


def test_an_uncited_supported_sentence_gets_its_citation_and_markers_outside_the_evidence_go(
    embedder, evidence
) -> None:
    verified = Verifier(embedder).verify("Huawei opened a cyber security centre in Brussels [7].", evidence)
    assert verified.text == "Huawei opened a cyber security centre in Brussels [3]."
    assert [(c.kind, c.cited, c.to) for c in verified.corrections] == [("dropped", (7,), None), ("added", (), 3)]


def test_nothing_supported_leaves_nothing(embedder, evidence) -> None:
    verified = Verifier(embedder).verify("The company was fined 2 billion euros [1].", evidence)
    assert verified.text == ""
    assert [c.kind for c in verified.corrections] == ["removed"]


@pytest.mark.parametrize("judged", [True, False])
def test_the_judge_decides_in_the_grey_zone_only(embedder, evidence, monkeypatch, judged: bool) -> None:
    asked: list[tuple[str, str]] = []

    def judge(statement: str, text: str) -> bool:
        asked.append((statement, text))
        return judged

    verifier = Verifier(embedder, judge, judge_budget=3)
    verifier.verify("ZTE will open labs in Italy and Belgium so customers can see its source code [2].", evidence)
    assert asked == [], "a clearly supported sentence needs no judge"
    sentence = "Customers can look at the code in Europe."
    score = float(verifier._scores([sentence], evidence)[0][1])
    monkeypatch.setattr(verify, "SUPPORTED", score + 0.01)
    monkeypatch.setattr(verify, "JUDGE_FROM", score - 0.01)
    others = [float(s) for s in verifier._scores([sentence], evidence)[0]]
    assert max(others[0], others[2]) < score - 0.01, "only evidence 2 is in the grey zone"
    verified = verifier.verify("Customers can look at the code in Europe [2].", evidence)
    assert asked == [(sentence, evidence[1].text)]
    if judged:
        assert verified.text == "Customers can look at the code in Europe [2]."
        assert [(c.kind, c.judged) for c in verified.corrections] == [("kept", True)]
    else:
        assert verified.text == ""
        assert [(c.kind, c.judged) for c in verified.corrections] == [("removed", True)]


@pytest.mark.parametrize(
    ("reply", "verdict", "rest"),
    [
        ("Yes, ZTE said so [1].", "yes", "ZTE said so [1]."),
        ("No. The report says otherwise [2].", "no", "The report says otherwise [2]."),
        ("Nobody said so [1].", None, "Nobody said so [1]."),
    ],
)
def test_a_leading_yes_or_no_is_the_models_verdict(reply: str, verdict: str | None, rest: str) -> None:
    assert split_verdict(reply) == (verdict, rest)


@pytest.mark.parametrize("budget", [None, 0, 1, 3])
def test_the_judge_is_asked_at_most_the_budget_per_reply(embedder, evidence, monkeypatch, budget: int | None) -> None:
    asked: list[str] = []

    def judge(statement: str, text: str) -> bool:
        asked.append(statement)
        return True

    monkeypatch.setattr(verify, "SUPPORTED", 1.01)
    monkeypatch.setattr(verify, "JUDGE_FROM", -1.0)
    sentences = [
        f"Customers can look at the code in Europe, {w} [2]." for w in "today soon later again still too".split()
    ]
    verifier = Verifier(embedder, judge) if budget is None else Verifier(embedder, judge, budget)
    verified = verifier.verify(" ".join(sentences), evidence)
    spent = verify.JUDGE_BUDGET if budget is None else budget
    assert len(asked) == spent
    assert [c.kind for c in verified.corrections].count("removed") == len(sentences) - spent


def test_two_replies_verified_at_once_keep_their_own_names_and_budget(embedder, evidence) -> None:
    """One Verifier serves every Slack worker. Reply A is paused inside the judge while reply B is verified
    from start to end; A's next sentence names a person only A's question mentions, so it must stand
    without a judge, and B's identical sentence, whose question never names her, must not."""
    a_waiting, b_done = threading.Event(), threading.Event()
    asked: list[tuple[str, str]] = []

    def judge(statement: str, text: str) -> bool:
        owner = threading.current_thread().name
        asked.append((owner, statement))
        if owner == "A" and statement.startswith("Officials"):
            a_waiting.set()
            assert b_done.wait(60), "reply B never finished"
        return statement.startswith("Officials")

    verifier = Verifier(embedder, judge, judge_budget=3)
    named = "Then Kessler said ZTE will open two more labs in Italy and Belgium [2]."
    results: dict[str, verify.Verified] = {}

    def run(name: str, reply: str, known: str) -> None:
        results[name] = verifier.verify(reply, evidence, known)

    a = threading.Thread(
        target=run,
        name="A",
        args=("A", f"Officials in Rome welcomed the labs in Italy [2]. {named}", "What did Marta Kessler say?"),
    )
    a.start()
    assert a_waiting.wait(60), "reply A never reached the judge"
    b = threading.Thread(target=run, name="B", args=("B", named, "Where will ZTE open labs?"))
    b.start()
    b.join(60)
    b_done.set()
    a.join(60)
    assert "Then Kessler said" in results["A"].text
    assert not any(owner == "A" and s.startswith("Then Kessler") for owner, s in asked), "A's question names her"
    assert results["B"].text == "", "B's question never names Kessler and the judge rejected her"
    assert any(owner == "B" and s.startswith("Then Kessler") for owner, s in asked)


def test_a_name_is_held_word_by_word_and_an_opening_name_is_checked_too(embedder) -> None:
    """ "Oman" is not held by "woman"; a sentence opening on a name the cited evidence does not hold (the
    title names China, the sentence says the US lobbies) is doubtful, and with no judge it goes; "However"
    is no name."""
    text = (
        "The blueprint did not exclude any companies, although the US has often been lobbying governments "
        "in the region to ban Chinese companies, a woman official said. "
        "The European Commission released a common stance on Tuesday."
    )
    chunk = Chunk("eu", 0, text, 0, len(text), title="China's Huawei welcomes EU 5G stance", source="Wire")
    found = candidates([Hit(chunk, 1.0)])
    verifier = Verifier(embedder)
    swapped = verifier.verify("China has been lobbying governments in the region to ban Chinese companies [1].", found)
    assert swapped.text == "" and swapped.corrections[0].kind == "removed"
    kept = verifier.verify(
        "However, the US has been lobbying governments in the region to ban Chinese companies [1].", found
    )
    assert kept.text.startswith("However, the US has been lobbying")
    oman = verifier.verify(
        "The US and Oman have been lobbying governments in the region to ban Chinese companies [1].", found
    )
    assert oman.text == ""
