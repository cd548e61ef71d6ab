"""Fit the learned reader on gold sets and report how it transfers: `python -m measure.fit_reader`.

For every question of every gold set given, the real chain runs up to reading (understand, retrieve,
expand, rank the evidence, check a yes/no question's claims) and the features the reader sees are
recorded with their labels:
- a sentence answers the question when it overlaps a gold evidence quote of a gold article (fitted on the
  answerable questions only: whether there is an answer at all is the next model's job);
- a question is answerable when the gold set says so;
- a yes/no question's label is its gold answer;
- a question is on topic unless its set is named by `--off-topic` (questions no news article answers).
Four L2-regularised logistic models are fitted on the `--fit` sets (L-BFGS-B, standardised inputs; the
answers model by default as a ranking within each question, `fit_ranking`; the off-topic sets teach the
on-topic model only) and written to `bot/core/read/weights.json` with what they were fitted on and the
embedder whose similarities they read; every set is then scored with them, so the table shows the fit sets
beside the ones the weights never saw (the transfer figure).

`--odd-only NAME` keeps only the odd-numbered questions of that set for fitting (the even half of a blind
set stays unseen).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import pickle
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from bot.core import plan
from bot.core.answer import evidence, verdict
from bot.core.answer.gate import SEMANTIC_WEIGHT, unanchored
from bot.core.logistic import Logistic
from bot.core.pipeline import Pipeline
from bot.core.read.features import ANSWER_FEATURES, SIGNS, VERDICT_FEATURES, answer_features, verdict_features
from bot.core.read.scorer import (
    ANSWERABLE_FEATURES,
    ON_TOPIC_FEATURES,
    WEIGHTS,
    answerable,
    answerable_row,
    on_topic_applies,
    on_topic_row,
    topic_probability,
)
from bot.core.request import Request
from bot.settings import Settings
from index.embed import make_embedder
from measure.eval.dataset import Dataset, load_dataset, odd
from measure.eval.metrics import is_yes_no, quotes_overlap, yes_no_stance
from measure.eval.run import RETRIEVAL_DEPTH, prepare_index

L2 = 1.0
"""Ridge strength on standardised features: a few hundred questions per set, so the models stay small."""
RANKING_L2 = 10.0
"""Ridge strength of the ranking fit, whose loss sums over questions (each set weighing the same); chosen
on the fit sets (dev top-1 0.876 with 10, 0.861 with 1; the odd halves the same either way)."""
OBJECTIVES = ("ranking", "pointwise")


@dataclass
class Examples:
    """The features and labels one gold set gives, per model."""

    name: str
    ids: list[str] = field(default_factory=list)  # the question of each answers/answerable entry
    yes_ids: list[str] = field(default_factory=list)
    answers_x: list[np.ndarray] = field(default_factory=list)  # one matrix per question
    answers_y: list[np.ndarray] = field(default_factory=list)
    answerable_y: list[int] = field(default_factory=list)
    anchored: list[bool] = field(default_factory=list)  # False: the anchor rule refuses it, no model decides
    on_topic_applies: list[bool] = field(default_factory=list)  # `bot.core.read.scorer.on_topic_applies`
    yes_x: list[np.ndarray] = field(default_factory=list)
    yes_y: list[int] = field(default_factory=list)


def up_to_reading(pipeline: Pipeline, question: str, settings: Settings) -> tuple[Request, evidence.Ranking]:
    """The chain up to the reader, as the answerers run it: understood, retrieved, expanded, ranked."""
    hits = pipeline.retrieve(question, top_k=RETRIEVAL_DEPTH)[: settings.answer.top_k]
    request = pipeline.request(question)
    request.hits = plan.expand(request.understanding, hits, request.filters, request.top_k, pipeline._retrieve)
    return request, evidence.rank_request(request, pipeline.embedder, SEMANTIC_WEIGHT)


def collect(dataset: Dataset, settings: Settings) -> Examples:
    """Run every question of `dataset` up to reading; see the module doc."""
    index = prepare_index(dataset, settings)
    pipeline = Pipeline(index.settings)
    out = Examples(dataset.name)
    for query in dataset.queries:
        request, ranking = up_to_reading(pipeline, query.question, settings)
        scored = ranking.ranked
        rows = answer_features(request.understanding, ranking, scored)
        gold = [(e.article_id, e.quote) for e in query.evidence]
        labels = np.asarray(
            [
                any(
                    index.article_ids.get(c.article_id) == article and quotes_overlap(c.text, quote)
                    for article, quote in gold
                )
                for c in scored
            ],
            dtype=np.float64,
        )
        if len(rows):
            out.ids.append(query.id)
            out.answers_x.append(rows)
            out.answers_y.append(labels if query.answerable else np.zeros(len(rows)))
            out.answerable_y.append(int(query.answerable))
            out.anchored.append(not unanchored(ranking, request.understanding, settings.answer))
            out.on_topic_applies.append(on_topic_applies(request, ranking))
        understanding = request.understanding
        if understanding.yes_no is not None and query.answerable and is_yes_no(query.answers) and ranking.candidates:
            found = verdict.gather(understanding, ranking.candidates, pipeline.embedder)
            rules = verdict.decide(understanding.yes_no, found)
            out.yes_ids.append(query.id)
            out.yes_x.append(verdict_features(understanding, found, rules))
            out.yes_y.append(int(yes_no_stance(query.answers[0]) == "yes"))
    return out


def standardising(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each column's mean and spread; a column constant to within the 6 decimals `Logistic.to_dict` writes
    gets spread 1, so a rounded weight file never divides by zero."""
    scale = x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    return x.mean(axis=0), scale


