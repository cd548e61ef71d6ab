"""The wire-copy phase of `newsbot bench`: ingest time and embedded chunks with and without stories.

The corpus is the reprint set (measure/gold/reprints: originals, their syndicated, edited, extended and
truncated copies, and near-miss stories). It is ingested twice into fresh data dirs, once with story
grouping (the default threshold) and once with it off (NEWSBOT_DUPLICATE_THRESHOLD=0, every copy
embedded); the grouping the real ingest stored is scored against the set's truth.

Run alone (all 60 stories): `python -m measure.bench.duplicates`.
"""

from __future__ import annotations

import json
import sys
import tempfile
from itertools import combinations
from pathlib import Path
from typing import Any

from measure.eval.stories import load

GROUPS = 30
"""Stories of the reprint set the bench ingests (each with its copies and near-miss): about 120 articles."""


def wire_items(groups: int = GROUPS) -> list[dict[str, Any]]:
    return [i for i in load() if int(str(i["group"])[1:4]) < groups]


def write_wire_corpus(path: Path, items: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [
        {"id": i["id"], "title": i["title"], "date": i["date"], "source": i["source"], "text": i["text"]} for i in items
    ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _ingest(corpus: Path, data_dir: Path, threshold: float) -> tuple[dict[str, Any], dict[str, str]]:
    from bot.settings import Settings
    from index.embed import make_embedder
    from index.ingest import ingest
    from index.manifest import Manifest, manifest_path
    from index.store import open_store

    settings = Settings.from_env(None, data_dir=data_dir, duplicate_threshold=threshold).index
    report = ingest([corpus], settings).to_dict()
    store = open_store(settings, make_embedder(settings), create=False)
    manifest = Manifest.load(store, manifest_path(settings))
    stories = {article_id: state.story_id or article_id for article_id, state in manifest.articles.items()}
    return report, stories


def pairwise(stories: dict[str, str], truth: dict[str, str]) -> dict[str, float]:
    ids = sorted(truth)
    together = {(a, b) for a, b in combinations(ids, 2) if stories[a] == stories[b]}
    truly = {(a, b) for a, b in combinations(ids, 2) if truth[a] == truth[b]}
    hit = len(together & truly)
    return {
        "precision": round(hit / len(together), 4) if together else 1.0,
        "recall": round(hit / len(truly), 4) if truly else 1.0,
    }


def phase_duplicates(workdir: Path, groups: int = GROUPS) -> dict[str, Any]:
    """Both ingests and the grouping score (run by `newsbot bench` in a fresh process)."""
    items = wire_items(groups)
    corpus = write_wire_corpus(workdir / "wire.jsonl", items)
    with_stories, stories = _ingest(corpus, workdir / "with-stories", _default_threshold())
    without, _ = _ingest(corpus, workdir / "without-stories", 0.0)
    truth = {i["id"]: i["group"] for i in items}  # a JSONL record's "id" is its article id
    return {
        "articles": len(items),
        "copies": sum(i["kind"] not in ("original", "near-miss") for i in items),
        "threshold": _default_threshold(),
        "with_stories": _figures(with_stories),
        "without_stories": _figures(without),
        "chunks_saved": without["chunks_added"] - with_stories["chunks_added"],
        "seconds_ratio": round(with_stories["seconds"] / without["seconds"], 3) if without["seconds"] else None,
        "grouping": pairwise({k: stories.get(k, k) for k in truth}, truth),
    }


def _figures(report: dict[str, Any]) -> dict[str, Any]:
    return {
        "seconds": round(float(report["seconds"]), 2),
        "chunks_embedded": report["chunks_added"],
        "duplicates": report["duplicates"],
    }


def _default_threshold() -> float:
    from index.settings import IndexSettings

    return float(IndexSettings.model_fields["duplicate_threshold"].default)


def main(argv: list[str]) -> None:
    with tempfile.TemporaryDirectory(prefix="newsbot-wire-") as tmp:
        print(json.dumps(phase_duplicates(Path(tmp), groups=int(argv[0]) if argv else 60), indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
