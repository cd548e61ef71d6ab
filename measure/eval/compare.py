"""What changed between two runs: every numeric summary metric, before, after and the difference."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Delta:
    key: str
    before: float | None
    after: float | None

    @property
    def change(self) -> float | None:
        return None if self.before is None or self.after is None else self.after - self.before

    def to_dict(self) -> dict[str, float | None]:
        return {"before": self.before, "after": self.after, "delta": self.change}


def load_summary(path: Path) -> dict[str, Any]:
    """The summary of a results.json (or of a saved `--json` output, which is the bare summary)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path} does not hold an eval summary")
    summary = data.get("summary", data)
    if not isinstance(summary, dict) or "n" not in summary:
        raise ValueError(f"{path} does not hold an eval summary")
    return summary


def flatten(summary: Mapping[str, Any], prefix: str = "") -> dict[str, float | None]:
    """Numeric leaves keyed by their dotted path, e.g. "retrieval.hit@10"; None stays None."""
    flat: dict[str, float | None] = {}
    for key, value in summary.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{name}."))
        elif value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
            flat[name] = None if value is None else float(value)
    return flat


def compare(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Delta]:
    """Every metric of either run, in the order of the newer run, then any the newer run lacks."""
    old, new = flatten(before), flatten(after)
    keys = [*new, *(k for k in old if k not in new)]
    return [Delta(k, old.get(k), new.get(k)) for k in keys]


def _is_count(key: str) -> bool:
    last = key.rsplit(".", 1)[-1]
    return last == "n" or last.startswith("n_")


def format_deltas(deltas: list[Delta]) -> str:
    """One line per metric, counts as integers; "=" marks a metric that did not move."""
    width = max((len(d.key) for d in deltas), default=0)
    lines = []
    for d in deltas:
        digits = 0 if _is_count(d.key) else 3
        before, after = (("n/a" if v is None else f"{v:.{digits}f}") for v in (d.before, d.after))
        change = d.change
        mark = "" if change is None else ("  =" if abs(change) < 1e-9 else f"  {change:+.{digits}f}")
        lines.append(f"{d.key:<{width}}  {before:>9} -> {after:>9}{mark}")
    return "\n".join(lines)
