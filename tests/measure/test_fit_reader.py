"""The reader's fit script run end to end on the shipped seeds gold set: it collects features through the
real chain (understand, retrieve, rank, check claims), fits, reports per set and writes weights the scorer
loads. A change to a step's signature that the script calls breaks this test, not the next refit."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from bot.core.read.features import ANSWER_FEATURES, VERDICT_FEATURES
from bot.core.read.scorer import Logistic
from measure.fit_reader import main

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "measure" / "gold" / "seeds"


def test_fit_on_seeds_writes_weights_the_scorer_loads(tmp_path: Path, capsys) -> None:
    out = tmp_path / "weights.json"
    code = main([str(SEEDS), "--fit", "seeds", "--data-dir", str(tmp_path / "data"), "--out", str(out)])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    (scored,) = report["sets"]
    assert scored["set"] == "seeds" and scored["questions"] == 19
    assert scored["answers_auc"] is not None and 0.5 < scored["answers_auc"] <= 1.0
    weights = json.loads(out.read_text(encoding="utf-8"))
    assert weights["fitted_on"] == ["seeds"]
    answers = Logistic.from_dict(weights["answers"], ANSWER_FEATURES)
    Logistic.from_dict(weights["yes"], VERDICT_FEATURES)
    p = answers.probability(np.zeros((3, len(ANSWER_FEATURES))))
    assert p.shape == (3,) and np.all((p > 0) & (p < 1))
