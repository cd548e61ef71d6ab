"""Which articles an overview may quote: the fitted estimate reads each article's best sentence, absolutely
and against the best article's, and how close its closest chunk came to the question."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from bot.core.answer.topic import FEATURES, TopicModel, article_features


@dataclass
class Hit:
    dense_similarity: float | None


@dataclass
class Read:
    article_id: str
    score: float
    similarity: float | None = 0.5

    @property
    def hit(self) -> Hit:
        return Hit(self.similarity)


def test_an_articles_features_are_its_best_sentence_that_over_the_best_article_and_its_closest_chunk() -> None:
    ranked = [Read("a", 0.8, 0.6), Read("b", 0.4, None), Read("a", 0.1, 0.7), Read("c", 0.0, 0.2)]
    features = article_features(ranked)  # type: ignore[arg-type]
    assert set(features) == {"a", "b", "c"}
    assert features["a"].tolist() == [0.8, 1.0, 0.7]
    assert features["b"].tolist() == pytest.approx([0.4, 0.5, 0.0]), "found by keywords alone: no closeness"
    assert features["c"].tolist() == [0.0, 0.0, 0.2]
    assert article_features([Read("x", 0.0)])["x"].tolist() == [0.0, 0.0, 0.5], "nothing read: no ratio"  # type: ignore[list-item]
    assert article_features([]) == {}


def test_hits_given_without_their_similarity_leave_the_estimate_to_the_reading() -> None:
    """`Pipeline.answer_from_hits` passes hits with no similarity, and another embedder gives them on another
    scale: closeness is then unknown, not zero, and the better-read article is still the more on topic."""
    model = TopicModel.load()
    assert model.embedder is not None
    unknown = model.probabilities([Read("lead", 0.9, None), Read("aside", 0.1, None)], model.embedder)  # type: ignore[list-item]
    far = model.probabilities([Read("lead", 0.9, 0.0), Read("aside", 0.1, 0.0)], model.embedder)  # type: ignore[list-item]
    assert unknown["lead"] > unknown["aside"]
    assert unknown["lead"] > far["lead"]
    other = model.probabilities([Read("lead", 0.9, 0.0), Read("aside", 0.1, 0.0)], "another:embedder")  # type: ignore[list-item]
    assert other == unknown, "another embedder's similarities have another scale: read as unknown"


def test_the_shipped_model_reads_better_read_articles_as_more_on_topic() -> None:
    model = TopicModel.load()
    assert model.model.features == FEATURES
    levels = [(b, r, d) for b in (0.0, 0.2, 0.5, 0.9) for r in (0.1, 0.5, 1.0) for d in (0.1, 0.4, 0.7)]
    grid = np.array(levels)
    p = model.model.probability(grid).reshape(4, 3, 3)
    assert np.all(np.diff(p, axis=0) > 0) and np.all(np.diff(p, axis=1) > 0) and np.all(np.diff(p, axis=2) > 0)
    ranked = [Read("lead", 0.9, 0.6), Read("second", 0.6, 0.5), Read("aside", 0.02, 0.2)]
    chances = model.probabilities(ranked, model.embedder)  # type: ignore[arg-type]
    assert chances["lead"] > chances["second"] > chances["aside"]
    kept = model.on_topic(ranked, 0.5, model.embedder)  # type: ignore[arg-type]
    assert kept >= {"lead"} and "aside" not in kept
    assert model.on_topic(ranked, 0.0) == {"lead", "second", "aside"}  # type: ignore[arg-type]
    assert model.on_topic([], 0.5) == set()
