"""Hybrid retrieval: the keyword side finds rare names, the dense side finds paraphrases."""

from pathlib import Path

import pytest

from bot.core.errors import QuestionError
from bot.core.pipeline import Pipeline
from bot.core.retrieve import Filters
from index.ingest import ingest

DISTRACTORS = [
    ("Budget talks", "Lawmakers debated the city budget for schools and parks late into the night."),
    ("Football final", "The home team won the championship after a penalty shootout on Sunday."),
    ("Weather", "Heavy rain is expected across the region, with flood warnings for low areas."),
    ("Museum", "The museum reopened its modern art wing after a two-year renovation."),
    ("Bank rates", "The central bank held interest rates steady, citing slowing inflation."),
    ("Concert", "The orchestra performed a sold-out concert of Beethoven symphonies."),
    ("Transit", "Commuters faced delays as the subway line closed for track maintenance."),
    ("Election", "Voters in the district elected a new mayor by a narrow margin."),
]
RARE = ("Procurement note", "Officials confirmed that contract QX-7731 went to a little-known supplier.")
PARAPHRASE = ("Automaker notice", "The automaker is pulling back thousands of vehicles because the brakes may fail.")


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory, embedder) -> Pipeline:
    from tests.conftest import make_settings

    root = tmp_path_factory.mktemp("retrieve")
    corpus = root / "corpus"
    corpus.mkdir()
    articles = [*DISTRACTORS, RARE, PARAPHRASE]
    for i, (title, body) in enumerate(articles):
        source = "Metro Daily" if i % 2 else "Evening Post"
        date = f"2024-0{1 + i % 9}-15"
        (corpus / f"{i:02d}.md").write_text(f"---\ntitle: {title}\ndate: {date}\nsource: {source}\n---\n\n{body}\n")
    settings = make_settings(root / "data", top_k=3)
    ingest([corpus], settings.index, embedder=embedder)
    return Pipeline(settings, embedder=embedder)


def _titles(hits) -> list[str]:  # type: ignore[no-untyped-def]
    return [h.chunk.title for h in hits]


def test_rare_keyword_is_found_by_bm25(pipeline: Pipeline) -> None:
    hits = pipeline.retrieve("Who won QX-7731?")
    assert hits[0].chunk.title == "Procurement note"
    assert hits[0].keyword_rank == 1


def test_paraphrase_is_found_by_dense_search(pipeline: Pipeline) -> None:
    hits = pipeline.retrieve("Which car company recalled autos over defective stopping systems?")
    assert hits[0].chunk.title == "Automaker notice"
    assert hits[0].dense_rank == 1
    assert hits[0].keyword_rank is None, "no shared keyword: only the dense side can have found it"


def test_results_are_deterministic(pipeline: Pipeline) -> None:
    question = "What happened to interest rates?"
    first = [(h.chunk.id, h.score) for h in pipeline.retrieve(question)]
    assert all(first == [(h.chunk.id, h.score) for h in pipeline.retrieve(question)] for _ in range(3))


def test_date_and_source_filters(pipeline: Pipeline) -> None:
    question = "news"
    since = pipeline.retrieve(question, top_k=20, filters=Filters(since="2024-05-01"))
    assert since and all(h.chunk.date >= "2024-05-01" for h in since)
    until = pipeline.retrieve(question, top_k=20, filters=Filters(until="2024-02-28"))
    assert until and all(h.chunk.date <= "2024-02-28" for h in until)
    source = pipeline.retrieve("Who won QX-7731?", top_k=20, filters=Filters(source="Metro Daily"))
    assert source and all(h.chunk.source == "Metro Daily" for h in source)
    assert "Procurement note" not in _titles(source)


def test_bad_filter_date_is_a_clear_error(pipeline: Pipeline) -> None:
    with pytest.raises(QuestionError, match="YYYY-MM-DD"):
        pipeline.retrieve("news", filters=Filters(since="last week"))


def test_keyword_index_follows_a_newer_store_generation(tmp_path: Path, pipeline: Pipeline, embedder) -> None:
    """A reader whose BM25 copy is older than the store rebuilds it (another worker ingested)."""
    retriever = pipeline.retriever
    before = retriever.keyword_index().generation
    (tmp_path / "new.md").write_text("---\ntitle: Late news\n---\n\nThe Zorblax festival was cancelled.\n")
    ingest([tmp_path], pipeline.settings.index, embedder=embedder)
    retriever._checked_at = 0.0
    assert retriever.keyword_index().generation != before
    assert pipeline.retrieve("Zorblax festival")[0].chunk.title == "Late news"
