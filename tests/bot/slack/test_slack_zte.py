"""The real Pipeline over the seed article behind the real Bolt app: the ZTE question asked in Slack."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from bot.core.models import Answer, Turn
from bot.core.pipeline import Pipeline
from bot.slack import mrkdwn
from bot.slack.app import SlackBot
from bot.slack.history import ANSWER_EVENT
from tests.conftest import SEEDS, ZTE_QUESTION
from tests.support.slack_api import SlackApiServer
from tests.support.slack_app import SlackClient


class Recording:
    """The real pipeline, with a note of what Slack handed it."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self.calls: list[tuple[str, list[Turn]]] = []

    def answer(
        self, question: str, *, history: Sequence[Turn] = (), on_token: Callable[[str], None] | None = None
    ) -> Answer:
        self.calls.append((question, list(history)))
        return self.pipeline.answer(question, history=history, on_token=on_token)


@pytest.fixture
def pipeline(seeded_pipeline: Pipeline) -> Recording:
    """The app under test answers with the real chain over the ingested seeds."""
    return Recording(seeded_pipeline)


def squash(text: str) -> str:
    return "".join(text.split())


def test_a_mention_gets_one_threaded_answer_citing_the_seed_article(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer, pipeline: Recording
) -> None:
    expected = pipeline.pipeline.answer(ZTE_QUESTION)
    assert not expected.refused and expected.citations

    event = slack.mention(ZTE_QUESTION)
    assert bot.wait_idle(timeout=300)

    [answer] = slack_api.calls("chat.postMessage")
    assert answer.params["thread_ts"] == event["ts"]
    assert answer.params["metadata"]["event_type"] == ANSWER_EVENT
    assert answer.params["text"] == mrkdwn.escape(expected.answer)
    sources = next(b["text"]["text"] for b in answer.params["blocks"] if "*Sources*" in b["text"].get("text", ""))
    seed_text = squash("".join(p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")))
    for citation in expected.citations:
        assert f"*[{citation.n}]* {mrkdwn.escape(citation.title)}" in sources
        assert squash(citation.quote) in seed_text
        assert squash(mrkdwn.escape(citation.quote)) in squash(sources)
    assert any("source code" in c.quote for c in expected.citations)
    assert "source code" in sources


def test_a_follow_up_in_the_thread_reaches_the_pipeline_with_history(
    slack: SlackClient, bot: SlackBot, slack_api: SlackApiServer, pipeline: Recording
) -> None:
    first = slack.mention(ZTE_QUESTION)
    assert bot.wait_idle(timeout=300)
    slack.mention("Where will it open more labs?", thread_ts=first["ts"])
    assert bot.wait_idle(timeout=300)

    assert len(slack_api.calls("conversations.replies")) == 1
    first_answer, follow_up = slack_api.calls("chat.postMessage")
    assert follow_up.params["thread_ts"] == first["ts"]
    assert follow_up.params["metadata"]["event_type"] == ANSWER_EVENT
    assert pipeline.calls == [
        (ZTE_QUESTION, []),
        ("Where will it open more labs?", [Turn(ZTE_QUESTION, mrkdwn.unescape(first_answer.params["text"]))]),
    ]
