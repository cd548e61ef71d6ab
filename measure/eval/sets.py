"""The gold sets `newsbot eval` scores as a whole rather than answer by answer: a reprint set (how wire
copies are grouped into stories, `stories`) and an overview set (fact recall and citation precision of
"summarize …" answers, `overview`) and an asks set (which questions are read as asking for an overview,
`asks`). A folder holding `reprints.jsonl` is a reprint set, one holding `asks.jsonl` an asks set; one whose
`dataset.json` says `"kind": "overview"` is an overview set; any other folder is a question set.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from measure.eval import asks, overview, stories

if TYPE_CHECKING:
    from bot.settings import Settings

REPRINTS_FILE = "reprints.jsonl"
REPRINTS = "reprints"
OVERVIEW = "overview"
ASKS = "asks"


def kind_of(dataset_dir: Path) -> str | None:
    """`REPRINTS`, `ASKS`, `OVERVIEW`, or None for a question set."""
    if (dataset_dir / REPRINTS_FILE).is_file():
        return REPRINTS
    if (dataset_dir / asks.ASKS_FILE).is_file():
        return ASKS
    try:
        manifest = json.loads((dataset_dir / "dataset.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return OVERVIEW if isinstance(manifest, dict) and manifest.get("kind") == OVERVIEW else None


def score_set(kind: str, dataset_dir: Path, settings: Settings) -> dict[str, Any]:
    """Run the set's own evaluation; an overview set is ingested under the settings' data dir."""
    if kind == REPRINTS:
        return {"kind": kind, **stories.evaluate(dataset_dir / REPRINTS_FILE)}
    if kind == ASKS:
        return {"kind": kind, **asks.evaluate(dataset_dir / asks.ASKS_FILE, settings)}
    return {"kind": kind, **overview.run_answers(dataset_dir, settings)}


SWEPT = {
    OVERVIEW: lambda result: {k: result["summary"][k] for k in ("fact_recall", "citation_precision", "answered")},
    ASKS: lambda result: {k: result["all"][k] for k in ("precision", "recall", "accuracy")},
}
"""The set kinds `newsbot eval --sweep` takes, and the figures of one run a sweep's row shows."""


def describe(result: dict[str, Any]) -> str:
    describers = {REPRINTS: stories.describe, ASKS: asks.describe}
    return describers.get(result["kind"], overview.describe)(result)
