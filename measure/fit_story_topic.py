"""Fit which retrieved articles a timeline or digest is about and report how it transfers:
`python -m measure.fit_story_topic`.

For every question of every overview gold set given, its topic (`measure.eval.overview.topic_of`: "How did
the FTX trial unfold?" → "FTX trial") is retrieved as `newsbot timeline` retrieves it; each article found gives
one row of `bot.core.story_topic` features, labelled on topic when the gold set lists it among the question's
`relevant` articles. Fitted on the `--fit` sets (both weights positive), reported on all, written to
`bot/core/story_topic_weights.json`:

    python -m measure.fit_story_topic measure/gold/overview/{dev,blind,dev-styled,blind-styled,seeds} \\
        --fit overview-dev --data-dir /tmp/evaldata
"""

from __future__ import annotations

import sys

import numpy as np

from bot.cli.timeline import open_retriever
from bot.core.retrieve import Filters
from bot.core.stories import topic_terms
from bot.core.story_topic import FEATURES, WEIGHTS, article_features, by_article
from bot.core.timeline import TOP_K
from bot.settings import Settings
from measure.eval.dataset import Dataset
from measure.eval.overview import load_overview, topic_of
from measure.eval.run import prepare_index
from measure.fit_topic import Rows, fit_main


def collect(dataset: Dataset, settings: Settings) -> Rows:
    """Every article each question's topic retrieves, with its features and gold label."""
    index = prepare_index(dataset, settings)
    retriever = open_retriever(index.settings, short_lived=False)
    x, y, ids = [], [], []
    for query in load_overview(dataset.root):
        topic = topic_of(query.question)
        chunks, closest = by_article(retriever.retrieve(topic, TOP_K, Filters()))
        for article, row in article_features(topic_terms(topic), chunks, closest).items():
            x.append(row)
            y.append(float(index.article_ids.get(article) in query.relevant))
            ids.append(query.id)
    return Rows(dataset.name, np.array(x).reshape(-1, len(FEATURES)), np.array(y), ids)


def main(argv: list[str] | None = None) -> int:
    return fit_main("python -m measure.fit_story_topic", __doc__, WEIGHTS, FEATURES, collect, argv)


if __name__ == "__main__":
    sys.exit(main())
