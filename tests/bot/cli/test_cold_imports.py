"""A cold extractive `newsbot ask` imports only what answering needs: the guard on issue 23's cold start.

No clock here (speed lives in `newsbot bench`): a heavy package imported again on the ask path is what
would silently give the win back, so that is what fails.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from bot.settings import Settings
from tests.conftest import REPO, ZTE_QUESTION, clean_env

HEAVY = (
    "chromadb",  # its Python client (~1 s): a read-only ask reads through chromadb_rust_bindings
    "bm25s",
    "scipy",
    "llama_index",
    "llama_cpp",
    "openai",
    "httpx",
    "opentelemetry",
    "grpc",
    "matplotlib",
    "slack_bolt",
    "slack_sdk",
    "trafilatura",
    "selectolax",
    "apscheduler",
    "datasketch",
    "sklearn",
    "torch",
)

ASK = """
import json, sys
from bot.cli.main import main
try:
    main(["ask", sys.argv[1], "--data-dir", sys.argv[2], "--json"], standalone_mode=False)
finally:
    print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})), file=sys.stderr)
"""


def test_an_extractive_ask_imports_no_heavy_package(seeded_settings: Settings) -> None:
    env = {**clean_env(), "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    data_dir = str(seeded_settings.index.data_dir)
    done = subprocess.run(
        [sys.executable, "-c", ASK, ZTE_QUESTION, data_dir], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert not answer["refused"] and "source code" in answer["answer"], "the ask really answered"
    loaded = set(json.loads(done.stderr.strip().splitlines()[-1]))
    assert "chromadb_rust_bindings" in loaded and "onnxruntime" in loaded, "it read Chroma and embedded"
    assert sorted(loaded & set(HEAVY)) == []
