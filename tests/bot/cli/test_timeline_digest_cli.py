"""`newsbot timeline` and `newsbot digest` as a user runs them, over an index with wire copies."""

from __future__ import annotations

import json
from pathlib import Path

from tests.index.test_stories import _wire
from tests.support.cli import run


def test_timeline_and_digest_commands(tmp_path: Path) -> None:
    corpus = _wire(tmp_path / "wire")
    data = ["--data-dir", str(tmp_path / "data")]
    ingested = run("ingest", str(corpus), "--json", *data, cwd=tmp_path)
    assert ingested.returncode == 0 and json.loads(ingested.stdout)["duplicates"] == 2

    shown = run("timeline", "EU 5G security", *data, cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "Timeline: EU 5G security" in shown.stdout and "2019-03-27  [1]" in shown.stdout
    assert "also carried by: Paper B, Paper C" in shown.stdout and "[2]" not in shown.stdout

    as_json = json.loads(run("timeline", "EU 5G security", "--json", *data, cwd=tmp_path).stdout)
    assert [e["citation"]["also_in"] for e in as_json["entries"]] == [["Paper B", "Paper C"]]

    digest = run("digest", "--since", "2019-03-01", *data, cwd=tmp_path)
    assert (
        digest.returncode == 0 and "2 stories" in digest.stdout and "also carried by: Paper B, Paper C" in digest.stdout
    )
    bad = run("digest", "--since", "yesterday", *data, cwd=tmp_path)
    assert bad.returncode == 1 and "24h" in bad.stderr