def fit_logistic(
    x: np.ndarray,
    y: np.ndarray,
    features: tuple[str, ...],
    l2: float = L2,
    signs: dict[str, int] | None = None,
    sample_weight: np.ndarray | None = None,
) -> Logistic:
    """L2-regularised logistic regression (the bias is not penalised), each weight kept to the sign `signs`
    gives its feature (`sign_of`), by L-BFGS-B with bounds; each
    example's loss counts `sample_weight` times (1 when not given)."""
    from scipy.optimize import minimize

    mean, scale = standardising(x)
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    penalty = np.full(z.shape[1], l2)
    penalty[-1] = 0.0

    counts = np.ones(len(x)) if sample_weight is None else sample_weight

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        margin = z @ w
        p = 1.0 / (1.0 + np.exp(-margin))
        value = np.sum(counts * (np.logaddexp(0.0, margin) - y * margin)) + 0.5 * np.sum(penalty * w * w)
        return float(value), z.T @ (counts * (p - y)) + penalty * w

    bounds = [_bound(sign_of(name, signs or {})) for name in features] + [(None, None)]
    result = minimize(loss, np.zeros(z.shape[1]), jac=True, method="L-BFGS-B", bounds=bounds)
    w = result.x
    return Logistic(features, w[:-1], float(w[-1]), mean, scale)


def sign_of(name: str, signs: dict[str, int]) -> int:
    """The sign `signs` gives `name`, or else the feature it is the best sentence's value of (`best_lexical`
    is `lexical`); 0: free."""
    return signs.get(name, signs.get(name.removeprefix("best_"), 0))


def _bound(sign: int) -> tuple[float | None, float | None]:
    return (0.0, None) if sign > 0 else (None, 0.0) if sign < 0 else (None, None)


def auc(scores: np.ndarray, labels: np.ndarray) -> float | None:
    """Area under the ROC curve (ties count half); None without both classes."""
    positives, negatives = scores[labels == 1], scores[labels == 0]
    if not len(positives) or not len(negatives):
        return None
    greater = (positives[:, None] > negatives[None, :]).sum() + 0.5 * (positives[:, None] == negatives[None, :]).sum()
    return float(greater / (len(positives) * len(negatives)))


def calibration_error(probabilities: np.ndarray, labels: np.ndarray, bins: int = 5) -> float:
    """Expected calibration error over equal-width bins."""
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for low, high in itertools.pairwise(edges):
        inside = (probabilities >= low) & (probabilities < high if high < 1 else probabilities <= high)
        if inside.any():
            total += inside.sum() * abs(probabilities[inside].mean() - labels[inside].mean())
    return float(total / max(len(labels), 1))


@dataclass(frozen=True)
class Models:
    answers: Logistic
    answerable: Logistic
    yes: Logistic
    on_topic: Logistic | None = None


