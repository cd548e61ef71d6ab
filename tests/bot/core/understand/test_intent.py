"""The overview intent: the shipped model loads only for its embedder, the understander follows its threshold,
and on the asks written after the rules last changed it reads more overviews than the rules, as precisely."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.core.understand import answer_type as types
from bot.core.understand.intent import WEIGHTS, OverviewIntent, feature_names
from bot.core.understand.question import Understander
from index.catalog import Catalog
from measure.eval import asks
from tests.conftest import REPO

FACTS = ["When did the talks end?", "How much will the recall cost?", "Did Reuters report the strike?"]


def test_the_shipped_weights_name_their_embedder_and_load_only_for_it(embedder) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(WEIGHTS.read_text(encoding="utf-8"))
    assert data["embedder"] == embedder.name
    assert tuple(data["model"]["features"]) == feature_names(embedder.dim)
    assert OverviewIntent.load(embedder, 0.5) is not None

    class Other:
        name = "openai:text-embedding-3-small"

    assert OverviewIntent.load(Other(), 0.5) is None  # type: ignore[arg-type]


def test_the_understander_answers_as_an_overview_at_its_threshold_and_records_the_probability(embedder) -> None:  # type: ignore[no-untyped-def]
    question = "Summarize the EU 5G story."
    for threshold, overview in ((0.0, True), (1.0, False)):
        intent = OverviewIntent.load(embedder, threshold)
        understood = Understander(Catalog(""), intent).understand(question)
        assert (understood.answer_type == types.OVERVIEW) is overview
        assert understood.to_dict()["overview_probability"] == pytest.approx(intent.probability(question), abs=1e-4)  # type: ignore[union-attr]
    demoted = Understander(Catalog(""), OverviewIntent.load(embedder, 1.0)).understand(
        "How did the recall go for Acme?"
    )
    assert demoted.answer_type == types.fact_type("How did the recall go for Acme?") != types.OVERVIEW
    assert "overview_probability" not in Understander(Catalog("")).understand(question).to_dict()


@pytest.mark.parametrize("question", FACTS)
def test_fact_type_is_the_rules_type_of_a_question_that_is_not_an_overview(question: str) -> None:
    assert types.answer_type(question) == types.fact_type(question) != types.OVERVIEW


def test_on_asks_it_never_saw_it_reads_more_overviews_than_the_rules_and_no_more_facts(embedder) -> None:  # type: ignore[no-untyped-def]
    """asks-b was written after the rules last changed and is not fitted on (`measure.fit_intent`)."""
    intent = OverviewIntent.load(embedder, 0.5)
    assert intent is not None
    found = asks.load(Path(REPO) / "measure" / "gold" / "asks-b" / asks.ASKS_FILE)
    truth = [a["kind"] == "overview" for a in found]
    by_rules = [types.asks_overview(a["question"]) for a in found]
    by_model = [intent.probability(a["question"]) >= intent.threshold for a in found]

    def hits(said: list[bool]) -> tuple[int, int]:
        return sum(s and t for s, t in zip(said, truth, strict=True)), sum(
            s and not t for s, t in zip(said, truth, strict=True)
        )

    (rules_right, rules_wrong), (model_right, model_wrong) = hits(by_rules), hits(by_model)
    assert model_right > rules_right
    assert model_wrong <= rules_wrong


def test_slack_noise_it_never_saw_is_not_read_as_an_overview(embedder) -> None:  # type: ignore[no-untyped-def]
    """Greetings, tests and stray keystrokes (`measure/gold/chatter`, even ids: never fitted on) are not
    requests for a story's summary; the first fit, without them, read half of them as overviews."""
    intent = OverviewIntent.load(embedder, 0.5)
    assert intent is not None
    noise = [a["question"] for a in asks.load(Path(REPO) / "measure" / "gold" / "chatter" / asks.ASKS_FILE)]
    unseen = noise[1::2]
    read = [q for q in unseen if intent.probability(q) >= intent.threshold]
    assert len(read) <= len(unseen) // 10, read
