"""The default reader: logistic models over general features, fitted offline and shipped as weights.

Four small models, each a weight per feature plus a bias, standardised inputs, read from `weights.json`
(written by `measure/fit_reader.py`, which also records what they were fitted on and how they transferred):
- `answers`: a sentence answers the question (labels: the gold sets' evidence quotes);
- `answerable`: the question is answerable from what was retrieved, from the best sentence's logit and the
  question-level features (labels: answerable vs unanswerable questions), times
- `on_topic`: the question is about what the articles cover at all, from how close anything retrieved comes
  to it (labels: questions no news article answers, "what is the capital of peru", against every question
  of the news sets). Apart, because the two read closeness opposite ways: an adversarial unanswerable
  question comes *closer* to its tempting sentence than a plain answerable one does, an off-topic one far
  less; fitted as one model they answered three off-topic questions in four;
- `yes`: a yes/no question's answer is yes, from its claim checks (labels: gold yes/no answers).
Logistic outputs are calibrated on the data they were fitted on; the fit script reports their calibration
on the sets it did not see.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import numpy as np

from bot.core.answer.evidence import Ranking
from bot.core.answer.verdict import ClaimEvidence
from bot.core.logistic import Logistic, logit
from bot.core.read import Scores
from bot.core.read.features import ANSWER_FEATURES, SIGNS, VERDICT_FEATURES, answer_features, verdict_features
from bot.core.request import Request
from bot.core.understand import anchors

WEIGHTS = Path(str(resources.files("bot.core.read"))) / "weights.json"
ANSWERABLE_INPUTS = tuple(name for name in ANSWER_FEATURES if name in SIGNS)
"""The best sentence's features the answerable model also reads: those whose direction is known before any
fit (`SIGNS`), the question-level ones among them. The others (rank, novelty, neighbours, the gap to the
wordiest sentence) help pick the sentence, but as evidence of answerability they learned how each gold set
was written: a plain "how much will the recall cost?" was refused for its neighbour's words."""
ANSWERABLE_FEATURES = ("best_logit", "second_logit", *(f"best_{name}" for name in ANSWERABLE_INPUTS))
_INPUT_COLUMNS = [ANSWER_FEATURES.index(name) for name in ANSWERABLE_INPUTS]


def answerable_row(answers: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The answerable model's inputs: the two best sentences' logits and the best sentence's features (which
    include the question-level ones: what the question's words find in all the retrieved text)."""
    order = np.argsort(-answers)
    second = logit(float(answers[order[1]])) if len(order) > 1 else -14.0
    return np.asarray([logit(float(answers[order[0]])), second, *rows[order[0]][_INPUT_COLUMNS]])


ON_TOPIC_FEATURES = ("closest_semantic", "closest_dense")
_SEMANTIC, _DENSE = ANSWER_FEATURES.index("semantic"), ANSWER_FEATURES.index("dense")


def on_topic_row(rows: np.ndarray) -> np.ndarray:
    """The on-topic model's inputs, how close anything retrieved comes to the question: the closest
    shortlisted sentence's and the closest retrieved chunk's similarity."""
    return np.array([float(rows[:, _SEMANTIC].max()), float(rows[:, _DENSE].max())])


def topic_probability(on_topic: Logistic | None, rows: np.ndarray) -> float | None:
    """P(on topic) for the shortlist's `rows`; None without an on-topic model."""
    return float(on_topic.probability(on_topic_row(rows))) if on_topic is not None else None


def answerable(model: Logistic, row: np.ndarray, topic: float | None) -> float:
    """P(answerable | on topic) × P(on topic) for the answerable model's `row` and `topic`, P(on topic); the
    first alone without one (see `LearnedReader.read` for when there is none)."""
    p = float(model.probability(row))
    return p if topic is None else p * topic


def on_topic_applies(request: Request, ranking: Ranking) -> bool:
    """Whether closeness can say the question is off topic: not when the retrieved text holds everything it
    names as phrases (a name the embedder has never seen, "Xiang Ligang", "Quorvantic", reads far from
    every sentence that holds it), nor when the hits came without their vector similarity
    (`Pipeline.answer_from_hits`)."""
    if anchors.all_held(request.understanding.anchors, ranking.texts):
        return False
    return any(c.hit.dense_similarity is not None for c in ranking.ranked)


class LearnedReader:
    """The offline default; pure arithmetic on features the ranking already computed."""

    name = "scorer"
    answerable_min = 0.5
    """Even odds: the scorer's calibrated P(answerable); the sweep (README) found no better cut on the sets."""
    originates = False

    def __init__(
        self, answers: Logistic, answerable: Logistic, yes: Logistic, on_topic: Logistic | None = None
    ) -> None:
        self._answers = answers
        self._answerable = answerable
        self._yes = yes
        self._on_topic = on_topic

    @classmethod
    def load(cls, path: Path = WEIGHTS, embedder: str | None = None) -> LearnedReader:
        """The models `path` holds; the on-topic one only for the `embedder` (by name) it was fitted with,
        since it reads similarities, whose scale each embedder sets."""
        data = json.loads(path.read_text(encoding="utf-8"))
        fitted_for = "on_topic" in data and data.get("embedder") == embedder
        return cls(
            Logistic.from_dict(data["answers"], ANSWER_FEATURES),
            Logistic.from_dict(data["answerable"], ANSWERABLE_FEATURES),
            Logistic.from_dict(data["yes"], VERDICT_FEATURES),
            Logistic.from_dict(data["on_topic"], ON_TOPIC_FEATURES) if fitted_for else None,
        )

    def read(self, request: Request, ranking: Ranking) -> Scores:
        rows = answer_features(request.understanding, ranking, ranking.ranked)
        if not len(rows):
            return Scores(np.zeros(0), 0.0)
        answers = self._answers.probability(rows)
        topic = topic_probability(self._on_topic, rows) if on_topic_applies(request, ranking) else None
        if topic is not None:
            request.notes["on_topic"] = round(topic, 3)
        return Scores(answers, answerable(self._answerable, answerable_row(answers, rows), topic))

    def yes(self, request: Request, found: Sequence[ClaimEvidence], rules: str | None) -> float:
        return float(self._yes.probability(verdict_features(request.understanding, found, rules)))
