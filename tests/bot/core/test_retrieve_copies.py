"""A publication that carried a story only as a wire copy is a source like any other: it is in the catalog,
`--source` and "according to …" find the story (stored once, under its first copy), and nothing else."""

from __future__ import annotations

import pytest

from bot.core.pipeline import Pipeline
from bot.core.retrieve import Filters
from index.ingest import ingest
from tests.conftest import make_settings
from tests.index.test_stories import _wire

QUESTION = "When must member states complete the national risk assessment of their networks?"


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory, embedder) -> Pipeline:  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("copies")
    settings = make_settings(root / "data")
    report = ingest([_wire(root / "wire")], settings.index, embedder=embedder)
    assert report.duplicates, "Paper B and Paper C joined Wire A's story"
    return Pipeline(settings, embedder=embedder)


def test_a_copy_only_publication_is_in_the_catalog(pipeline: Pipeline) -> None:
    sources = pipeline.understander().catalog.sources
    assert {"Wire A", "Paper B", "Paper C", "Paper D"} <= set(sources)
    assert pipeline.understand(f"According to Paper B, {QUESTION[0].lower()}{QUESTION[1:]}").sources == ("Paper B",)


@pytest.mark.parametrize("source", ["Paper B", "Wire A"])
def test_a_source_filter_finds_the_story_it_carried(pipeline: Pipeline, source: str) -> None:
    hits = pipeline.retriever.retrieve(QUESTION, 5, Filters(source=source))
    assert hits, f"{source} carried the 5G story"
    assert {h.chunk.source for h in hits} == {"Wire A"}, "stored once, under the first copy"
    assert all("Paper B" in h.chunk.also_in for h in hits)


def test_a_copy_does_not_let_other_stories_through(pipeline: Pipeline) -> None:
    harvest = "record wheat harvest in Kansas"
    assert all("Paper B" in h.chunk.also_in for h in pipeline.retriever.retrieve(harvest, 5, Filters(source="Paper B")))
    assert {h.chunk.source for h in pipeline.retriever.retrieve(harvest, 5, Filters(source="Paper D"))} == {"Paper D"}
    other = pipeline.retriever.retrieve(QUESTION, 5, Filters(source="Paper D"))
    assert {h.chunk.source for h in other} <= {"Paper D"}, "Paper D carried no copy of the 5G story"


def test_according_to_the_copy_answers_from_the_story(pipeline: Pipeline) -> None:
    answer = pipeline.answer(f"According to Paper B, {QUESTION[0].lower()}{QUESTION[1:]}")
    assert not answer.refused, answer.answer
    assert "end of June" in answer.answer
    assert answer.citations and "Paper B" in answer.citations[0].also_in
