"""Any OpenAI-compatible model as the reader's model: the first token's log-probabilities over the chat
completions API, the same reads and prompts as the bundled model, and a clear error from a server that gives
no log-probabilities. The server is the local scripted one (tests/support/openai_server.py)."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest
from llama_index.core.llms import ChatMessage, MessageRole
from pydantic import SecretStr

from bot.core.answer.evidence import Candidate, candidates
from bot.core.errors import AnswerBackendError
from bot.core.models import Hit
from bot.core.read.factory import make_reader
from bot.core.read.model import CHOICES, ModelReader
from bot.core.read.remote import TOP_LOGPROBS, OpenAIFirstToken
from bot.core.settings import AnswerSettings
from index.models import Chunk
from index.settings import OpenAISettings
from tests.conftest import ZTE_QUESTION
from tests.support.openai_server import Reply, ScriptedOpenAIServer, scripted_openai_server

ASK = [ChatMessage(role=MessageRole.USER, content="Does the excerpt answer the question?")]


def _candidate() -> Candidate:
    text = "Acme raised its prices by 5 percent in May."
    return candidates([Hit(Chunk("acme", 0, text, 0, len(text), title="Acme", source="Daily"), 0.9)])[0]


@pytest.fixture
def server() -> Iterator[ScriptedOpenAIServer]:
    with scripted_openai_server() as running:
        yield running


def access(server: ScriptedOpenAIServer) -> OpenAISettings:
    return OpenAISettings(openai_base_url=server.base_url, openai_api_key=SecretStr("k"), llm_max_retries=0)


def test_each_choice_is_the_summed_probability_of_its_spellings(server: ScriptedOpenAIServer) -> None:
    server.set_script([Reply(text="Yes", top_logprobs={"Yes": -0.2, " Yes": -3.0, "yes": -4.0, "No": -2.0})])
    yes, no = OpenAIFirstToken.from_settings(access(server), "reader-model").first_token_logprobs(ASK, CHOICES)
    assert yes == pytest.approx(math.log(math.exp(-0.2) + math.exp(-3.0) + math.exp(-4.0)))
    assert no == pytest.approx(-2.0)
    request = server.completions[-1].body
    assert request["model"] == "reader-model"
    assert (request["max_tokens"], request["logprobs"], request["top_logprobs"]) == (1, True, TOP_LOGPROBS)
    assert request["messages"] == [{"role": "user", "content": "Does the excerpt answer the question?"}]


def test_a_choice_the_model_did_not_list_reads_as_its_least_listed_token(server: ScriptedOpenAIServer) -> None:
    server.set_script([Reply(text="Yes", top_logprobs={"Yes": -0.01, "Maybe": -5.0, "Sure": -7.5})])
    yes, no = OpenAIFirstToken.from_settings(access(server), "m").first_token_logprobs(ASK, CHOICES)
    assert yes == pytest.approx(-0.01)
    assert no == pytest.approx(-7.5), "unlisted: at most as likely as the least listed, not impossible"


def test_a_server_without_log_probabilities_is_an_error_that_says_what_to_do(server: ScriptedOpenAIServer) -> None:
    server.set_script([Reply(text="Yes")])
    with pytest.raises(AnswerBackendError, match=r"log-probabilities.*NEWSBOT_READER=scorer"):
        OpenAIFirstToken.from_settings(access(server), "m").first_token_logprobs(ASK, CHOICES)


def test_without_a_key_or_a_server_the_error_names_both() -> None:
    with pytest.raises(AnswerBackendError, match=r"OPENAI_API_KEY.*OPENAI_BASE_URL"):
        OpenAIFirstToken.from_settings(OpenAISettings(), "m")


def test_the_factory_names_the_model_and_falls_back_to_the_answer_model(server: ScriptedOpenAIServer) -> None:
    named = make_reader(AnswerSettings(reader="openai:reader-model"), access=access(server))
    assert isinstance(named, ModelReader) and named.name == "openai:reader-model"
    same = make_reader(AnswerSettings(reader="openai", llm_setting="openai:answer-model"), access=access(server))
    assert same.name == "openai:answer-model"


def test_a_local_answer_model_is_not_taken_for_the_remote_reader(server: ScriptedOpenAIServer) -> None:
    """NEWSBOT_LLM=local hands its model to the factory (so a local reader loads no second copy); a remote
    reader still reads through the server."""
    server.set_script([Reply(text="Yes", top_logprobs={"Yes": -0.1, "No": -2.0})])

    class Local:
        def first_token_logprobs(self, messages: object, choices: object) -> list[float]:
            raise AssertionError("the local model was asked")

    reader = make_reader(AnswerSettings(reader="openai:reader-model"), Local(), access(server))
    assert isinstance(reader, ModelReader)
    assert reader.answer_margin("Who?", _candidate()) == pytest.approx(1.9)
    assert server.completions[-1].body["model"] == "reader-model"


@pytest.mark.parametrize(("reply", "refused"), [("No", True), ("Yes", False)])
def test_the_remote_model_decides_whether_the_seeds_answer(
    seeded_settings, embedder, server: ScriptedOpenAIServer, reply: str, refused: bool
) -> None:
    """End to end through the extractive answerer: the remote read of the best sentence, stacked with the
    scorer, is what the gate compares with NEWSBOT_ANSWERABLE_MIN (a sure "No" refuses a question the scorer
    alone answers)."""
    from bot.core.pipeline import Pipeline

    other = "No" if reply == "Yes" else "Yes"
    server.set_script([Reply(text=reply, top_logprobs={reply: -0.001, other: -9.0})])
    settings = seeded_settings.with_overrides(
        llm_setting="extractive", reader="openai:reader-model", openai_base_url=server.base_url, llm_max_retries=0
    )
    answer = Pipeline(settings, embedder=embedder).answer(ZTE_QUESTION)
    assert answer.refused is refused
    assert answer.understood["answer_margin"] == pytest.approx(-8.999 if refused else 8.999, abs=0.01)
    assert len(server.completions) == 1, "one read; the extractive answerer writes nothing with the model"
    prompt = server.completions[0].prompt
    assert ZTE_QUESTION in prompt and "Answer with one word, Yes or No." in prompt
