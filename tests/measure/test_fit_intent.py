"""The intent fit runs end to end on the shipped gold sets and writes weights the understanding loads."""

from __future__ import annotations

import json
from pathlib import Path

from bot.core.understand.intent import OverviewIntent
from measure.fit_intent import main


def test_the_fit_writes_weights_that_load_and_reports_the_sets_it_never_saw(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "intent.json"
    assert main(["--out", str(out), "--dev", str(tmp_path / "no-dev-split")]) == 0
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written["embedder"] == embedder.name
    unseen = {row["set"] for row in written["report"] if not row["fitted_on"]}
    assert {"asks-b", "asks (even ids)", "overview-blind"} <= unseen
    assert not unseen & set(written["fitted_on"])
    intent = OverviewIntent.load(embedder, 0.5, out)
    assert intent is not None
    assert intent.probability("Catch me up on the dock strike.") > 0.5 > intent.probability("When did the talks end?")
