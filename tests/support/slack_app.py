"""Slack test helpers: settings with every Slack field explicit, a scripted pipeline, the real Bolt app
served over real HTTP on 127.0.0.1, and a client that sends Slack-signed requests to it the way Slack does."""

from __future__ import annotations

import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from bot.core.models import Answer, Citation, Turn
from bot.core.retrieve import Filters
from bot.settings import Settings
from bot.slack.app import SlackBot
from bot.slack.server import serve
from tests.support.slack_api import BOT_USER_ID, TEAM_ID, SlackApiServer

BOT_TOKEN = "xoxb-1111-2222-newsbottest"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


def slack_settings(data_dir: Path, api_url: str, **overrides: Any) -> Settings:
    """Settings with every Slack field explicit, so nothing leaks in from the environment or `.env`."""
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "slack_bot_token": BOT_TOKEN,
        "slack_app_token": None,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": api_url,
        "slack_rate_limit_per_min": 100,
        "slack_allowed_channels": "",
        "slack_channels_file": None,
        # The fallback (status, 👀) unless a test asks for task updates in the stream ("plan", "timeline").
        "slack_progress": "status",
        "max_question_chars": 2000,
    }
    values.update(overrides)
    return Settings.from_env(None, **values)


@dataclass
class FakePipeline:
    """A deterministic stand-in for bot.core.pipeline.Pipeline: the thing under test is the Slack adapter.

    Records every (question, history); `fail_next` makes the next calls raise like a backend that is down;
    `barrier` makes each call wait for the others, to prove answers run concurrently. `tokens` makes it
    write like a model: the pieces go to `on_token` before the answer returns (`fail_after_tokens` then
    raises instead of returning, a model that dies half way).
    """

    make: Callable[[str, Sequence[Turn]], Answer] | None = None
    tokens: Callable[[Answer], list[str]] | None = None
    fail_after_tokens: bool = False
    fail_next: int = 0
    barrier: threading.Barrier | None = None
    calls: list[tuple[str, list[Turn]]] = field(default_factory=list)
    filters: list[Filters | None] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(
        self,
        question: str,
        *,
        history: Sequence[Turn] = (),
        on_token: Callable[[str], None] | None = None,
        filters: Filters | None = None,
    ) -> Answer:
        with self.lock:
            self.calls.append((question, list(history)))
            self.filters.append(filters)
            failing = self.fail_next > 0
            self.fail_next -= 1 if failing else 0
        if self.barrier is not None:
            self.barrier.wait()
        if failing:
            raise ConnectionError("LLM backend unreachable at http://127.0.0.1:9/v1")
        answer = self.make(question, history) if self.make is not None else cited_answer(question)
        if on_token is not None:
            for piece in self.tokens(answer) if self.tokens is not None else [answer.answer]:
                on_token(piece)
        if self.fail_after_tokens:
            raise ConnectionError("the model server closed the stream")
        return answer


def cited_answer(question: str) -> Answer:
    citation = Citation(
        n=1,
        article_id="a1",
        title="EU takes common 5G stance",
        date="2019-03-27",
        source="Global Times",
        url="https://example.com/5g",
        quote="The blueprint did not exclude any companies.",
        chunk_id="a1:0",
        score=0.9,
    )
    return Answer(
        question=question,
        answer=f"About {question}: the blueprint did not exclude any companies [1].",
        refused=False,
        citations=[citation],
        backend="fake",
    )


