"""The reprint set and its grouping score: targets met on the half not used to choose the threshold."""

from __future__ import annotations

import json
from pathlib import Path

from measure.eval.stories import REPRINTS, evaluate, group, halves, load, score
from measure.gold.reprints.generate import generate


def test_grouping_meets_the_targets_on_the_held_out_half() -> None:
    result = evaluate()
    held_out = result["reported_on"]
    assert held_out["precision"] >= 0.95 and held_out["recall"] >= 0.9
    assert result["chosen_on"]["items"] + held_out["items"] == len(load())


def test_scores_can_fail() -> None:
    items = load()
    _, test = halves(items)
    assert score(test, group(test, 1.01))["recall"] == 0.0, "a threshold above 1 groups nothing"
    everything = {i["id"]: "one" for i in test}
    assert score(test, everything)["precision"] < 0.5


def test_the_shipped_set_is_what_the_seeded_generator_writes(shared_eval_dir: Path) -> None:
    shipped = [json.loads(line) for line in REPRINTS.read_text(encoding="utf-8").splitlines()]
    assert shipped == generate()
    kinds = {i["kind"] for i in shipped}
    assert kinds == {"original", "syndicated", "edited", "added", "truncated", "near-miss"}
