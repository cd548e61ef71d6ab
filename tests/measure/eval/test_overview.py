"""The overview gold sets are well formed (verbatim facts from their articles) and the scorer scores."""

from __future__ import annotations

from pathlib import Path

import pytest

from measure.eval.dataset import Evidence, load_dataset
from measure.eval.overview import OverviewQuery, load_overview, score_overview, summarize, topic_of

GOLD = Path(__file__).resolve().parents[3] / "measure" / "gold" / "overview"


@pytest.mark.parametrize("name", ["dev", "seeds"])
def test_every_fact_is_a_verbatim_quote_of_its_article(name: str, shared_eval_dir: Path) -> None:
    dataset = load_dataset(GOLD / name)
    texts = {a.id: a.text for a in dataset.articles} if dataset.articles else {}
    if not texts:
        from index.loaders import load_sources

        texts = {Path(a.source_path).name: a.text for a in load_sources([dataset.corpus_dir]) if hasattr(a, "text")}
    queries = load_overview(GOLD / name)
    assert len(queries) >= (15 if name == "dev" else 3)
    for query in queries:
        assert len(query.facts) >= 2 and query.category in {"summary", "catch-up", "timeline"}
        for fact in query.facts:
            assert fact.quote in texts[fact.article_id], (query.id, fact.quote)
            assert fact.article_id in query.relevant


QUERY = OverviewQuery(
    "q",
    "Summarize the EU 5G story.",
    "summary",
    (
        Evidence("a", "The commission urged a national risk assessment by the end of June."),
        Evidence("b", "ZTE opened labs."),
    ),
    frozenset({"a", "b", "c"}),
)


def test_fact_recall_and_citation_precision() -> None:
    cited = [
        ("a", "On Tuesday the commission urged a national risk assessment by the end of June 2019."),
        ("c", "Huawei welcomed the approach."),
        ("z", "A football score."),
    ]
    score = score_overview(QUERY, cited)
    assert (score.fact_recall, score.citation_precision, score.covered) == (0.5, 0.6667, (True, False))
    assert score_overview(
        QUERY, [("b", "The commission urged a national risk assessment by the end of June.")]
    ).covered == (
        False,
        False,
    ), "a fact is covered only by its own article"
    assert score_overview(QUERY, [(None, "ZTE opened labs in Italy.")]).fact_recall == 0.5
    assert score_overview(QUERY, []).citation_precision is None
    assert summarize([score, score_overview(QUERY, [])]) == {
        "questions": 2,
        "fact_recall": 0.25,
        "citation_precision": 0.6667,
        "answered": 1,
    }


def test_topic_of_strips_the_request() -> None:
    assert topic_of("Summarize the EU 5G story.") == "EU 5G"
    assert topic_of("How did the FTX trial unfold?") == "FTX trial"
    assert topic_of("Catch me up on Epic v. Google.") == "Epic v. Google"
