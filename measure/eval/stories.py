"""Grouping of wire copies into stories, scored on the generated reprint set (measure/gold/reprints).

The items go through the same code ingest uses (`index.stories`: signatures, the LSH index, the overlap
test), in date order, each either founding a story or joining the best one. Scores are pairwise: of
the pairs put in one story, the share that truly are one (precision); of the true pairs, the share put
together (recall). The threshold is chosen on one half of the groups (`choose`) and reported on the
other half, which played no part in choosing.

Run: `newsbot eval measure/gold/reprints [--json]` (or `python -m measure.eval.stories [--json]`).
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import defaultdict
from itertools import combinations
from pathlib import Path
from typing import Any

from index.stories import StoryIndex, signature

REPRINTS = Path(__file__).resolve().parents[1] / "gold" / "reprints" / "reprints.jsonl"
GRID = tuple(round(0.5 + 0.025 * i, 3) for i in range(20))
PRECISION_TARGET = 0.95
RECALL_TARGET = 0.95
"""Stricter than the issue's 0.9, so the chosen threshold leaves room on the held-out half."""


def load(path: Path = REPRINTS) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def family(item: dict[str, Any]) -> str:
    """A group and its near-misses stay in one half (they share a topic)."""
    return str(item["group"]).split("-")[0]


def halves(items: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Split by a hash of the family: a stable half for choosing the threshold, the other for reporting it."""
    pick: list[list[dict[str, Any]]] = [[], []]
    for item in items:
        pick[int(hashlib.sha256(family(item).encode()).hexdigest(), 16) % 2].append(item)
    return pick[0], pick[1]


def group(items: list[dict[str, Any]], threshold: float) -> dict[str, str]:
    """Item id → predicted story, item by item in date order, as ingest assigns them."""
    index = StoryIndex(threshold)
    story: dict[str, str] = {}
    for item in sorted(items, key=lambda i: (i["date"], i["id"])):
        sig = signature(item["text"])
        match = index.match(sig)
        if match is None:
            story[item["id"]] = item["id"]
            index.add(item["id"], item["id"], sig)
        else:
            story[item["id"]] = match.story_id
    return story


def score(items: list[dict[str, Any]], predicted: dict[str, str]) -> dict[str, Any]:
    gold = {i["id"]: i["group"] for i in items}
    ids = sorted(gold)
    together = {(a, b) for a, b in combinations(ids, 2) if predicted[a] == predicted[b]}
    truly = {(a, b) for a, b in combinations(ids, 2) if gold[a] == gold[b]}
    hit = len(together & truly)
    precision = hit / len(together) if together else 1.0
    recall = hit / len(truly) if truly else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    originals = {i["group"]: i["id"] for i in items if i["kind"] == "original"}
    joined: dict[str, list[bool]] = defaultdict(list)
    for item in items:
        if item["kind"] not in ("original", "near-miss"):
            joined[item["kind"]].append(predicted[item["id"]] == predicted[originals[item["group"]]])
        if item["kind"] == "near-miss":
            base = originals[family(item)]
            joined["near-miss kept apart"].append(predicted[item["id"]] != predicted[base])
    return {
        "items": len(items),
        "stories": len(set(gold.values())),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "by_kind": {k: round(sum(v) / len(v), 4) for k, v in sorted(joined.items())},
    }


def choose(items: list[dict[str, Any]], grid: tuple[float, ...] = GRID) -> tuple[float, list[dict[str, Any]]]:
    """The strictest threshold that meets both targets on these items with one grid step to spare (the
    next stricter one meets them too), else the best F1.

    The errors are not alike: a wrong merge takes a story's own text out of dense search, a missed copy
    only costs one more embedding; so the strictest wins, short of the edge where recall falls away."""
    scores = [{"threshold": t, **score(items, group(items, t))} for t in grid]
    meets = [s["precision"] >= PRECISION_TARGET and s["recall"] >= RECALL_TARGET for s in scores]
    spared = [s["threshold"] for i, s in enumerate(scores[:-1]) if meets[i] and meets[i + 1]]
    if spared:
        return max(spared), scores
    return max(scores, key=lambda s: (s["f1"], s["threshold"]))["threshold"], scores


def evaluate(path: Path = REPRINTS) -> dict[str, Any]:
    items = load(path)
    dev, test = halves(items)
    threshold, dev_scores = choose(dev)
    return {
        "set": str(path.name),
        "threshold": threshold,
        "chosen_on": {"items": len(dev), "scores": dev_scores},
        "reported_on": {"threshold": threshold, **score(test, group(test, threshold))},
    }


def describe(result: dict[str, Any]) -> str:
    """`evaluate`'s result as the lines a terminal shows."""
    test = result["reported_on"]
    lines = [
        f"threshold {result['threshold']} (chosen on the other half, {result['chosen_on']['items']} items)",
        f"held-out half: {test['items']} items, {test['stories']} stories: precision {test['precision']}, "
        f"recall {test['recall']}, F1 {test['f1']}",
    ]
    lines += [f"  {kind}: {share}" for kind, share in test["by_kind"].items()]
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    result = evaluate()
    print(json.dumps(result, indent=2) if "--json" in argv else describe(result))


if __name__ == "__main__":
    main(sys.argv[1:])
