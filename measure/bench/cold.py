"""`bench`'s cold `newsbot ask`: process start to printed answer, against a baseline tree in the same rounds.

The baseline is the code itself at another commit (`BASELINE_REF`, main before issue 23's cold-start
work), checked out as a git worktree in the work folder and run by the same interpreter, packages and
harness on the same index: nothing but the code differs, so no switch for old behaviour has to live in
the code. Each round runs both once, in alternating order, so both see the same background load; the
ratio is taken within each round (the machine is shared and noisy), then its median over rounds.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BASELINE_REF = "7a8c2c2"
"""main before the cold-start work of issue 23 (its cold ask: 3.3-3.5 s on the loaded 2-core machine)."""
SOURCE = Path(__file__).resolve().parents[2]
"""The source tree this bench runs from (the tree whose `newsbot ask` is measured)."""
SEEDS = SOURCE / "seeds"
SEEDS_QUESTION = "What did ZTE say about source code?"


def _ask(tree: Path, data_dir: Path, question: str) -> float:
    """Seconds for one fresh `newsbot ask` of `tree`'s code (PYTHONPATH first, so it wins over any install)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(tree), os.environ.get("PYTHONPATH")]))}
    # An installed newsbot has its bytecode compiled (pip does it; Python does it on a first run): a cold
    # start that recompiled every module each time would measure the compiler, so none is forbidden here.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    command = [sys.executable, "-c", "from bot.cli.main import main; main()", "ask", question]
    started = time.perf_counter()
    subprocess.run([*command, "--data-dir", str(data_dir)], cwd=tree, env=env, capture_output=True, check=True)
    return time.perf_counter() - started


def baseline_tree(workdir: Path, ref: str) -> tuple[Path | None, str | None]:
    """A worktree of `ref` (or `ref` itself when it is a folder), or None and why not."""
    if Path(ref).is_dir():
        return Path(ref).resolve(), None
    where = workdir / "cold-baseline"
    made = subprocess.run(
        ["git", "-C", str(SOURCE), "worktree", "add", "--detach", str(where), ref], capture_output=True, text=True
    )
    if made.returncode != 0:
        return None, f"git worktree add {ref}: {made.stderr.strip() or made.returncode}"
    return where, None


def remove_tree(tree: Path) -> None:
    subprocess.run(["git", "-C", str(SOURCE), "worktree", "remove", "--force", str(tree)], capture_output=True)


def _p(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "p50": round(statistics.median(ordered), 3),
        "p95": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 3),
    }


def cold_ask(data_dir: Path, question: str, runs: int, baseline: Path | None) -> dict[str, Any]:
    """`runs` interleaved rounds of this tree's `newsbot ask` and (when given) the baseline tree's."""
    ours: list[float] = []
    theirs: list[float] = []
    for tree in filter(None, (SOURCE, baseline)):
        _ask(tree, data_dir, question)  # untimed: writes each tree's bytecode, reads both into the page cache
    load = [round(os.getloadavg()[0], 2)]
    for n in range(runs):
        if baseline is not None and n % 2:
            theirs.append(_ask(baseline, data_dir, question))
        ours.append(_ask(SOURCE, data_dir, question))
        if baseline is not None and not n % 2:
            theirs.append(_ask(baseline, data_dir, question))
    load.append(round(os.getloadavg()[0], 2))
    result: dict[str, Any] = {"question": question, "rounds": runs, "new": {**_p(ours), "runs_s": _round(ours)}}
    result["load_avg_1min"] = {"before": load[0], "after": load[1], "cpus": os.cpu_count()}
    if baseline is not None:
        per_round = [a / b for a, b in zip(ours, theirs, strict=True)]
        result["baseline"] = {**_p(theirs), "runs_s": _round(theirs)}
        result["ratio_p50"] = round(result["new"]["p50"] / result["baseline"]["p50"], 3)
        result["ratio_per_round"] = {
            "median": round(statistics.median(per_round), 3),
            "min": round(min(per_round), 3),
            "max": round(max(per_round), 3),
        }
    return result


def _round(values: list[float]) -> list[float]:
    return [round(v, 3) for v in values]
