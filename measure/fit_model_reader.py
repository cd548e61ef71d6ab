"""Calibrate the model reader on gold sets and report how it transfers: `python -m measure.fit_model_reader`.

Every question of every gold set given runs through the chain up to reading (as `measure.fit_reader` does)
and the bundled model makes the reader's two reads (`ModelReader`): does the scorer's best sentence answer
the question (every question the anchor rule lets through; label: answerable or not), and, for an
answerable yes/no question where some claim found a sentence, yes or no over the claims' sentences (label:
the gold answer). For each, a logistic model on the model's margin (log P("Yes") − log P("No")) and the
scorer's logit is fitted on the `--fit` sets and written to `bot/core/read/model_calibration.json`; every
set is then scored: AUC and calibration error of the stack beside the scorer's AUC, the refusals at each
`NEWSBOT_ANSWERABLE_MIN` and the verdicts at each `NEWSBOT_VERDICT_MIN` (the scorer's beside them: it only
confirms the claim checks' verdict). `--odd-only NAME` fits on the odd ids of that set only. Margins are
kept in `--cache` (a read takes seconds on two cores, longer on a loaded machine).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from bot.core.answer import verdict
from bot.core.answer.gate import unanchored
from bot.core.logistic import logit
from bot.core.pipeline import Pipeline
from bot.core.read.factory import make_reader
from bot.core.read.model import CALIBRATION, Calibration, ModelReader, Stack
from bot.settings import Settings
from measure.eval.dataset import Dataset, load_dataset, odd
from measure.eval.metrics import is_yes_no, yes_no_stance
from measure.eval.run import prepare_index
from measure.fit_reader import (
    auc,
    calibration_error,
    fit_arguments,
    fit_logistic,
    fitted_name,
    up_to_reading,
)

THRESHOLDS = (0.7, 0.8, 0.9)
THRESHOLDS_ANSWERABLE = (0.3, 0.5, 0.7)


@dataclass
class Reads:
    """Per question: the model's margins, the scorer's estimates, the claim checks' verdict, the labels."""

    name: str
    ids: list[str] = field(default_factory=list)  # yes/no questions
    margins: list[float] = field(default_factory=list)
    scorer: list[float] = field(default_factory=list)
    rules: list[str | None] = field(default_factory=list)
    gold: list[int] = field(default_factory=list)
    answer_ids: list[str] = field(default_factory=list)  # every question the anchor rule lets through
    answer_margins: list[float] = field(default_factory=list)
    answer_scorer: list[float] = field(default_factory=list)
    answerable: list[int] = field(default_factory=list)

    def half(self, keep: Callable[[str], bool], name: str) -> Reads:
        yes = [i for i, q in enumerate(self.ids) if keep(q)]
        ans = [i for i, q in enumerate(self.answer_ids) if keep(q)]
        return Reads(
            name,
            *([values[i] for i in yes] for values in (self.ids, self.margins, self.scorer, self.rules, self.gold)),
            *(
                [values[i] for i in ans]
                for values in (self.answer_ids, self.answer_margins, self.answer_scorer, self.answerable)
            ),
        )


def collect(dataset: Dataset, settings: Settings, reader: ModelReader, cache: Path | None) -> Reads:
    """Both reads of every question of `dataset`; margins cached by read, question and the sentences read."""
    stored = json.loads(cache.read_text(encoding="utf-8")) if cache and cache.exists() else {}

    def remembered(key: str, read: Callable[[], float | None]) -> float | None:
        if key not in stored:
            stored[key] = read()
            if cache:
                cache.write_text(json.dumps(stored, indent=0), encoding="utf-8")
        return stored[key]

    index = prepare_index(dataset, settings)
    pipeline = Pipeline(index.settings)
    scorer = make_reader(settings.answer.model_copy(update={"reader": "scorer"}), embedder=pipeline.embedder.name)
    out = Reads(dataset.name)
    for query in dataset.queries:
        request, ranking = up_to_reading(pipeline, query.question, settings)
        understanding = request.understanding
        if not ranking.candidates:
            continue
        scores = scorer.read(request, ranking)
        if len(scores.answers) and not unanchored(ranking, understanding, settings.answer):
            best = ranking.ranked[int(np.argmax(scores.answers))]
            # Keyed by what is read, not by the question alone: a scorer refit can choose another sentence.
            margin = remembered(
                f"answers:{query.question}\n{best.text}", lambda q=query.question, b=best: reader.answer_margin(q, b)
            )
            out.answer_ids.append(query.id)
            out.answer_margins.append(float(margin or 0.0))
            out.answer_scorer.append(scores.answerable)
            out.answerable.append(int(query.answerable))
        if understanding.yes_no is None or not (query.answerable and is_yes_no(query.answers)):
            continue
        found = verdict.gather(understanding, ranking.candidates, pipeline.embedder)
        if not any(e.supported for e in found):
            continue  # both answerers ask the reader only when some claim found a sentence
        rules = verdict.decide(understanding.yes_no, found)
        read = "\n".join(e.best.text for e in found if e.best is not None)
        margin = remembered(f"yes:{query.question}\n{read}", lambda q=query.question, f=found: reader.margin(q, f))
        if margin is None:
            continue
        out.ids.append(query.id)
        out.margins.append(float(margin))
        out.scorer.append(scorer.yes(request, found, rules))
        out.rules.append(rules)
        out.gold.append(int(yes_no_stance(query.answers[0]) == "yes"))
    return out


