"""Which articles an overview may quote: the fitted estimate reads each article's best sentence, absolutely
and against the best article's."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from bot.core.answer.topic import FEATURES, TopicModel, article_features


@dataclass
class Read:
    article_id: str
    score: float


def test_an_articles_features_are_its_best_sentence_and_that_over_the_best_article() -> None:
    ranked = [Read("a", 0.8), Read("b", 0.4), Read("a", 0.1), Read("c", 0.0)]
    features = article_features(ranked)  # type: ignore[arg-type]
    assert set(features) == {"a", "b", "c"}
    assert features["a"].tolist() == [0.8, 1.0]
    assert features["b"].tolist() == pytest.approx([0.4, 0.5])
    assert features["c"].tolist() == [0.0, 0.0]
    assert article_features([Read("x", 0.0)])["x"].tolist() == [0.0, 0.0], "nothing read: no ratio"  # type: ignore[list-item]
    assert article_features([]) == {}


def test_the_shipped_model_reads_better_read_articles_as_more_on_topic() -> None:
    model = TopicModel.load()
    assert model.model.features == FEATURES
    grid = np.array([[best, ratio] for best in (0.0, 0.2, 0.5, 0.9) for ratio in (0.1, 0.5, 1.0)])
    p = model.model.probability(grid).reshape(4, 3)
    assert np.all(np.diff(p, axis=0) > 0) and np.all(np.diff(p, axis=1) > 0)
    ranked = [Read("lead", 0.9), Read("second", 0.6), Read("aside", 0.02)]
    chances = model.probabilities(ranked)  # type: ignore[arg-type]
    assert chances["lead"] > chances["second"] > chances["aside"]
    assert model.on_topic(ranked, 0.5) >= {"lead"} and "aside" not in model.on_topic(ranked, 0.5)  # type: ignore[arg-type]
    assert model.on_topic(ranked, 0.0) == {"lead", "second", "aside"}  # type: ignore[arg-type]
    assert model.on_topic([], 0.5) == set()
