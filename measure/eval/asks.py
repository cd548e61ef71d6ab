"""Which questions ask for an overview, scored on a set of labelled asks (measure/gold/asks).

Each ask is labelled `overview` ("catch me up on …", "how did X play out?": several cited facts) or `fact`
(one answer); the score is how question understanding reads them (`Understander`: the intent model when
the configured embedder is the one it was fitted for, else the request rules): precision and recall of
`overview`, and accuracy, per half. Odd ids are the half developers may read the misses of; even ids are
reported, never listed, so the even figure stays a transfer figure. No index: it reads the questions only.

Run: `newsbot eval measure/gold/asks [--json] [--sweep NEWSBOT_OVERVIEW_INTENT_MIN=0.3,0.5,0.7]`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.core.understand import answer_type as types
from bot.core.understand.intent import OverviewIntent
from bot.core.understand.question import Understander
from index.catalog import Catalog
from index.embed import make_embedder
from measure.eval.dataset import odd

if TYPE_CHECKING:
    from bot.settings import Settings

ASKS_FILE = "asks.jsonl"
LABELS = ("overview", "fact")


def load(path: Path) -> list[dict[str, Any]]:
    """The asks, each checked: an id, a question and a label of `LABELS`."""
    asks = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        ask = json.loads(line)
        if not isinstance(ask, dict) or ask.get("kind") not in LABELS or not ask.get("question") or not ask.get("id"):
            raise ValueError(f"{path}:{number}: each line needs an id, a question and a kind of {', '.join(LABELS)}")
        asks.append(ask)
    return asks


def score(asks: list[dict[str, Any]]) -> dict[str, Any]:
    """Precision and recall of reading an ask as an overview, and accuracy, over `asks` (read by `evaluate`)."""
    said = [a["read_as_overview"] for a in asks]
    truth = [a["kind"] == "overview" for a in asks]
    both = sum(s and t for s, t in zip(said, truth, strict=True))
    return {
        "asks": len(asks),
        "overview": sum(truth),
        "precision": round(both / sum(said), 3) if any(said) else None,
        "recall": round(both / sum(truth), 3) if any(truth) else None,
        "accuracy": round(sum(s == t for s, t in zip(said, truth, strict=True)) / len(asks), 3) if asks else None,
    }


def evaluate(path: Path, settings: Settings) -> dict[str, Any]:
    """The scores on the whole set and per half, and the misses of the odd half; each ask is read once, as
    `settings` would have a pipeline read it."""
    embedder = make_embedder(settings.index, settings.openai)
    understander = Understander(Catalog(""), OverviewIntent.load(embedder, settings.answer.overview_intent_min))
    asks = [
        {**a, "read_as_overview": understander.understand(a["question"]).answer_type == types.OVERVIEW}
        for a in load(path)
    ]
    odd_half = [a for a in asks if odd(str(a["id"]))]
    even_half = [a for a in asks if not odd(str(a["id"]))]
    misses = [
        {"id": a["id"], "question": a["question"], "kind": a["kind"]}
        for a in odd_half
        if a["read_as_overview"] != (a["kind"] == "overview")
    ]
    return {"all": score(asks), "odd": score(odd_half), "even": score(even_half), "odd_misses": misses}


def describe(result: dict[str, Any]) -> str:
    """`evaluate`'s result as the lines a terminal shows."""
    lines = ["reading asks as overviews (precision / recall of 'overview', accuracy):"]
    for half in ("all", "odd", "even"):
        row = result[half]
        lines.append(
            f"  {half:<5} {row['asks']:>4} asks ({row['overview']} overview): precision {row['precision']}, "
            f"recall {row['recall']}, accuracy {row['accuracy']}"
        )
    if result["odd_misses"]:
        lines.append("misses on the odd half (the even half is scored, never listed):")
        lines += [f"  {m['id']} [{m['kind']}] {m['question']}" for m in result["odd_misses"]]
    return "\n".join(lines)
