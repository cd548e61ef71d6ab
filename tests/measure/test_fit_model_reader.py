"""The model reader's fit: the stack learns which way the margin points, and the decision figures count what
the gate would do (a verdict only where the estimate reaches the cut; the scorer only where the checks agree)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from measure.eval.dataset import odd
from measure.fit_model_reader import Reads, fit_stack, refusals, verdicts


def test_the_stack_follows_the_margin_and_is_calibrated() -> None:
    rng = np.random.default_rng(7)
    margins = rng.normal(0.0, 1.5, 400)
    labels = (rng.random(400) < 1 / (1 + np.exp(-2.0 * margins))).astype(int)
    stack = fit_stack(list(margins), [0.5] * 400, list(labels))
    assert stack.margin_weight == pytest.approx(2.0, rel=0.35)
    p = np.asarray([stack.probability(m, 0.5) for m in margins])
    assert abs(p.mean() - labels.mean()) < 0.03


def test_verdicts_and_refusals_count_what_the_gate_would_do() -> None:
    p = np.asarray([0.95, 0.05, 0.5, 0.92])
    y = np.asarray([1.0, 0.0, 1.0, 0.0])
    assert verdicts(p, y, 0.9) == {"coverage": 0.75, "precision": pytest.approx(2 / 3), "accuracy": 0.5}
    confirmed = verdicts(p, y, 0.9, ["yes", None, "yes", "no"])
    assert confirmed == {"coverage": 0.25, "precision": 1.0, "accuracy": 0.25}
    assert refusals(np.asarray([0.2, 0.8, 0.4, 0.9]), np.asarray([0.0, 0.0, 1.0, 1.0]), 0.5) == {
        "unanswerable_refused": 0.5,
        "false_refusals": 0.5,
    }


def test_halves_split_both_reads_by_id() -> None:
    reads = Reads("set", ["q1", "q2"], [1.0, -1.0], [0.6, 0.4], ["yes", None], [1, 0])
    reads.answer_ids, reads.answer_margins, reads.answer_scorer, reads.answerable = (
        ["q1", "q2", "q3"],
        [1.0, 2.0, 3.0],
        [0.1, 0.2, 0.3],
        [1, 0, 1],
    )
    half = reads.half(odd, "odd")
    assert half.ids == ["q1"] and half.rules == ["yes"] and half.answer_ids == ["q1", "q3"]
    assert half.answer_margins == [1.0, 3.0] and half.answerable == [1, 1]


def test_a_refit_keeps_the_refusal_cut_chosen_end_to_end(tmp_path: Path) -> None:
    """The stacks are refitted from reads; the cut is chosen by running the eval, so a refit keeps the one
    the file holds unless a new one is given, and a first fit starts at even odds."""
    from measure.fit_model_reader import _cut

    out = tmp_path / "calibration.json"
    assert _cut(None, out)["answerable_min"] == 0.5
    out.write_text(json.dumps({"answerable_min": 0.65, "answerable_min_chosen": "by hand"}), encoding="utf-8")
    assert _cut(None, out) == {"answerable_min": 0.65, "answerable_min_chosen": "by hand"}
    assert _cut(0.7, out)["answerable_min"] == 0.7


def test_the_written_file_loads_back_as_the_calibration_it_holds(tmp_path: Path) -> None:
    from bot.core.read.model import Calibration, Stack
    from measure.fit_model_reader import calibration_file

    fitted = Calibration(Stack(1.7, 0.68, 0.99), Stack(1.3, 0.88, -0.49), 0.65)
    data = calibration_file(fitted, {"answerable_min": 0.65, "answerable_min_chosen": "by hand"}, ["seeds"], [])
    out = tmp_path / "calibration.json"
    out.write_text(json.dumps(data), encoding="utf-8")
    assert Calibration.load(out) == fitted
    assert data["fitted_on"] == ["seeds"] and data["answerable_min_chosen"] == "by hand"


class _SureReader:
    """Stands in for the model (its reads are tested in tests/bot/core/read): a fixed margin per read, so
    this test is about what the script collects through the real chain."""

    def __init__(self) -> None:
        self.reads = 0

    def answer_margin(self, question: str, best: object) -> float:
        self.reads += 1
        return 2.0

    def margin(self, question: str, found: object) -> float:
        self.reads += 1
        return -1.0


def test_collect_reads_every_seeds_question_through_the_real_chain(tmp_path: Path) -> None:
    from bot.settings import Settings
    from measure.eval.dataset import load_dataset
    from measure.fit_model_reader import collect

    dataset = load_dataset(Path(__file__).resolve().parents[2] / "measure" / "gold" / "seeds")
    settings = Settings.from_env(env_file=None, data_dir=tmp_path / "data", llm_setting="extractive")
    cache = tmp_path / "margins.json"
    model = _SureReader()
    reads = collect(dataset, settings, model, cache)  # type: ignore[arg-type]
    assert 0 < len(reads.answer_ids) <= len(dataset.queries)
    assert set(reads.answer_margins) == {2.0} and set(reads.answerable) <= {0, 1}
    assert all(0.0 <= p <= 1.0 for p in reads.answer_scorer)
    assert set(reads.margins) <= {-1.0} and len(reads.ids) == len(reads.gold)
    first = model.reads
    assert first >= len(reads.answer_ids)
    collect(dataset, settings, model, cache)  # type: ignore[arg-type]
    assert model.reads == first, "a rerun reads nothing the cache holds"
    # A margin is kept with the sentence it read: one cached under the question alone (as an earlier
    # version did) is not reused, since a refitted scorer may now pick another sentence.
    stored = json.loads(cache.read_text(encoding="utf-8"))
    cache.write_text(json.dumps({k.split("\n")[0]: v for k, v in stored.items()}), encoding="utf-8")
    collect(dataset, settings, model, cache)  # type: ignore[arg-type]
    assert model.reads == 2 * first