def verdicts(
    p: np.ndarray, y: np.ndarray, threshold: float, rules: list[str | None] | None = None
) -> dict[str, float | None]:
    """Coverage, precision and the share of questions answered right, with a verdict wherever the estimate
    for either side reaches `threshold` (the gate's rule); given the checks' verdicts (`rules`), only where
    the estimate confirms them (the scorer's case)."""
    yes, no = p >= threshold, 1 - p >= threshold
    if rules is not None:
        yes &= np.asarray([r == "yes" for r in rules], dtype=bool)
        no &= np.asarray([r == "no" for r in rules], dtype=bool)
    given = yes | no
    right = (yes & (y == 1)) | (no & (y == 0))
    return {
        "coverage": float(given.mean()) if len(p) else None,
        "precision": float(right.sum() / given.sum()) if given.any() else None,
        "accuracy": float(right.mean()) if len(p) else None,
    }


def refusals(p: np.ndarray, y: np.ndarray, threshold: float) -> dict[str, float | None]:
    """Unanswerable questions refused and answerable ones refused, refusing below `threshold`."""
    refused = p < threshold
    return {
        "unanswerable_refused": float(refused[y == 0].mean()) if (y == 0).any() else None,
        "false_refusals": float(refused[y == 1].mean()) if (y == 1).any() else None,
    }


def fit_stack(margins: list[float], scorer: list[float], labels: list[int]) -> Stack:
    x = np.asarray([[m, logit(s)] for m, s in zip(margins, scorer, strict=True)]).reshape(-1, 2)
    model = fit_logistic(x, np.asarray(labels, float), ("margin", "scorer"), signs={"margin": 1, "scorer": 1})
    weights = model.weights / model.scale
    return Stack(float(weights[0]), float(weights[1]), float(model.bias - weights @ model.mean))


def _read_figures(margins: list[float], scorer: list[float], labels: list[int], stack: Stack) -> dict[str, object]:
    """AUC of one read's margin, of its stack and of the scorer alone, and the stack's calibration error."""
    y = np.asarray(labels, float)
    p = np.asarray([stack.probability(m, s) for m, s in zip(margins, scorer, strict=True)])
    return {
        "y": y,
        "p": p,
        "margin_auc": auc(np.asarray(margins), y),
        "stack_auc": auc(p, y),
        "stack_ece": calibration_error(p, y) if len(y) else None,
        "scorer_auc": auc(np.asarray(scorer), y),
    }


def score(reads: Reads, calibration: Calibration) -> dict[str, object]:
    answers = _read_figures(reads.answer_margins, reads.answer_scorer, reads.answerable, calibration.answerable)
    yes = _read_figures(reads.margins, reads.scorer, reads.gold, calibration.yes)
    a, pa, scorer_a = answers.pop("y"), answers.pop("p"), np.asarray(reads.answer_scorer)
    y, p, scorer = yes.pop("y"), yes.pop("p"), np.asarray(reads.scorer)
    return {
        "set": reads.name,
        "questions_read": len(a),
        "answerable_share": float(a.mean()) if len(a) else None,
        **{f"answerable_{k}": v for k, v in answers.items()},
        **{f"model_refusals@{t}": refusals(pa, a, t) for t in THRESHOLDS_ANSWERABLE},
        **{f"scorer_refusals@{t}": refusals(scorer_a, a, t) for t in THRESHOLDS_ANSWERABLE},
        "yes_no": len(y),
        "always_yes": float(y.mean()) if len(y) else None,
        **{f"yes_{k}": v for k, v in yes.items()},
        **{f"model_verdicts@{t}": verdicts(p, y, t) for t in THRESHOLDS},
        **{f"scorer_verdicts@{t}": verdicts(scorer, y, t, reads.rules) for t in THRESHOLDS},
    }


