"""Fit the overview intent model and report how it transfers: `python -m measure.fit_intent`.

Labels come from the gold sets the project ships: an ask labelled `overview` or `fact` (`measure/gold/asks`,
and `chatter`, the greetings, tests and stray keystrokes a Slack bot receives; odd ids only), every question
of an overview set (`overview`), every question of a question set (`fact`: they ask for one answer, a yes/no
or a refusal). The model (`bot.core.understand.intent`) is fitted on the fit sets with both classes weighed
equally (a few dozen overview asks against hundreds of facts), its ridge strength chosen by leaving one fit
set out at a time (the figure that matters is how it reads questions written in another style, not another
question of the same set); then every set is read at even odds, so the table shows the fit sets beside the
ones the weights never saw: `asks-b` (written after the rules last changed), the even ids of `asks`,
`chatter` and the blind question sets, the blind overview questions.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from bot.core.logistic import Logistic
from bot.core.understand.intent import WEIGHTS, feature_names, features
from index.embed.local import LocalOnnxEmbedder
from measure.eval import asks
from measure.eval.dataset import load_queries, odd
from measure.fit_reader import fit_logistic

GOLD = Path(__file__).resolve().parent / "gold"
DEV = GOLD.parents[2] / "shared" / "eval" / "multihop-rag-dev"
L2_CHOICES = (1.0, 3.0, 10.0, 30.0, 100.0)


@dataclass(frozen=True)
class Labelled:
    name: str
    questions: list[str]
    overview: list[bool]


def question_set(
    folder: Path, label: bool, keep: Callable[[str], bool] = lambda _id: True
) -> tuple[list[str], list[bool]]:
    """The questions of a question or overview set (its corpus need not be there), all one label."""
    questions = [q.question for q in load_queries(folder) if keep(q.id)]
    return questions, [label] * len(questions)


def asks_set(folder: Path, keep: Callable[[str], bool] = lambda _id: True) -> tuple[list[str], list[bool]]:
    rows = [a for a in asks.load(folder / asks.ASKS_FILE) if keep(str(a["id"]))]
    return [a["question"] for a in rows], [a["kind"] == "overview" for a in rows]


def sets(dev: Path) -> tuple[list[Labelled], list[Labelled]]:
    """(fit sets, report-only sets)."""
    even = lambda i: not odd(i)  # noqa: E731
    fit = [
        Labelled("asks (odd ids)", *asks_set(GOLD / "asks", odd)),
        Labelled("chatter (odd ids)", *asks_set(GOLD / "chatter", odd)),
        Labelled("overview-dev", *question_set(GOLD / "overview" / "dev", True)),
        Labelled("overview-seeds", *question_set(GOLD / "overview" / "seeds", True)),
        Labelled("overview-dev-styled", *question_set(GOLD / "overview" / "dev-styled", True)),
        Labelled("seeds", *question_set(GOLD / "seeds", False)),
        Labelled("multihop-heldout (odd ids)", *question_set(GOLD / "multihop-heldout", False, odd)),
        Labelled("wire-blind (odd ids)", *question_set(GOLD / "wire-blind", False, odd)),
    ]
    if (dev / "queries.jsonl").is_file():
        fit.append(Labelled("multihop-rag-dev", *question_set(dev, False)))
    else:
        print(f"{dev} not found: fitting without the dev split's questions", file=sys.stderr)
    held = [
        Labelled("asks (even ids)", *asks_set(GOLD / "asks", even)),
        Labelled("asks-b", *asks_set(GOLD / "asks-b")),
        Labelled("chatter (even ids)", *asks_set(GOLD / "chatter", even)),
        Labelled("overview-blind", *question_set(GOLD / "overview" / "blind", True)),
        Labelled("overview-blind-styled", *question_set(GOLD / "overview" / "blind-styled", True)),
        Labelled("multihop-heldout (even ids)", *question_set(GOLD / "multihop-heldout", False, even)),
        Labelled("wire-blind (even ids)", *question_set(GOLD / "wire-blind", False, even)),
    ]
    return fit, held


def balanced(y: np.ndarray) -> np.ndarray:
    """Each class's examples weigh half of the total."""
    positives = max(float(y.sum()), 1.0)
    negatives = max(float(len(y) - y.sum()), 1.0)
    return np.where(y == 1, len(y) / (2 * positives), len(y) / (2 * negatives))


def fit(x: np.ndarray, y: np.ndarray, l2: float) -> Logistic:
    return fit_logistic(x, y, feature_names(x.shape[1] - 1), l2=l2, sample_weight=balanced(y))


def choose_l2(x: np.ndarray, y: np.ndarray, groups: np.ndarray) -> float:
    """The ridge strength of `L2_CHOICES` with the lowest balanced log loss on each fit set when fitted on
    the others (ties: the stronger)."""
    losses = {}
    for l2 in L2_CHOICES:
        total = 0.0
        for group in np.unique(groups):
            train, test = groups != group, groups == group
            p = np.clip(fit(x[train], y[train], l2).probability(x[test]), 1e-9, 1 - 1e-9)
            total += float(np.sum(balanced(y[test]) * -(y[test] * np.log(p) + (1 - y[test]) * np.log(1 - p))))
        losses[l2] = round(total, 6)
    return min(sorted(losses, reverse=True), key=lambda l2: losses[l2])


def score(model: Logistic, labelled: Labelled, x: np.ndarray) -> dict[str, object]:
    said = model.probability(x) >= 0.5
    truth = np.asarray(labelled.overview)
    both = int((said & truth).sum())
    return {
        "set": labelled.name,
        "questions": len(truth),
        "overview": int(truth.sum()),
        "read_as_overview": int(said.sum()),
        "precision": round(both / int(said.sum()), 3) if said.any() else None,
        "recall": round(both / int(truth.sum()), 3) if truth.any() else None,
        "accuracy": round(float((said == truth).mean()), 3) if len(truth) else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m measure.fit_intent", description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--dev", type=Path, default=DEV, help="the MultiHop-RAG dev split (its questions are facts)")
    parser.add_argument("--out", type=Path, default=WEIGHTS, help=f"file to write (default: {WEIGHTS.name})")
    parser.add_argument("--dry-run", action="store_true", help="report only; write nothing")
    args = parser.parse_args(argv)
    embedder = LocalOnnxEmbedder()
    fit_sets, held = sets(args.dev)

    def rows(labelled: Labelled) -> np.ndarray:
        vectors = embedder.embed(labelled.questions)
        return np.array([features(q, v) for q, v in zip(labelled.questions, vectors, strict=True)])

    x = {s.name: rows(s) for s in [*fit_sets, *held]}
    x_fit = np.vstack([x[s.name] for s in fit_sets])
    y_fit = np.concatenate([np.asarray(s.overview, dtype=float) for s in fit_sets])
    groups = np.concatenate([np.full(len(s.questions), i) for i, s in enumerate(fit_sets)])
    l2 = choose_l2(x_fit, y_fit, groups)
    model = fit(x_fit, y_fit, l2)
    report = [{**score(model, s, x[s.name]), "fitted_on": s in fit_sets} for s in [*fit_sets, *held]]
    print(json.dumps({"l2": l2, "sets": report}, indent=2))
    if not args.dry_run:
        weights = {
            "embedder": embedder.name,
            "fitted_on": [s.name for s in fit_sets],
            "fitted_at": datetime.now(UTC).strftime("%Y-%m-%d"),
            "l2": l2,
            "report": report,
            "model": model.to_dict(),
        }
        args.out.write_text(json.dumps(weights, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
