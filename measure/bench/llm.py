"""`newsbot bench --llm-dataset DIR`: the local model's answers, tuned settings against today's, side by side.

Each round runs the dataset's questions through the whole pipeline (`NEWSBOT_LLM=local`) twice, each time in
a fresh process: once with `BASELINE` (the settings before the speed work) and the prompts of `BASELINE_REF`
(`baseline_prompts`), and once with the settings and prompts as they are now, in alternating order, so both
see the same background load. Only questions the model is
called for count (the rest are answered extractively or refused by rule); after the first round only those
are asked again. Every model call's prompt and generated tokens and milliseconds come from
`ChatResponse.raw["timings"]` (bot/core/answer/local_llm.py), collected through LlamaIndex's
instrumentation. Figures are per configuration, and the tuned / baseline ratio is taken within each round.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

BASELINE: dict[str, Any] = {
    "local_max_tokens": 160,
    "local_batch": 512,
    "local_speculative": 0,
    "local_prefix_cache": False,
    "local_threads": 2,
    "llm_evidence": 6,
    "judge_budget": 3,
}
"""The local model's settings before issue 23 (what `newsbot ask` did then; six evidence sentences was
grounding's constant before `NEWSBOT_LLM_EVIDENCE`, three judge calls a reply verify's before
`NEWSBOT_JUDGE_BUDGET`)."""


def baseline_prompts(workdir: Path, ref: str) -> tuple[Path, str | None]:
    """The prompt files as they were at `ref` (the cold bench's `BASELINE_REF`: the source block then carried
    the article's title), laid over today's so a prompt added since is there; today's alone, and why, when
    git cannot read `ref`."""
    from measure.bench.cold import SOURCE

    where = workdir / "baseline-prompts"
    shutil.rmtree(where, ignore_errors=True)
    shutil.copytree(SOURCE / "prompts", where, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    listed = subprocess.run(
        ["git", "-C", str(SOURCE), "ls-tree", "--name-only", ref, "prompts/"], capture_output=True, text=True
    )
    if listed.returncode != 0:
        return where, f"git ls-tree {ref}: {listed.stderr.strip() or listed.returncode}; today's prompts used"
    for name in listed.stdout.split():
        if name.endswith(".txt"):
            text = subprocess.run(["git", "-C", str(SOURCE), "show", f"{ref}:{name}"], capture_output=True, check=True)
            (where / Path(name).name).write_bytes(text.stdout)
    return where, None


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values) or [0.0]
    return {
        "p50": round(statistics.median(ordered), 1),
        "p95": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 1),
    }


def phase_model_answers(
    data_dir: Path, collection: str, questions: list[str], values: dict[str, Any], model: Path | None
) -> dict[str, Any]:
    """In a fresh process: every question through the pipeline with the local model and `values`;
    per question the answer, its milliseconds and its model calls' timings."""
    from llama_index.core.instrumentation import get_dispatcher
    from llama_index.core.instrumentation.event_handlers import BaseEventHandler
    from llama_index.core.instrumentation.events.llm import LLMChatEndEvent
    from pydantic import Field

    from bot.core.pipeline import Pipeline
    from bot.settings import Settings

    class Timings(BaseEventHandler):
        calls: list[dict[str, Any]] = Field(default_factory=list)

        @classmethod
        def class_name(cls) -> str:
            return "NewsbotBenchTimings"

        def handle(self, event: Any, **kwargs: Any) -> None:
            if isinstance(event, LLMChatEndEvent) and event.response is not None:
                timings = (event.response.raw or {}).get("timings")
                if timings:
                    self.calls.append(timings)

    timings = Timings()
    get_dispatcher().add_event_handler(timings)
    settings = Settings.from_env(
        None, data_dir=data_dir, collection=collection, llm_setting="local", local_model=model, **values
    )
    started = time.perf_counter()
    pipeline = Pipeline(settings).warm()
    load_s = time.perf_counter() - started
    rows = []
    for question in questions:
        first = len(timings.calls)
        started = time.perf_counter()
        answer = pipeline.answer(question)
        ms = (time.perf_counter() - started) * 1000
        rows.append({"question": question, "ms": ms, "answer": answer.answer, "calls": timings.calls[first:]})
    return {"load_s": round(load_s, 2), "rows": rows}


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """One configuration's figures over the questions the model was called for."""
    called = [r for r in rows if r["calls"]]

    def per_question(key: str) -> list[float]:
        return [sum(float(c[key]) for c in r["calls"]) for r in called]

    return {
        "questions": len(called),
        "model_calls": sum(len(r["calls"]) for r in called),
        "answer_ms": _percentiles([r["ms"] for r in called]),
        "prompt_tokens": _percentiles(per_question("prompt_tokens")),
        "cached_prompt_tokens": _percentiles(per_question("cached_tokens")),
        "generated_tokens": _percentiles(per_question("generated_tokens")),
        "prompt_eval_ms": _percentiles(per_question("prompt_ms")),
        "generation_ms": _percentiles(per_question("generation_ms")),
    }


def run_model_bench(
    data_dir: Path,
    collection: str,
    questions: list[str],
    rounds: int,
    model: Path | None,
    tuned: dict[str, Any],
    log: Any,
    baseline: dict[str, Any] = BASELINE,
) -> dict[str, Any]:
    """Baseline and tuned settings, interleaved round by round (order alternating), each in a fresh process."""
    from measure.bench.phases import in_fresh_process

    per_round: list[dict[str, dict[str, Any]]] = []
    asked = questions
    for n in range(1, rounds + 1):
        order = [("baseline", baseline), ("tuned", tuned)]
        if n % 2 == 0:
            order.reverse()
        results: dict[str, dict[str, Any]] = {}
        for name, values in order:
            log(f"model answers, round {n}/{rounds}: {name} settings over {len(asked)} questions ...")
            results[name] = in_fresh_process(phase_model_answers, data_dir, collection, asked, values, model)
        per_round.append(results)
        if n == 1:
            called = {r["question"] for name in results for r in results[name]["rows"] if r["calls"]}
            asked = [q for q in asked if q in called]
    return figures(per_round, tuned, baseline)


def figures(
    per_round: list[dict[str, dict[str, Any]]], tuned: dict[str, Any], baseline: dict[str, Any] = BASELINE
) -> dict[str, Any]:
    """Each configuration's figures (from all rounds' questions pooled), and the per-round ratios' median."""
    pooled = {name: [r for result in per_round for r in result[name]["rows"]] for name in ("baseline", "tuned")}
    summaries = {name: summarise(rows) for name, rows in pooled.items()}
    ratios = {"p50": [], "p95": []}  # type: dict[str, list[float]]
    same = 0
    compared = 0
    for result in per_round:
        base, mine = summarise(result["baseline"]["rows"]), summarise(result["tuned"]["rows"])
        for key in ratios:
            if mine["answer_ms"][key] > 0:
                ratios[key].append(base["answer_ms"][key] / mine["answer_ms"][key])
        answers = {r["question"]: r["answer"] for r in result["baseline"]["rows"] if r["calls"]}
        for row in result["tuned"]["rows"]:
            if row["question"] in answers:
                compared += 1
                same += row["answer"] == answers[row["question"]]
    return {
        "rounds": len(per_round),
        "tuned_settings": tuned,
        "baseline_settings": {key: str(value) if isinstance(value, Path) else value for key, value in baseline.items()},
        "tuned": summaries["tuned"],
        "baseline": summaries["baseline"],
        "speedup_p50": round(statistics.median(ratios["p50"]), 2) if ratios["p50"] else None,
        "speedup_p95": round(statistics.median(ratios["p95"]), 2) if ratios["p95"] else None,
        "same_answers": f"{same}/{compared}",
        "load_s": {
            name: round(statistics.median(result[name]["load_s"] for result in per_round), 2)
            for name in ("baseline", "tuned")
        },
    }


def tuned_settings() -> dict[str, Any]:
    """The local model's settings as `newsbot` now defaults them (AnswerSettings, no environment)."""
    from bot.core.settings import AnswerSettings

    defaults = AnswerSettings.read(None)
    return {key: getattr(defaults, key) for key in BASELINE}
