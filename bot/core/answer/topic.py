"""Which retrieved articles an overview may quote: P(an article is on the story asked about), fitted.

An overview quotes several articles, so it must tell the articles on the story from those that share a word
with it ("the Everton points deduction" against an obituary of Everton's chairman, or an NFL preview's
"points"). The reader already reads every shortlisted sentence for the question; an article's on-topic
estimate is a logistic regression over three things retrieval and that reading give: its best sentence's
score (absolute), that score over the best article's (relative: a story read weakly throughout still has its
articles), and how close its closest retrieved chunk came to the question by meaning (a passage, not one
sentence, is what a story is about; 0 for an article only the keyword side found; with no similarity
given at all, `Pipeline.answer_from_hits`, or one from another embedder than the fit's, which sets its own
scale, the fit's mean, so it says nothing). The third was chosen by leave-one-question-out on the fit set
(AUC 0.919 → 0.963) before the other sets were read; the cut
(`NEWSBOT_OVERVIEW_TOPIC_MIN`, 0.6) on the dev sets (README "Overviews" has the sweep).
Fitted by `python -m measure.fit_topic` on the dev overview set's `relevant` articles and reported on the
sets it never saw. Names the question holds were tried as a feature and as a rule before it: they lifted the fit
set and lowered the blind ones (a lowercase request names nothing; a story's later articles name less), so
they decide only refusals (`overview`'s anchors), not which articles are on the story.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

from bot.core.answer.evidence import Candidate
from bot.core.logistic import Logistic

WEIGHTS = Path(str(resources.files("bot.core.answer"))) / "topic_weights.json"
FEATURES = ("best", "ratio", "dense")


def article_features(ranked: Sequence[Candidate]) -> dict[str, np.ndarray]:
    """Each read article's features: its best sentence's score, that over the best article's, and its
    closest chunk's similarity to the question (NaN when no hit carries one: the model reads it at the fit's mean)."""
    best: dict[str, float] = {}
    dense: dict[str, float] = {}
    for candidate in ranked:
        best[candidate.article_id] = max(best.get(candidate.article_id, 0.0), candidate.score)
        similarity = candidate.hit.dense_similarity or 0.0
        dense[candidate.article_id] = max(dense.get(candidate.article_id, 0.0), similarity)
    top = max(best.values(), default=0.0)
    given = any(c.hit.dense_similarity is not None for c in ranked)
    return {
        a: np.array([value, value / top if top > 0 else 0.0, dense[a] if given else np.nan])
        for a, value in best.items()
    }


class TopicModel:
    """P(on topic) for each article an overview's reading holds; stateless, shared by every request."""

    def __init__(self, model: Logistic, embedder: str | None = None) -> None:
        self.model = model
        self.embedder = embedder
        """The embedder whose similarities the closeness weight was fitted on; another's are read as unknown."""

    @classmethod
    def load(cls, path: Path = WEIGHTS) -> TopicModel:
        return _load(path)

    def probabilities(self, ranked: Sequence[Candidate], embedder: str | None = None) -> dict[str, float]:
        """P(on topic) per article; `embedder` names the one that gave the hits' similarities."""
        features = article_features(ranked)
        if not features:
            return {}
        articles = list(features)
        x = np.vstack([features[a] for a in articles])
        if embedder != self.embedder:
            x[:, FEATURES.index("dense")] = np.nan
        p = self.model.probability(x)
        return {a: float(v) for a, v in zip(articles, p, strict=True)}

    def on_topic(self, ranked: Sequence[Candidate], cut: float, embedder: str | None = None) -> set[str]:
        """The articles whose P(on topic) reaches `cut` (`NEWSBOT_OVERVIEW_TOPIC_MIN`)."""
        return {a for a, p in self.probabilities(ranked, embedder).items() if p >= cut}


@cache
def _load(path: Path) -> TopicModel:
    data = json.loads(path.read_text(encoding="utf-8"))
    return TopicModel(Logistic.from_dict(data["model"], FEATURES), data.get("embedder"))
