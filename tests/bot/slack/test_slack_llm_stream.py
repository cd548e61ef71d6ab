"""A model answer streamed into Slack end to end: the core's real LLM answerer (its stream rewriter and
citation verification) talking to a scripted OpenAI-compatible server, behind the real Bolt app.

With a model backend configured, the app streams by default; what streams is what verification keeps,
so a clean reply needs no `chat.update`, and a reply verification changes is replaced by the verified one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.core.answer.llm import LLMAnswerer
from bot.core.models import Answer, Hit, Turn
from bot.core.request import Request
from bot.core.settings import PROMPTS_DIR
from bot.settings import Settings
from bot.slack.app import SlackBot, create_app
from index.embed.local import LocalOnnxEmbedder
from index.models import Chunk
from tests.support.openai_server import Reply, ScriptedOpenAIServer, scripted_openai_server
from tests.support.slack_api import SlackApiServer
from tests.support.slack_app import slack_settings

QUESTION = "Why did Acme raise prices, and when did the Geneva talks end?"
ARTICLES = {
    "geneva": ("Geneva talks end without a deal", "The summit opened in Geneva on Monday. "
               "The talks ended without a deal on Friday."),
    "acme": ("Acme raises prices", "Acme Corp raised its prices by 5 percent in May. "
             "The company blamed higher shipping costs."),
}  # fmt: skip


def hit(article_id: str, score: float) -> Hit:
    title, body = ARTICLES[article_id]
    url = f"https://news.example/{article_id}"
    return Hit(Chunk(article_id, 0, body, 0, len(body), title=title, date="2024-03-01", source="Daily", url=url), score)


class HitsPipeline:
    """The core's LLM answerer over fixed hits (retrieval is not what this test is about)."""

    def __init__(self, answerer: LLMAnswerer) -> None:
        self.answerer = answerer
        self.hits = [hit("geneva", 0.9), hit("acme", 0.8)]

    def answer(
        self, question: str, *, history: Sequence[Turn] = (), on_token: Callable[[str], None] | None = None
    ) -> Answer:
        return self.answerer.answer(Request.of(question, self.hits, on_token=on_token))


@pytest.fixture(scope="module")
def embedder() -> LocalOnnxEmbedder:
    return LocalOnnxEmbedder()


@pytest.fixture
def openai() -> Iterator[ScriptedOpenAIServer]:
    with scripted_openai_server() as server:
        yield server


@pytest.fixture
def model_settings(tmp_path: Path, slack_api: SlackApiServer, openai: ScriptedOpenAIServer) -> Settings:
    return slack_settings(tmp_path / "data", slack_api.url, llm_setting="openai:scripted-model",
                          openai_base_url=openai.base_url, openai_api_key=SecretStr("sk-test-0123456789"),
                          prompts_dir=PROMPTS_DIR, llm_timeout_s=10.0, llm_max_retries=1)  # fmt: skip


@pytest.fixture
def pipeline(model_settings: Settings, embedder: LocalOnnxEmbedder) -> HitsPipeline:
    return HitsPipeline(LLMAnswerer(model_settings, embedder))


@pytest.fixture
def bot(model_settings: Settings, pipeline: HitsPipeline) -> Iterator[SlackBot]:
    """No `streaming=` here: a model backend in the settings turns streaming on by itself."""
    app = create_app(model_settings, pipeline, answer_workers=2, stream_buffer=24)
    yield app
    app.close()


def evidence_numbers(openai: ScriptedOpenAIServer, pipeline: HitsPipeline) -> dict[str, int]:
    """How the answerer numbers the evidence sentences for QUESTION (deterministic): asked once, refused."""
    openai.set_script([Reply(text="NOT_IN_SOURCES")])
    pipeline.answer(QUESTION)
    prompt = openai.completions[-1].messages[1]["content"]
    openai.requests.clear()
    return {text: int(n) for n, text in re.findall(r'<source n="(\d+)">(.*) \([^()]*\)</source>', prompt)}


def streamed(api: SlackApiServer) -> str:
    return "".join(c.params.get("markdown_text") or "" for c in api.calls() if c.method.endswith("Stream"))


def methods(api: SlackApiServer) -> list[str]:
    return [c.method for c in api.calls() if c.method.startswith("chat.")]


def test_a_verified_model_answer_streams_as_written_and_stops_with_its_sources(
    slack: Any, bot: SlackBot, slack_api: SlackApiServer, openai: ScriptedOpenAIServer, pipeline: HitsPipeline
) -> None:
    n = evidence_numbers(openai, pipeline)
    acme, talks = n["Acme Corp raised its prices by 5 percent in May."], n["The talks ended without a deal on Friday."]
    reply = f"Acme raised its prices by 5 percent [{acme}]. The talks ended without a deal on Friday [{talks}]."
    openai.set_script([Reply(text=reply)])

    slack.mention(QUESTION)
    assert bot.wait_idle(timeout=120)

    assert openai.completions[-1].body["stream"] is True
    calls = methods(slack_api)
    assert calls[0] == "chat.startStream" and calls[-1] == "chat.stopStream" and "chat.appendStream" in calls
    assert "chat.update" not in calls and "chat.postMessage" not in calls
    assert (
        streamed(slack_api) == "Acme raised its prices by 5 percent [1]. The talks ended without a deal on Friday [2]."
    )
    [stop] = slack_api.calls("chat.stopStream")
    sources = stop.params["blocks"][0]["text"]["text"]
    assert sources.index("Acme raises prices") < sources.index("Geneva talks end without a deal")


def test_a_sentence_verification_removes_is_gone_from_the_final_message(
    slack: Any, bot: SlackBot, slack_api: SlackApiServer, openai: ScriptedOpenAIServer, pipeline: HitsPipeline
) -> None:
    n = evidence_numbers(openai, pipeline)
    acme = n["Acme Corp raised its prices by 5 percent in May."]
    reply = f"Acme raised its prices by 5 percent [{acme}]. Acme also fired its chief executive in June [{acme}]."
    openai.set_script([Reply(text=reply)])

    event = slack.mention(QUESTION)
    assert bot.wait_idle(timeout=120)

    assert "fired its chief executive" in streamed(slack_api)
    assert methods(slack_api)[-2:] == ["chat.stopStream", "chat.update"]
    [update] = slack_api.calls("chat.update")
    assert "fired" not in update.params["text"] and "Acme raised its prices by 5 percent" in update.params["text"]
    [message] = [m for m in slack_api.thread(event["channel"], event["ts"]) if m.get("bot_id")]
    assert "fired" not in message["text"]
