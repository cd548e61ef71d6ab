"""Retrieval with readers' feedback and channel scopes, over a real index: a 👎 "wrong source" lowers an
article for the next question, a hide removes it, a reset restores the ranking exactly; several allowed
sources and a request's scope confine every retrieval."""

from __future__ import annotations

import pytest

from bot.core.pipeline import Pipeline
from bot.core.retrieve import Filters, retrieval_scope
from index.feedback import DOWN, FeedbackStore
from index.ingest import ingest

ARTICLES = [
    ("Reuters", "Taiwan chip exports fall", "Taiwan's chip exports fell 8% in March as smartphone demand slowed."),
    ("Bloomberg", "Chip exports drop in March", "Chip exports from Taiwan dropped in March on weaker phone demand."),
    ("Xinhua", "Chip exports rise", "China's chip exports rose in March on strong demand for electric vehicles."),
    ("Evening Post", "Museum reopens", "The museum reopened its modern art wing after a two-year renovation."),
    ("Evening Post", "Budget talks", "Lawmakers debated the city budget for schools and parks late into the night."),
]
QUESTION = "How did chip exports do in March?"


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory, embedder) -> Pipeline:  # type: ignore[no-untyped-def]
    from tests.conftest import make_settings

    root = tmp_path_factory.mktemp("feedback-retrieve")
    corpus = root / "corpus"
    corpus.mkdir()
    for i, (source, title, body) in enumerate(ARTICLES):
        (corpus / f"{i:02d}.md").write_text(
            f"---\ntitle: {title}\ndate: 2026-03-2{i}\nsource: {source}\n---\n\n{body}\n"
        )
    settings = make_settings(root / "data", top_k=3)
    ingest([corpus], settings.index, embedder=embedder)
    return Pipeline(settings, embedder=embedder)


@pytest.fixture
def store(pipeline: Pipeline) -> FeedbackStore:
    store = FeedbackStore.for_settings(pipeline.settings.index)
    for article in store.articles():
        store.reset(article.article_id)
    return store


def ranking(pipeline: Pipeline, filters: Filters | None = None) -> list[tuple[str, float, float]]:
    return [(h.chunk.article_id, h.score, h.boost) for h in pipeline.retrieve(QUESTION, top_k=3, filters=filters)]


def test_a_wrong_source_vote_lowers_the_article_for_the_next_question_and_reset_restores_it(
    pipeline: Pipeline, store: FeedbackStore
) -> None:
    before = ranking(pipeline)
    top, top_score, _ = before[0]
    store.down([top], voter="U1", answer="C1:1.1")
    after = ranking(pipeline)
    ids = [a for a, _, _ in after]
    assert ids[0] != top, "the 👎 article no longer leads"
    if top in ids:
        _, score, boost = after[ids.index(top)]
        assert boost == pytest.approx(DOWN, abs=1e-4) and score == pytest.approx(top_score * (1 + DOWN), rel=1e-3)
    assert all(b == 0.0 for a, _, b in after if a != top)
    assert store.reset(top)
    assert ranking(pipeline) == before


def test_a_hidden_article_is_never_returned(pipeline: Pipeline, store: FeedbackStore) -> None:
    top = ranking(pipeline)[0][0]
    store.hide(top, by="UADMIN")
    assert top not in [a for a, _, _ in ranking(pipeline)]
    source = next(h.chunk.source for h in pipeline.retrieve(QUESTION, top_k=10) if h.chunk.article_id != top)
    assert all(h.chunk.article_id != top for h in pipeline.retrieve(QUESTION, top_k=10, filters=Filters(source=source)))
    store.reset(top)
    assert ranking(pipeline)[0][0] == top


def test_several_allowed_sources_and_a_request_scope_confine_every_retrieval(pipeline: Pipeline) -> None:
    both = pipeline.retrieve(QUESTION, top_k=5, filters=Filters(sources=("Reuters", "Bloomberg")))
    assert {h.chunk.source for h in both} == {"Reuters", "Bloomberg"}
    with retrieval_scope(Filters(sources=("Reuters",))):
        assert {h.chunk.source for h in pipeline.retrieve(QUESTION, top_k=5)} == {"Reuters"}
        assert pipeline.retrieve(QUESTION, top_k=5, filters=Filters(source="Xinhua")) == []
        answer = pipeline.answer("According to Xinhua, how did chip exports do in March?")
    assert {c.source for c in answer.citations} <= {"Reuters"}
    assert pipeline.retrieve(QUESTION, top_k=5, filters=Filters(source="Xinhua"))


def test_a_scope_hears_every_retrieval_of_the_request(pipeline: Pipeline) -> None:
    seen: list[int] = []
    with retrieval_scope(on_hits=lambda query, hits: seen.append(len(hits))):
        pipeline.answer("According to Reuters, did chip exports fall in March?")
    assert seen and seen[0] > 0


def test_filters_intersect_with_a_scope() -> None:
    scope = Filters(since="2026-03-01", sources=("Reuters", "Bloomberg"))
    assert Filters(since="2026-01-01", source="Reuters").within(scope) == Filters(
        since="2026-03-01", sources=("Reuters",)
    )
    assert Filters(until="2026-04-01").within(scope) == Filters(
        "2026-03-01", "2026-04-01", None, ("Reuters", "Bloomberg")
    )
    nothing = Filters(source="Xinhua").within(scope)
    assert nothing.allowed() is not None and "Xinhua" not in nothing.allowed()
    assert Filters(source="AP", sources=("Reuters",)).allowed() != ("AP",)
