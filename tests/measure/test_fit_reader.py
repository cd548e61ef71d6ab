"""The reader's fit script run end to end on the shipped seeds gold set: it collects features through the
real chain (understand, retrieve, rank, check claims), fits, reports per set and writes weights the scorer
loads. A change to a step's signature that the script calls breaks this test, not the next refit."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from bot.core.logistic import Logistic
from bot.core.read.features import ANSWER_FEATURES, VERDICT_FEATURES
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


def test_the_ranking_fit_learns_what_picks_the_sentence_within_a_question() -> None:
    """Two features: one tells the gold sentence from its neighbours in every question; the other is the
    same for all of a question's sentences and merely common in questions with many gold sentences. The
    ranking fit weighs the first; its output is still a probability on the scale of the labels."""
    from bot.core.read.features import ANSWER_FEATURES
    from measure.fit_reader import Examples, fit_ranking

    rng = np.random.default_rng(3)
    semantic, hit_rank = ANSWER_FEATURES.index("semantic"), ANSWER_FEATURES.index("hit_rank")
    examples = Examples("synthetic")
    for _ in range(120):
        n = 8
        x = rng.normal(0.0, 0.3, (n, len(ANSWER_FEATURES)))
        y = np.zeros(n)
        gold = rng.choice(n, size=int(rng.integers(1, 4)), replace=False)
        y[gold] = 1
        x[:, semantic] += 1.5 * y
        x[:, hit_rank] = len(gold) + rng.normal(0.0, 0.1)
        examples.answers_x.append(x)
        examples.answers_y.append(y)
        examples.answerable_y.append(1)
    model = fit_ranking([examples])
    assert model.weights[semantic] > 1.0 and abs(model.weights[hit_rank]) < 0.05  # pointwise: 5.8 and 0.38
    p = np.concatenate([model.probability(x) for x in examples.answers_x])
    labels = np.concatenate(examples.answers_y)
    assert abs(p.mean() - labels.mean()) < 0.03
    picked = [
        y[int(np.argmax(model.probability(x)))] for x, y in zip(examples.answers_x, examples.answers_y, strict=True)
    ]
    assert np.mean(picked) > 0.9
