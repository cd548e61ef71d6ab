"""Calibrate the model reader's yes/no read on gold sets and report how it transfers:
`python -m measure.fit_model_reader`.

For every answerable yes/no question of every gold set given, the chain runs up to the claim checks (as
`measure.fit_reader` does) and the bundled model reads the claims' sentences (`ModelReader.margin`:
log P("Yes") − log P("No")). A logistic model of the gold answer on that margin and the scorer's
logit(P(yes)) (the stack `ModelReader.yes` computes) is fitted on the `--fit` sets and written to
`bot/core/read/model_calibration.json`; every set is then scored with it: AUC, calibration error, and the
verdicts the gate would give at each `NEWSBOT_VERDICT_MIN`, beside the scorer's own on the same questions
(the scorer only confirms the claim checks' verdict; the model reader may also settle what they leave
open). `--odd-only NAME` fits on the odd ids of that set only. Margins are kept in `--cache` (the model
reads a question in seconds on two cores, longer on a loaded machine).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from bot.core.answer import verdict
from bot.core.pipeline import Pipeline
from bot.core.read.factory import make_reader
from bot.core.read.model import CALIBRATION, Calibration, ModelReader
from bot.core.read.scorer import logit
from bot.settings import Settings
from measure.eval.dataset import Dataset, load_dataset
from measure.eval.metrics import is_yes_no, yes_no_stance
from measure.eval.run import prepare_index
from measure.fit_reader import auc, calibration_error, fit_logistic, odd, up_to_reading

THRESHOLDS = (0.7, 0.8, 0.9)


@dataclass
class Reads:
    """Per yes/no question: the model's margin, the scorer's P(yes), the claim rules' verdict, the gold."""

    name: str
    ids: list[str] = field(default_factory=list)
    margins: list[float] = field(default_factory=list)
    scorer: list[float] = field(default_factory=list)
    rules: list[str | None] = field(default_factory=list)
    gold: list[int] = field(default_factory=list)

    def keep(self, chosen: list[int], name: str) -> Reads:
        pick = lambda values: [values[i] for i in chosen]  # noqa: E731
        return Reads(name, pick(self.ids), pick(self.margins), pick(self.scorer), pick(self.rules), pick(self.gold))


def collect(dataset: Dataset, settings: Settings, reader: ModelReader, cache: Path | None) -> Reads:
    """Read every answerable yes/no question of `dataset`; margins cached by question text."""
    stored = json.loads(cache.read_text(encoding="utf-8")) if cache and cache.exists() else {}
    index = prepare_index(dataset, settings)
    pipeline = Pipeline(index.settings)
    scorer = make_reader(settings.answer.model_copy(update={"reader": "scorer"}))
    out = Reads(dataset.name)
    for query in dataset.queries:
        if not (query.answerable and is_yes_no(query.answers)):
            continue
        request, ranking = up_to_reading(pipeline, query.question, settings)
        understanding = request.understanding
        if understanding.yes_no is None or not ranking.candidates:
            continue
        found = verdict.gather(understanding, ranking.candidates, pipeline.embedder)
        if not any(e.supported for e in found):
            continue  # both answerers ask the reader only when some claim found a sentence
        rules = verdict.decide(understanding.yes_no, found)
        if query.question not in stored:
            stored[query.question] = reader.margin(query.question, found)
            if cache:
                cache.write_text(json.dumps(stored, indent=0), encoding="utf-8")
        margin = stored[query.question]
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


def inputs(reads: Reads) -> np.ndarray:
    return np.asarray([[m, logit(s)] for m, s in zip(reads.margins, reads.scorer, strict=True)]).reshape(-1, 2)


def score(reads: Reads, calibration: Calibration) -> dict[str, object]:
    y = np.asarray(reads.gold, float)
    p = np.asarray([calibration.probability(m, s) for m, s in zip(reads.margins, reads.scorer, strict=True)])
    scorer = np.asarray(reads.scorer)
    return {
        "set": reads.name,
        "yes_no": len(y),
        "always_yes": float(y.mean()) if len(y) else None,
        "margin_auc": auc(np.asarray(reads.margins), y),
        "stack_auc": auc(p, y),
        "stack_ece": calibration_error(p, y) if len(y) else None,
        "scorer_auc": auc(scorer, y),
        **{f"model@{t}": verdicts(p, y, t) for t in THRESHOLDS},
        **{f"scorer@{t}": verdicts(scorer, y, t, reads.rules) for t in THRESHOLDS},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m measure.fit_model_reader", description=__doc__.split("\n")[0])
    parser.add_argument("datasets", nargs="+", type=Path, help="gold set folders, fitted on or scored")
    parser.add_argument("--fit", action="append", default=[], help="name of a set to fit on (repeatable)")
    parser.add_argument("--odd-only", action="append", default=[], help="fit on this set's odd ids only")
    parser.add_argument("--data-dir", type=Path, required=True, help="where the eval indexes live")
    parser.add_argument("--out", type=Path, default=CALIBRATION, help="calibration file to write")
    parser.add_argument("--dry-run", action="store_true", help="report only; do not write the calibration")
    parser.add_argument("--cache", type=Path, help="a folder keeping each set's margins")
    args = parser.parse_args(argv)
    settings = Settings.from_env(env_file=None, data_dir=args.data_dir, llm_setting="extractive")
    reader = make_reader(settings.answer.model_copy(update={"reader": "local"}))
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
                reads.keep([i for i, q in enumerate(reads.ids) if odd(q)], f"{dataset.name} (odd ids)"),
                reads.keep([i for i, q in enumerate(reads.ids) if not odd(q)], f"{dataset.name} (even ids)"),
            ]
            scored += halves
            fit_on += halves[:1] if dataset.name in args.fit else []
        else:
            scored.append(reads)
            fit_on += [reads] if dataset.name in args.fit else []
    if not fit_on:
        parser.error("name at least one dataset with --fit")
    x = np.vstack([inputs(r) for r in fit_on])
    y = np.asarray([g for r in fit_on for g in r.gold], float)
    model = fit_logistic(x, y, ("margin", "scorer"), signs={"margin": 1, "scorer": 1})
    weights = model.weights / model.scale
    calibration = Calibration(float(weights[0]), float(weights[1]), float(model.bias - weights @ model.mean))
    report = [score(r, calibration) for r in scored]
    print(json.dumps({"calibration": asdict(calibration), "sets": report}, indent=2))
    if not args.dry_run:
        fitted_on = [f"{n}{' (odd ids)' if n in args.odd_only else ''}" for n in args.fit]
        data = {k: round(v, 6) for k, v in asdict(calibration).items()} | {"fitted_on": fitted_on}
        data |= {"fitted_at": datetime.now(UTC).strftime("%Y-%m-%d"), "report": report}
        args.out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
