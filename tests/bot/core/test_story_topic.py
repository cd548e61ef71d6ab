"""Which retrieved articles a timeline or digest is about: the fitted estimate reads the share of the topic's
words an article holds and how close its closest chunk came to the topic."""

from __future__ import annotations

import numpy as np

from bot.core.models import Hit
from bot.core.stories import topic_terms
from bot.core.story_topic import FEATURES, article_features, by_article, load_model, on_topic
from index.models import Chunk


def _hit(article: str, n: int, text: str, similarity: float | None) -> Hit:
    return Hit(
        Chunk(article, n, text, 0, len(text), f"{article} title", "2026-03-02", "Wire"),
        0.5,
        dense_similarity=similarity,
    )


def test_hits_are_grouped_by_article_with_their_closest_chunk() -> None:
    chunks, closest = by_article([_hit("a", 0, "one", 0.3), _hit("b", 0, "two", None), _hit("a", 1, "three", 0.6)])
    assert {a: [c.n for c in cs] for a, cs in chunks.items()} == {"a": [0, 1], "b": [0]}
    assert closest == {"a": 0.6, "b": 0.0}, "found by keywords alone: no closeness"
    assert by_article([_hit("a", 0, "one", None)])[1] is None, "no similarity given at all: unknown"


def test_the_shipped_model_reads_more_words_and_closer_chunks_as_more_on_topic() -> None:
    model, _ = load_model()
    assert model.features == FEATURES
    grid = np.array([[share, near] for share in (0.0, 0.5, 1.0) for near in (0.1, 0.3, 0.6)])
    p = model.probability(grid).reshape(3, 3)
    assert np.all(np.diff(p, axis=0) > 0) and np.all(np.diff(p, axis=1) > 0)


def test_an_article_holding_only_the_common_word_of_the_topic_is_off_it() -> None:
    """ "Kestrel's Aurora": an article about Kestrel that never mentions Aurora and reads far from the topic
    is not on it; the one about Aurora is, and an unrelated one is not. With no topic, every article is."""
    terms = topic_terms("Kestrel's Aurora")
    hits = [
        _hit("aurora", 0, "Kestrel released its Aurora chatbot to paying customers on Monday.", 0.62),
        _hit("earnings", 0, "Kestrel's quarterly earnings beat forecasts on strong cloud sales.", 0.21),
        _hit("weather", 0, "Heavy rain is expected across the north on Tuesday.", 0.05),
    ]
    chunks, closest = by_article(hits)
    assert article_features(terms, chunks, closest)["earnings"][0] == 0.5, "half the words: the old rule kept it"
    _, embedder = load_model()
    assert embedder is not None
    assert on_topic(terms, chunks, closest, embedder) == {"aurora"}
    assert on_topic(frozenset(), chunks, closest, embedder) == {"aurora", "earnings", "weather"}
    rows = article_features(terms, chunks, None)
    assert np.isnan(rows["aurora"][1]) and rows["aurora"][0] == 1.0
    assert on_topic(terms, chunks, None, embedder) >= {"aurora"}, "closeness unknown: the words decide"
    assert on_topic(terms, chunks, closest, "another:embedder") == on_topic(terms, chunks, None, embedder), (
        "another embedder's similarities have another scale: read as unknown"
    )
