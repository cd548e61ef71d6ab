"""Fit which articles an overview quotes and report how it transfers: `python -m measure.fit_topic`.

For every question of every overview gold set given, the real chain runs up to the overview's reading
(understand, retrieve, rank, read: `bot.core.answer.overview.reading`); each article read gives one row of
`bot.core.answer.topic` features, labelled on topic when the gold set lists it among the question's
`relevant` articles. A logistic regression (both weights kept positive: an article read better is never less
on topic) is fitted on the `--fit` sets and written to `bot/core/answer/topic_weights.json`; every set is
then scored at `--cut`, so the table shows the fit sets beside the ones the weights never saw.

    python -m measure.fit_topic measure/gold/overview/{dev,blind,dev-styled,blind-styled,seeds} \\
        --fit overview-dev --data-dir /tmp/evaldata
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from bot.core.answer import overview
from bot.core.answer.topic import FEATURES, WEIGHTS, article_features
from bot.core.logistic import Logistic
from bot.core.pipeline import Pipeline
from bot.core.read.factory import make_reader
from bot.settings import Settings
from index.embed import make_embedder
from measure.eval.dataset import Dataset, load_dataset, odd
from measure.eval.overview import load_overview
from measure.eval.run import prepare_index
from measure.fit_reader import auc, calibration_error, fit_arguments, fit_logistic


@dataclass(frozen=True)
class Rows:
    """One set's articles as read for its questions: features, labels, and the question of each row."""

    name: str
    x: np.ndarray
    y: np.ndarray
    ids: list[str]

    def subset(self, keep: list[bool], name: str) -> Rows:
        mask = np.asarray(keep, dtype=bool)
        return Rows(name, self.x[mask], self.y[mask], [q for q, k in zip(self.ids, keep, strict=True) if k])


def collect(dataset: Dataset, settings: Settings) -> Rows:
    """Every article each overview question's reading holds, with its features and gold label."""
    index = prepare_index(dataset, settings)
    pipeline = Pipeline(index.settings)
    reader = make_reader(index.settings.answer)
    x, y, ids = [], [], []
    for query in load_overview(dataset.root):
        request = pipeline.retrieved(query.question)
        _, ranked = overview.reading(request, pipeline.embedder, reader)
        for article, row in article_features(ranked).items():
            x.append(row)
            y.append(float(index.article_ids.get(article) in query.relevant))
            ids.append(query.id)
    return Rows(dataset.name, np.array(x).reshape(-1, len(FEATURES)), np.array(y), ids)


def score(rows: Rows, model: Logistic, cut: float) -> dict[str, object]:
    """How the fitted model reads one set's articles at `cut`: AUC, precision, recall, calibration."""
    p = model.probability(rows.x) if len(rows.y) else np.zeros(0)
    said, truth = p >= cut, rows.y == 1
    both = int((said & truth).sum())
    return {
        "set": rows.name,
        "questions": len(set(rows.ids)),
        "articles": len(rows.y),
        "on_topic": int(truth.sum()),
        "auc": None if (value := auc(p, rows.y)) is None else round(value, 3),
        "precision": round(both / int(said.sum()), 3) if said.any() else None,
        "recall": round(both / int(truth.sum()), 3) if truth.any() else None,
        "calibration_error": round(calibration_error(p, rows.y), 3) if len(p) else None,
    }


def fit_main(
    prog: str,
    doc: str | None,
    out: Path,
    features: tuple[str, ...],
    collect_rows: Callable[[Dataset, Settings], Rows],
    argv: list[str] | None,
) -> int:
    """Read the sets with `collect_rows`, fit a logistic model on the `--fit` ones (every weight positive),
    report it on all of them, write it to `out`; the article estimates of overviews and of timelines share
    this."""
    parser = fit_arguments(prog, doc, out)
    parser.add_argument("--cut", type=float, default=0.5, help="P(on topic) the report reads at (default 0.5)")
    args = parser.parse_args(argv)
    settings = Settings.from_env(env_file=None, data_dir=args.data_dir, llm_setting="extractive")
    fit_on, scored = [], []
    for path in args.datasets:
        dataset = load_dataset(path)
        print(f"reading {dataset.name} ({len(dataset.queries)} questions)", file=sys.stderr, flush=True)
        rows = collect_rows(dataset, settings)
        if dataset.name in args.odd_only:
            keep = [odd(q) for q in rows.ids]
            halves = [rows.subset(keep, f"{dataset.name} (odd ids)")]
            halves.append(rows.subset([not k for k in keep], f"{dataset.name} (even ids)"))
            scored += halves
            fit_on += halves[:1] if dataset.name in args.fit else []
        else:
            scored.append(rows)
            fit_on += [rows] if dataset.name in args.fit else []
    if not fit_on:
        parser.error("name at least one dataset with --fit")
    fitted: Logistic = fit_logistic(
        np.vstack([r.x for r in fit_on]),
        np.concatenate([r.y for r in fit_on]),
        features,
        signs=dict.fromkeys(features, 1),
    )
    fitted_names = {r.name for r in fit_on}
    report = [{**score(r, fitted, args.cut), "fitted_on": r.name in fitted_names} for r in scored]
    print(json.dumps({"fitted_on": sorted(fitted_names), "cut": args.cut, "sets": report}, indent=2))
    if not args.dry_run:
        weights = {
            "fitted_on": sorted(fitted_names),
            "fitted_at": datetime.now(UTC).strftime("%Y-%m-%d"),
            "reader": settings.answer.reader,
            "embedder": make_embedder(settings.index, settings.openai, short_lived=True).name,
            "report": report,
            "model": fitted.to_dict(),
        }
        args.out.write_text(json.dumps(weights, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    return fit_main("python -m measure.fit_topic", __doc__, WEIGHTS, FEATURES, collect, argv)


if __name__ == "__main__":
    sys.exit(main())