def fit_ranking(sets: list[Examples], l2: float = RANKING_L2) -> Logistic:
    """The answers model fitted for what it is used for, picking the sentence within one question: a
    conditional logit (softmax over each question's shortlist; a gold sentence among them is the target),
    every set weighing the same in total and its questions alike, so a set with long shortlists or many
    questions does not decide alone. The sum of its weights is then scaled and shifted by a one-feature
    logistic fit on every sentence, which makes it a probability again (the answerable model reads it).
    Weights keep the signs `SIGNS` gives them, as in `fit_logistic`."""
    from scipy.optimize import minimize

    groups, weights = [], []
    for examples in sets:
        kept = [
            (x, y)
            for x, y, a in zip(examples.answers_x, examples.answers_y, examples.answerable_y, strict=True)
            if a and y.any() and len(y) > 1
        ]
        if not kept:  # a set of unanswerable questions only: it teaches the answerable model alone
            continue
        groups += kept
        weights += [1.0 / len(kept)] * len(kept)
    if not groups:
        raise ValueError("no question with a gold sentence among several to rank")
    weight = np.asarray(weights) / np.mean(weights)
    stacked = np.vstack([x for x, _ in groups])
    mean, scale = standardising(stacked)
    standard = [((x - mean) / scale, y == 1) for x, y in groups]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        value, gradient = 0.5 * l2 * float(w @ w), l2 * w
        for (z, gold), q in zip(standard, weight, strict=True):
            margin = z @ w
            e = np.exp(margin - margin.max())
            value += q * float(np.log(e.sum()) - np.log(e[gold].sum()))
            gradient += q * ((e / e.sum()) @ z - (e[gold] / e[gold].sum()) @ z[gold])
        return value, gradient

    bounds = [_bound(SIGNS.get(name, 0)) for name in ANSWER_FEATURES]
    w = minimize(loss, np.zeros(len(ANSWER_FEATURES)), jac=True, method="L-BFGS-B", bounds=bounds).x
    rows = _answerable_pairs(sets)
    summed = np.concatenate([((x - mean) / scale) @ w for x, _ in rows])
    calibration = fit_logistic(summed[:, None], np.concatenate([y for _, y in rows]), ("ranking",))
    slope = float(calibration.weights[0] / calibration.scale[0])
    bias = calibration.bias - slope * float(calibration.mean[0])
    return Logistic(ANSWER_FEATURES, w * slope, bias, mean, scale)


def fit_pointwise(sets: list[Examples]) -> Logistic:
    """The answers model as one logistic model over every sentence of every answerable question."""
    rows = _answerable_pairs(sets)
    x, y = np.vstack([x for x, _ in rows]), np.concatenate([y for _, y in rows])
    return fit_logistic(x, y, ANSWER_FEATURES, signs=SIGNS)


def _answerable_pairs(sets: list[Examples]) -> list[tuple[np.ndarray, np.ndarray]]:
    """(features, labels) of each answerable question's sentences: which sentence answers is learned where
    there is an answer; whether there is one, by the answerable model."""
    return [(x, y) for s in sets for x, y, a in zip(s.answers_x, s.answers_y, s.answerable_y, strict=True) if a]


ANSWERABLE_SIGNS = {**SIGNS, "best_logit": 1, "second_logit": 1}
"""A question whose best sentences read better is never less answerable."""
ON_TOPIC_SIGNS = dict.fromkeys(ON_TOPIC_FEATURES, 1)
"""Nothing retrieved coming closer makes a question less on topic."""


def fit(sets: list[Examples], objective: str = "ranking", off_topic: frozenset[str] = frozenset()) -> Models:
    """The reader's models; the sets named in `off_topic` (questions no news article answers) teach the
    on-topic model alone, as its negatives against every question of the other sets."""
    news = [s for s in sets if s.name not in off_topic]
    answers = fit_ranking(news) if objective == "ranking" else fit_pointwise(news)
    # Every question, those the anchor rule refuses too: without them the few unanswerable questions left
    # in the multi-hop sets teach the model that nearly everything is unanswerable (dev ECE 0.04 -> 0.32).
    answerable = fit_logistic(
        np.asarray([r for s in news for r in _answerable_rows(s, answers)]),
        np.asarray([y for s in news for y in s.answerable_y], float),
        ANSWERABLE_FEATURES,
        signs=ANSWERABLE_SIGNS,
    )
    yes = fit_logistic(
        np.asarray([x for s in news for x in s.yes_x]), np.asarray([y for s in news for y in s.yes_y], float),
        VERDICT_FEATURES,
    )  # fmt: skip
    on_topic = None
    if len(news) < len(sets):
        on_topic = fit_logistic(
            np.asarray(
                [on_topic_row(x) for s in sets for x, a in zip(s.answers_x, s.on_topic_applies, strict=True) if a]
            ),
            np.asarray([float(s.name not in off_topic) for s in sets for a in s.on_topic_applies if a]),
            ON_TOPIC_FEATURES,
            signs=ON_TOPIC_SIGNS,
        )
    return Models(answers, answerable, yes, on_topic)


