"""The bench's wire-copy phase: fewer chunks embedded with stories, every copy grouped with its story."""

from __future__ import annotations

from pathlib import Path

from measure.bench.duplicates import phase_duplicates


def test_wire_copies_are_not_embedded_again(tmp_path: Path) -> None:
    wire = phase_duplicates(tmp_path, groups=2)
    assert wire["articles"] > wire["copies"] > 0
    assert wire["with_stories"]["duplicates"] == wire["copies"], "every wire copy joins its story"
    assert wire["without_stories"]["duplicates"] == 0
    assert wire["with_stories"]["chunks_embedded"] < wire["without_stories"]["chunks_embedded"]
    assert wire["chunks_saved"] > 0
    assert wire["grouping"] == {"precision": 1.0, "recall": 1.0}
