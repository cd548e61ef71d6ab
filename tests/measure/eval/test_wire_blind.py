"""The wire-blind gold set ships whole: every evidence quote is verbatim in its article, half is unanswerable."""

from __future__ import annotations

from pathlib import Path

from measure.eval.dataset import load_dataset

WIRE_BLIND = Path(__file__).resolve().parents[3] / "measure" / "gold" / "wire-blind"


def test_every_quote_is_verbatim_in_its_article_and_half_is_unanswerable() -> None:
    dataset = load_dataset(WIRE_BLIND)
    texts = {a.id: a.text for a in dataset.articles}
    assert len(texts) >= 60 and len(dataset.queries) >= 150
    assert len({q.id for q in dataset.queries}) == len(dataset.queries)
    for query in dataset.queries:
        for evidence in query.evidence:
            assert evidence.quote in texts[evidence.article_id], query.id
        assert bool(query.evidence) == query.answerable, query.id
    unanswerable = sum(not q.answerable for q in dataset.queries) / len(dataset.queries)
    assert 0.45 <= unanswerable <= 0.55