@dataclass
class SlackClient:
    """Sends signed requests to the app's HTTP endpoint, like Slack's servers do."""

    base: str
    api: SlackApiServer
    secret: str = SIGNING_SECRET
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def post(self, path: str, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> int:
        timestamp = str(int(time.time()))
        signature = SignatureVerifier(self.secret).generate_signature(timestamp=timestamp, body=body)
        request = urllib.request.Request(
            self.base + path,
            data=body,
            method="POST",
            headers={
                "Content-Type": content_type,
                "X-Slack-Request-Timestamp": timestamp,
                "X-Slack-Signature": signature or "",
                **(headers or {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                self.last_body = response.read()
                return response.status
        except urllib.error.HTTPError as error:
            self.last_body = error.read()
            return error.code

    def event(
        self, event: dict[str, Any], *, event_id: str | None = None, headers: dict[str, str] | None = None
    ) -> int:
        body = {
            "token": "legacy-verification-token",
            "team_id": TEAM_ID,
            "api_app_id": "A0NEWSBOT",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(self.ids):08d}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
        }
        return self.post("/slack/events", json.dumps(body).encode(), "application/json", headers)

    def interaction(self, payload: dict[str, Any]) -> int:
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return self.post("/slack/events", body, "application/x-www-form-urlencoded")

    def feedback(self, message: dict[str, Any], channel: str, vote: str, *, user: str = "U0BOB") -> int:
        """A click on the 👍 ("up") or 👎 ("down") of the feedback buttons under `message`."""
        element = next(e for b in message["blocks"] if b["type"] == "context_actions" for e in b["elements"])
        side = "positive_button" if vote == "up" else "negative_button"
        payload = {
            "type": "block_actions",
            "team": {"id": TEAM_ID},
            "user": {"id": user},
            "api_app_id": "A0NEWSBOT",
            "trigger_id": f"{next(self.ids)}.5678.abcdef",
            "container": {"type": "message", "message_ts": message["ts"], "channel_id": channel},
            "channel": {"id": channel},
            "message": message,
            "response_url": self.api.response_url("vote"),
            "actions": [
                {
                    "type": "feedback_buttons",
                    "action_id": element["action_id"],
                    "block_id": "newsbot_feedback",
                    "value": element[side]["value"],
                    "action_ts": "1.2",
                }
            ],
        }
        return self.interaction(payload)

    def home_opened(self, user: str = "U0ALICE", channel: str = "D0ALICE", tab: str = "messages") -> int:
        """The person opens newsbot's Messages tab (agent view) or Home tab."""
        event = {"type": "app_home_opened", "user": user, "channel": channel, "tab": tab,
                 "event_ts": self.api.next_ts()}  # fmt: skip
        return self.event(event)

    def context_changed(self, viewing: str | None, user: str = "U0ALICE") -> int:
        """`app_context_changed`: what the person views now (a channel, or nothing)."""
        entities = [{"type": "slack#/types/channel_id", "value": viewing, "team_id": TEAM_ID}] if viewing else []
        context = {"entities": entities} if entities else {}
        return self.event({"type": "app_context_changed", "user": user, "context": context,
                           "event_ts": self.api.next_ts()})  # fmt: skip

    def dm(
        self, text: str, *, channel: str = "D0ALICE", user: str = "U0ALICE", thread_ts: str | None = None
    ) -> dict[str, Any]:
        """A person writes in newsbot's Messages tab (a new thread root, or a reply in `thread_ts`)."""
        message = self.api.add_message(channel, user, text, thread_ts=thread_ts)
        event = {**message, "channel": channel, "channel_type": "im", "team": TEAM_ID}
        assert self.event(event) == 200
        return event

    def command(self, form: dict[str, str]) -> int:
        return self.post("/slack/events", urlencode(form).encode(), "application/x-www-form-urlencoded")

    def mention(
        self, text: str, *, channel: str = "C0NEWS", user: str = "U0ALICE", thread_ts: str | None = None
    ) -> dict[str, Any]:
        """A person posts `@newsbot text` (stored in the fake Slack) and Slack sends `app_mention`."""
        message = self.api.add_message(channel, user, f"<@{BOT_USER_ID}> {text}", thread_ts=thread_ts)
        event = {**message, "type": "app_mention", "channel": channel, "event_ts": message["ts"]}
        assert self.event(event) == 200
        return event


@contextmanager
def serve_in_thread(bot: SlackBot) -> Iterator[str]:
    """The app's real HTTP server on a free port of 127.0.0.1, for the duration of the block."""
    server = serve(bot, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
