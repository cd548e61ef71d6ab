"""Run an ingest that kills itself (SIGKILL) at a chosen point: the driver for the crash-safety tests.

Usage: crash_ingest.py [--batch-chunks N] [--wait S] [--die-after-batches K | --die-in-batch K
| --die-in-keyword-write | --die-in-keyword-save | --die-in-manifest-save
| --hold-after-batches K --until-exists FILE] INPUT...

Settings come from the environment as for `newsbot` (NEWSBOT_DATA_DIR, CHROMA_HOST, ...). The kill points
use ingest's own seams (the progress hook, the embedder it is given) or wrap the final saves, so they
are exact and repeatable, unlike a timer:
- after K batches are stored (the progress hook fires after each batch);
- inside batch K, after its old chunks were deleted and before the new ones are added (the embedder);
- inside the first keyword-index transaction (the first batch written through, before its commit);
- after the new generation is published, before the keyword index records it, or halfway through
  saving the manifest.
`--hold-after-batches` instead pauses mid-write until FILE exists, so a test can run a second ingest
against one that is certainly in progress.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

import index.ingest as ingest_module
from bot.settings import Settings
from index.embed import Embedder, make_embedder
from index.keyword import KeywordIndex
from index.manifest import Manifest


def die() -> None:
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


class DyingEmbedder:
    """The real embedder, except that its K-th batch embed kills the process first."""

    def __init__(self, inner: Embedder, die_on_call: int) -> None:
        self._inner = inner
        self._die_on_call = die_on_call
        self._calls = 0
        self.name, self.dim, self.max_tokens = inner.name, inner.dim, inner.max_tokens

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self._calls += 1
        if self._calls == self._die_on_call:
            die()
        return self._inner.embed(texts)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def die_halfway(save: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a save so it writes its temporary file or folder and then dies before swapping it in."""

    def dying(self: Any, path: Any) -> None:
        original_replace = os.replace

        def replace(src: Any, dst: Any) -> None:
            if "tmp" in str(src):
                die()
            original_replace(src, dst)

        os.replace = replace  # type: ignore[assignment]
        try:
            save(self, path)
        finally:
            os.replace = original_replace  # type: ignore[assignment]

    return dying


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="+")
    parser.add_argument("--batch-chunks", type=int, default=ingest_module.BATCH_CHUNKS)
    parser.add_argument("--wait", type=float, default=0.0)
    point = parser.add_mutually_exclusive_group()
    point.add_argument("--die-after-batches", type=int, default=0)
    point.add_argument("--die-in-batch", type=int, default=0)
    point.add_argument("--die-in-keyword-write", action="store_true")
    point.add_argument("--die-in-keyword-save", action="store_true")
    point.add_argument("--die-in-manifest-save", action="store_true")
    point.add_argument("--hold-after-batches", type=int, default=0)
    parser.add_argument("--until-exists", type=Path)
    args = parser.parse_args()

    settings = Settings.from_env()
    embedder: Any = make_embedder(settings.index, settings.openai)
    if args.die_in_batch:
        embedder = DyingEmbedder(embedder, args.die_in_batch)
    if args.die_in_keyword_write:
        KeywordIndex._commit = lambda self: die()  # type: ignore[method-assign]
    if args.die_in_keyword_save:
        KeywordIndex.mark = lambda self, generation, seq: die()  # type: ignore[method-assign]
    if args.die_in_manifest_save:
        Manifest.save = die_halfway(Manifest.save)  # type: ignore[method-assign]

    def progress(done: int, total: int) -> None:
        print(json.dumps({"done": done, "total": total}), flush=True)
        progress.batches += 1  # type: ignore[attr-defined]
        if args.die_after_batches and progress.batches > args.die_after_batches:  # type: ignore[attr-defined]
            die()
        if args.hold_after_batches and progress.batches == args.hold_after_batches + 1:  # type: ignore[attr-defined]
            print(json.dumps({"holding": os.getpid()}), flush=True)
            while not args.until_exists.exists():
                time.sleep(0.05)

    progress.batches = 0  # type: ignore[attr-defined]
    report = ingest_module.ingest(
        args.inputs,
        settings.index,
        progress=progress,
        embedder=embedder,
        wait_s=args.wait,
        batch_chunks=args.batch_chunks,
    )
    print(json.dumps(report.to_dict()), flush=True)


if __name__ == "__main__":
    main()