def main(argv: list[str] | None = None) -> int:
    parser = fit_arguments("python -m measure.fit_model_reader", __doc__, CALIBRATION)
    parser.add_argument("--cache", type=Path, help="a folder keeping each set's margins")
    parser.add_argument(
        "--reader", default="local", help="the model that reads: local (bundled, default) or openai:<model>"
    )
    parser.add_argument(
        "--answerable-min",
        type=float,
        help="the reader's own refusal cut to write (default: the one already in --out; choose it end to end "
        "with newsbot eval on the fitted sets)",
    )
    args = parser.parse_args(argv)
    if args.reader not in ("local", "openai") and not args.reader.startswith("openai:"):
        parser.error("--reader is local or openai:<model>")
    settings = Settings.from_env(env_file=None, data_dir=args.data_dir, llm_setting="extractive")
    reader = make_reader(settings.answer.model_copy(update={"reader": args.reader}), access=settings.openai)
    assert isinstance(reader, ModelReader)
    fit_on, scored = [], []
    for path in args.datasets:
        dataset = load_dataset(path)
        print(f"reading {dataset.name}", file=sys.stderr, flush=True)
        if args.cache:
            args.cache.mkdir(parents=True, exist_ok=True)
        reads = collect(dataset, settings, reader, args.cache / f"{dataset.name}.json" if args.cache else None)
        if dataset.name in args.odd_only:
            halves = [
                reads.half(odd, f"{dataset.name} (odd ids)"),
                reads.half(lambda q: not odd(q), f"{dataset.name} (even ids)"),
            ]
            scored += halves
            fit_on += halves[:1] if dataset.name in args.fit else []
        else:
            scored.append(reads)
            fit_on += [reads] if dataset.name in args.fit else []
    if not fit_on:
        parser.error("name at least one dataset with --fit")
    cut = _cut(args.answerable_min, args.out)
    calibration = Calibration(
        fit_stack(
            *([v for r in fit_on for v in getattr(r, k)] for k in ("answer_margins", "answer_scorer", "answerable"))
        ),
        fit_stack(*([v for r in fit_on for v in getattr(r, k)] for k in ("margins", "scorer", "gold"))),
        float(cut["answerable_min"]),  # type: ignore[arg-type]
    )
    report = [score(r, calibration) for r in scored]
    print(json.dumps({"calibration": asdict(calibration), "sets": report}, indent=2))
    if not args.dry_run:
        fitted_on = [fitted_name(n, args.odd_only) for n in args.fit]
        data = calibration_file(calibration, cut, fitted_on, report)
        args.out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


def calibration_file(
    calibration: Calibration, cut: dict[str, object], fitted_on: list[str], report: list[dict[str, object]]
) -> dict[str, object]:
    """What the calibration file holds (`Calibration.load` reads it back): both stacks, rounded; the refusal
    cut and how it was chosen; what they were fitted on, when, and the report."""
    stacks = {
        name: {k: round(v, 6) for k, v in asdict(stack).items()}
        for name, stack in (("answerable", calibration.answerable), ("yes", calibration.yes))
    }
    fitted = {"fitted_on": fitted_on, "fitted_at": datetime.now(UTC).strftime("%Y-%m-%d"), "report": report}
    return stacks | cut | fitted


def _cut(given: float | None, out: Path) -> dict[str, object]:
    """The refusal cut to write, with how it was chosen: the one given, else the one `out` already holds (a
    refit of the stacks keeps the end-to-end choice until it is made again), else even odds."""
    if given is not None:
        return {"answerable_min": given, "answerable_min_chosen": "given to measure.fit_model_reader"}
    if out.exists():
        data = json.loads(out.read_text(encoding="utf-8"))
        if "answerable_min" in data:
            return {k: data[k] for k in ("answerable_min", "answerable_min_chosen") if k in data}
    return {"answerable_min": 0.5, "answerable_min_chosen": "even odds: not yet chosen end to end"}


if __name__ == "__main__":
    sys.exit(main())
