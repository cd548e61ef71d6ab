"""Whether a question asks for an overview: P(overview) from its meaning and the request rules.

The rules (`answer_type.asks_overview`: "summarize …", "catch me up on …", "how did X unfold?") are precise
but a newsroom asks in many more ways ("help me get up to speed on …", "need context on …", "walk me
through …"); on the asks written after the rules last changed (`measure/gold/asks-b`) they found half. The
model is a logistic regression over the question's sentence vector (the local embedder's, which retrieval
computes for the same text anyway) and whether the rules match, fitted by `python -m measure.fit_intent`
with both kinds weighed equally; its weights (`intent_weights.json`) name the embedder they were fitted for,
and with any other embedder the rules alone decide.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import numpy as np

from bot.core.logistic import Logistic
from bot.core.understand.answer_type import asks_overview
from index.embed import Embedder

WEIGHTS = Path(str(resources.files("bot.core.understand"))) / "intent_weights.json"
RULES = "rules"


def feature_names(dim: int) -> tuple[str, ...]:
    return (RULES, *(f"meaning_{i}" for i in range(dim)))


def features(question: str, vector: np.ndarray) -> np.ndarray:
    """The model's inputs for `question` whose sentence vector is `vector`."""
    return np.concatenate([[float(asks_overview(question))], np.asarray(vector, dtype=np.float64)])


class OverviewIntent:
    """P(a question asks for an overview); stateless after loading, so one is shared by every request."""

    def __init__(self, embedder: Embedder, model: Logistic, threshold: float) -> None:
        self.embedder = embedder
        self.model = model
        self.threshold = threshold

    @classmethod
    def load(cls, embedder: Embedder, threshold: float, path: Path = WEIGHTS) -> OverviewIntent | None:
        """The shipped model when it was fitted for `embedder` (by name), else None (the rules decide)."""
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("embedder") != embedder.name:
            return None
        model = Logistic.from_dict(data["model"], feature_names(embedder.dim))
        return cls(embedder, model, threshold)

    def probability(self, question: str) -> float:
        return float(self.model.probability(features(question, self.embedder.embed_query(question))))
