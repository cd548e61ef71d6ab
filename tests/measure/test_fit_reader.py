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


def test_a_feature_given_a_sign_keeps_it_even_where_the_data_points_the_other_way() -> None:
    """The answerable model's `best_logit` is signed by its own name: a question whose best sentence reads
    better is never less answerable, whatever the fit sets happen to show."""
    from measure.fit_reader import fit_logistic, sign_of

    assert sign_of("best_logit", {"best_logit": 1, "logit": -1}) == 1, "its own name first"
    assert sign_of("best_lexical", {"lexical": 1}) == 1, "the best sentence's value of a signed feature"
    assert sign_of("rank", {"lexical": 1}) == 0
    rng = np.random.default_rng(5)
    x = rng.normal(size=(400, 2))
    y = (x[:, 0] - x[:, 1] + rng.normal(0.0, 0.5, 400) > 0).astype(float)
    free = fit_logistic(x, y, ("best_logit", "other"))
    signed = fit_logistic(x, y, ("best_logit", "other"), signs={"best_logit": 1, "other": 1})
    assert free.weights[1] < -0.5, "the data says the second feature counts against"
    assert signed.weights[0] > 0.5 and signed.weights[1] == 0.0


def test_an_off_topic_set_fits_the_on_topic_model_and_only_it(tmp_path: Path, capsys) -> None:
    """Questions no article answers teach the on-topic model (with the embedder they were read with); the
    answers and yes models, and the answerable one, are fitted on the news sets alone."""
    from bot.core.read.scorer import ON_TOPIC_FEATURES, LearnedReader

    off = tmp_path / "off"
    off.mkdir()
    corpus = (REPO / "seeds").resolve()
    (off / "dataset.json").write_text(json.dumps({"name": "off", "corpus": str(corpus)}), encoding="utf-8")
    questions = ["what is the capital of peru", "who took my charger", "how do i reset my password",
                 "write me a haiku about mondays", "what's 17% of 240", "is the printer fixed"]  # fmt: skip
    rows = [
        {"id": f"off-{i}", "question": q, "type": "unanswerable", "category": "off-topic"}
        for i, q in enumerate(questions)
    ]
    (off / "queries.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    data = str(tmp_path / "data")
    with_off, without = tmp_path / "with.json", tmp_path / "without.json"
    args = [str(SEEDS), str(off), "--fit", "seeds", "--data-dir", data]
    assert main([*args, "--fit", "off", "--off-topic", "off", "--out", str(with_off)]) == 0
    assert main([*args, "--out", str(without)]) == 0
    capsys.readouterr()
    fitted, plain = json.loads(with_off.read_text()), json.loads(without.read_text())
    assert fitted["off_topic"] == ["off"] and "on_topic" not in plain
    assert {k: fitted[k] for k in ("answers", "answerable", "yes")} == {
        k: plain[k] for k in ("answers", "answerable", "yes")
    }
    on_topic = Logistic.from_dict(fitted["on_topic"], ON_TOPIC_FEATURES)
    assert on_topic.weights.min() >= 0 and on_topic.weights.max() > 0
    reader = LearnedReader.load(with_off, embedder=fitted["embedder"])
    assert reader._on_topic is not None
    assert LearnedReader.load(with_off, embedder="another")._on_topic is None
