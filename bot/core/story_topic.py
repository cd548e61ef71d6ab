"""Which retrieved articles a timeline or a digest on a topic is about: P(on topic), fitted.

Timelines and digests quote without reading (no reader, no sentence embeddings: a cold `newsbot timeline`
stays a retrieval), so their estimate reads what retrieval gives: the share of the topic's words an
article's title and retrieved text hold, and how close its closest retrieved chunk came to the topic by
meaning (the retrieval's own similarity; 0 for an article only the keyword side found; the fit's mean, so it
says nothing, when no hit carries one or another embedder than the fit's gave it: each sets its own scale).
A share of words alone (the rule it replaced: half the topic's words) kept every Google story in "Google's
Gemini". A logistic regression fitted by `python -m measure.fit_story_topic` on the dev
overview set's `relevant` articles, reported on the sets it never saw; an article is on the topic at
P ≥ `ON_TOPIC_MIN`.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

from bot.core.logistic import Logistic
from bot.core.models import Hit
from bot.core.stories import coverage
from index.models import Chunk

WEIGHTS = Path(str(resources.files("bot.core"))) / "story_topic_weights.json"
FEATURES = ("coverage", "closest")
ON_TOPIC_MIN = 0.5
"""Even odds of a model fitted with its classes as they come (on-topic articles are the fewer)."""


def by_article(hits: list[Hit]) -> tuple[dict[str, list[Chunk]], dict[str, float] | None]:
    """The hits' chunks grouped by article (in retrieval order) and each article's closest chunk's similarity
    (None when no hit carries one)."""
    chunks: dict[str, list[Chunk]] = {}
    closest: dict[str, float] = {}
    for hit in hits:
        article = hit.chunk.article_id
        chunks.setdefault(article, []).append(hit.chunk)
        closest[article] = max(closest.get(article, 0.0), hit.dense_similarity or 0.0)
    given = any(hit.dense_similarity is not None for hit in hits)
    return chunks, closest if given else None


def article_features(
    terms: frozenset[str], chunks: dict[str, list[Chunk]], closest: dict[str, float] | None
) -> dict[str, np.ndarray]:
    """Each article's row: the share of `terms` its title and retrieved text hold, its closest chunk's
    similarity (NaN when unknown, which the model reads at the fit's mean)."""
    rows = {}
    for article, article_chunks in chunks.items():
        text = article_chunks[0].title + "\n" + "\n".join(c.text for c in article_chunks)
        near = closest.get(article, 0.0) if closest is not None else np.nan
        rows[article] = np.array([coverage(terms, text), near])
    return rows


def on_topic(
    terms: frozenset[str], chunks: dict[str, list[Chunk]], closest: dict[str, float] | None, embedder: str
) -> set[str]:
    """The articles of `chunks` on the topic whose stemmed words are `terms` (all of them when it has none: a
    digest of everything); `embedder` names the one whose similarities `closest` holds."""
    if not terms or not chunks:
        return set(chunks)
    model, fitted_for = load_model()
    rows = article_features(terms, chunks, closest if embedder == fitted_for else None)
    articles = list(rows)
    x = np.vstack([rows[a] for a in articles])
    p = model.probability(x)
    return {a for a, value in zip(articles, p, strict=True) if value >= ON_TOPIC_MIN}


@cache
def load_model(path: Path = WEIGHTS) -> tuple[Logistic, str | None]:
    """The shipped model (read once per process) and the embedder whose similarities it was fitted on."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return Logistic.from_dict(data["model"], FEATURES), data.get("embedder")
