"""The LLM judge: LlamaIndex's CorrectnessEvaluator against a scripted OpenAI-compatible server on loopback."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.models import Answer
from measure.eval.dataset import Query
from measure.eval.judge import JudgeUnavailable, make_judge
from tests.conftest import make_settings
from tests.support.openai_server import Reply, scripted_openai_server

QUERY = Query("q1", "Where did Huawei open a cybersecurity centre?", "answerable", "fact", ("Brussels",))
ANSWER = Answer(QUERY.question, "In Brussels [1].", False)


def test_judge_grades_with_the_configured_llm(tmp_path: Path) -> None:
    with scripted_openai_server([Reply(text="4.5\nThe answer names the right city.")]) as server:
        settings = make_settings(tmp_path, llm_setting="openai:scripted-model", openai_base_url=server.base_url)
        verdict = make_judge(settings)(QUERY, ANSWER)
    assert verdict.score == 4.5 and verdict.passing
    assert verdict.feedback == "The answer names the right city."
    prompt = server.completions[0].prompt
    assert QUERY.question in prompt and "In Brussels [1]." in prompt and "Brussels" in prompt


def test_a_failing_judge_is_recorded_not_fatal(tmp_path: Path) -> None:
    with scripted_openai_server([Reply(status=400, error="bad request")]) as server:
        settings = make_settings(tmp_path, llm_setting="openai:scripted-model", openai_base_url=server.base_url)
        verdict = make_judge(settings)(QUERY, ANSWER)
    assert verdict.score is None and not verdict.passing and verdict.feedback.startswith("judge failed")


def test_no_judge_for_the_extractive_backend(tmp_path: Path) -> None:
    with pytest.raises(JudgeUnavailable, match="NEWSBOT_LLM"):
        make_judge(make_settings(tmp_path, llm_setting="extractive"))
