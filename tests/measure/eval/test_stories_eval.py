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


def test_trafilatura_leaks_less_boilerplate_than_the_built_in_reader(tmp_path: Path) -> None:
    from measure.eval.extract import evaluate as extract

    result = extract(tmp_path, limit=8)
    assert result["pages"] == 8
    assert result["trafilatura"]["pages_with_boilerplate"] < result["selectolax"]["pages_with_boilerplate"]
    assert result["trafilatura"]["sentence_recall"] >= 0.9