def _answerable_rows(examples: Examples, answers: Logistic) -> list[np.ndarray]:
    return [answerable_row(answers.probability(x), x) for x in examples.answers_x]


def score(examples: Examples, models: Models) -> dict[str, object]:
    """How the models do on one set: discrimination (AUC), calibration (ECE) and the decisions they give."""
    pairs = [(x, y) for x, y, a in zip(examples.answers_x, examples.answers_y, examples.answerable_y, strict=True) if a]
    answers_p = np.concatenate([models.answers.probability(x) for x, _ in pairs] or [np.zeros(0)])
    answers_y = np.concatenate([y for _, y in pairs] or [np.zeros(0)])
    rows = _answerable_rows(examples, models.answers)
    answerable_p = np.array(
        [
            answerable(models.answerable, r, topic_probability(models.on_topic, x) if a else None)
            for r, x, a in zip(rows, examples.answers_x, examples.on_topic_applies, strict=True)
        ]
    )
    answerable_p = np.where(np.asarray(examples.anchored, dtype=bool), answerable_p, 0.0)  # refused by the rule
    refused_by_rule = [not a for a, y in zip(examples.anchored, examples.answerable_y, strict=True) if not y]
    answerable_y = np.asarray(examples.answerable_y, float)
    yes_p = models.yes.probability(np.asarray(examples.yes_x)) if examples.yes_x else np.zeros(0)
    yes_y = np.asarray(examples.yes_y, float)
    return {
        "set": examples.name,
        "questions": len(examples.answerable_y),
        "answers_auc": auc(answers_p, answers_y),
        "answers_top1": _top1(pairs, models.answers),
        "answerable_auc": auc(answerable_p, answerable_y),
        "answerable_ece": calibration_error(answerable_p, answerable_y) if len(answerable_y) else None,
        "unanswerable_refused_by_anchors": float(np.mean(refused_by_rule)) if refused_by_rule else None,
        "yes_no": len(yes_y),
        "always_yes": float(yes_y.mean()) if len(yes_y) else None,
        "yes_auc": auc(yes_p, yes_y),
        "yes_ece": calibration_error(yes_p, yes_y) if len(yes_y) else None,
        **{f"verdicts@{t}": _verdicts(yes_p, yes_y, t, np.asarray(examples.yes_x)) for t in (0.8, 0.9)},
    }


def _top1(pairs: list[tuple[np.ndarray, np.ndarray]], answers: Logistic) -> float | None:
    """Of the answerable questions with a gold sentence in the shortlist, the share whose best-scored
    sentence is one: what the extractive answer quotes first."""
    ranked = [y[int(np.argmax(answers.probability(x)))] for x, y in pairs if y.any()]
    return float(np.mean(ranked)) if ranked else None


def _verdicts(p: np.ndarray, y: np.ndarray, threshold: float, rows: np.ndarray) -> dict[str, float | None]:
    """Coverage and precision of verdicts as `gate.decide_verdict` gives them: the claim checks' verdict
    (the `rules_yes`/`rules_no` columns) when the estimate for it reaches `threshold`."""
    if not len(p):
        return {"coverage": None, "precision": None}
    says_yes = rows[:, VERDICT_FEATURES.index("rules_yes")] == 1
    says_no = rows[:, VERDICT_FEATURES.index("rules_no")] == 1
    yes, no = says_yes & (p >= threshold), says_no & (1 - p >= threshold)
    given = yes | no
    right = (yes & (y == 1)) | (no & (y == 0))
    return {"coverage": float(given.mean()), "precision": float(right.sum() / given.sum()) if given.any() else None}


def cached(folder: Path, dataset: Dataset, settings: Settings) -> Examples:
    """`collect`, kept in `folder` under a key of the dataset and of the code that computes features."""
    import bot.core.answer as answer_package
    import bot.core.read as read_package
    import bot.core.understand as understand_package

    digest = hashlib.sha256(dataset.corpus_hash().encode())
    for package in (answer_package, read_package, understand_package):
        for path in sorted(Path(package.__path__[0]).glob("*.py")):
            digest.update(path.read_bytes())
    for query in dataset.queries:
        digest.update(query.question.encode())
    path = folder / f"{dataset.name}-{digest.hexdigest()[:16]}.pickle"
    if path.exists():
        return pickle.loads(path.read_bytes())
    examples = collect(dataset, settings)
    folder.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(examples))
    return examples


def subset(examples: Examples, keep: Callable[[str], bool], name: str) -> Examples:
    """The examples of the questions `keep` accepts."""
    chosen = [i for i, q in enumerate(examples.ids) if keep(q)]
    yes = [i for i, q in enumerate(examples.yes_ids) if keep(q)]
    return Examples(
        name,
        [examples.ids[i] for i in chosen],
        [examples.yes_ids[i] for i in yes],
        [examples.answers_x[i] for i in chosen],
        [examples.answers_y[i] for i in chosen],
        [examples.answerable_y[i] for i in chosen],
        [examples.anchored[i] for i in chosen],
        [examples.on_topic_applies[i] for i in chosen],
        [examples.yes_x[i] for i in yes],
        [examples.yes_y[i] for i in yes],
    )


def fitted_name(name: str, odd_only: Sequence[str]) -> str:
    """A set as the fit knows it: its odd half, so named, when `--odd-only` names it."""
    return f"{name} (odd ids)" if name in odd_only else name


def fit_arguments(prog: str, doc: str | None, out: Path) -> argparse.ArgumentParser:
    """The options both fit scripts take: the gold sets, which to fit on (whole or odd ids), where their
    indexes live, and the file the fit writes."""
    parser = argparse.ArgumentParser(prog=prog, description=(doc or "").split("\n")[0])
    parser.add_argument("datasets", nargs="+", type=Path, help="gold set folders, fitted on or scored")
    parser.add_argument("--fit", action="append", default=[], help="name of a set to fit on (repeatable)")
    parser.add_argument("--odd-only", action="append", default=[], help="fit on this set's odd ids only")
    parser.add_argument("--data-dir", type=Path, required=True, help="where the eval indexes live")
    parser.add_argument("--out", type=Path, default=out, help=f"file to write (default: the shipped {out.name})")
    parser.add_argument("--dry-run", action="store_true", help="report only; write nothing")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = fit_arguments("python -m measure.fit_reader", __doc__, WEIGHTS)
    parser.add_argument("--cache", type=Path, help="keep each set's features here (reused while the code is the same)")
    parser.add_argument(
        "--answers-objective",
        choices=OBJECTIVES,
        default="ranking",
        help="fit the answers model to rank each question's sentences (default) or to label every sentence alone",
    )
    parser.add_argument(
        "--off-topic",
        action="append",
        default=[],
        help="a set of questions no news article answers: fitted as the on-topic model's negatives only",
    )
    args = parser.parse_args(argv)
    settings = Settings.from_env(env_file=None, data_dir=args.data_dir, llm_setting="extractive")
    datasets = [load_dataset(path) for path in args.datasets]
    fit_on, scored = [], []
    for dataset in datasets:
        print(f"reading {dataset.name} ({len(dataset.queries)} questions)", file=sys.stderr, flush=True)
        everything = cached(args.cache, dataset, settings) if args.cache else collect(dataset, settings)
        if dataset.name in args.odd_only:
            odd_half = subset(everything, odd, f"{dataset.name} (odd ids)")
            scored += [odd_half, subset(everything, lambda q: not odd(q), f"{dataset.name} (even ids)")]
            if dataset.name in args.fit:
                fit_on.append(odd_half)
        else:
            scored.append(everything)
            if dataset.name in args.fit:
                fit_on.append(everything)
    if not fit_on:
        parser.error("name at least one dataset with --fit")
    off_topic = frozenset(fitted_name(name, args.odd_only) for name in args.off_topic)
    models = fit(fit_on, args.answers_objective, off_topic)
    report = [score(s, models) for s in scored]
    summary = {
        "fitted_on": args.fit,
        "odd_only": args.odd_only,
        "off_topic": args.off_topic,
        "answers_objective": args.answers_objective,
    }
    print(json.dumps({**summary, "sets": report}, indent=2))
    if not args.dry_run:
        weights = {
            "fitted_on": [fitted_name(name, args.odd_only) for name in args.fit],
            "off_topic": sorted(off_topic),
            "embedder": make_embedder(settings.index, settings.openai, short_lived=True).name,
            "answers_objective": args.answers_objective,
            "fitted_at": datetime.now(UTC).strftime("%Y-%m-%d"),
            "report": report,
            "answers": models.answers.to_dict(),
            "answerable": models.answerable.to_dict(),
            "yes": models.yes.to_dict(),
            **({"on_topic": models.on_topic.to_dict()} if models.on_topic is not None else {}),
        }
        args.out.write_text(json.dumps(weights, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
