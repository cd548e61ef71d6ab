"""The Bolt app factory: wires listeners, middleware and thread pools around an answer pipeline.

Mentions, DMs, the agent view (`app_home_opened`, `app_context_changed`), legacy assistant threads and
`/ask` share one gate (allow-list, limits), one channel map (scopes) and one way of replying: progress as
task updates in the answer's stream where Slack takes them, then the cited answer. Channels with a digest
schedule in the map get their digests posted by the app (`digest_scheduler`), whatever the transport.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.error import BoltError
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.core.digest import Digest, build_digest
from bot.settings import Settings
from bot.slack import credentials
from bot.slack.agent import AgentHandlers
from bot.slack.assistant import AssistantHandlers
from bot.slack.channels import ChannelMap, ChannelRule
from bot.slack.dedupe import Deduper
from bot.slack.digest import post_digest
from bot.slack.digest_schedule import DigestSchedule
from bot.slack.digest_scheduler import DigestScheduler
from bot.slack.executor import TrackingExecutor
from bot.slack.feedback import REASON_VIEW, FeedbackHandlers, FeedbackLog
from bot.slack.gate import QuestionGate
from bot.slack.library import EmptyLibrary, IndexLibrary, Library
from bot.slack.questions import QuestionHandlers
from bot.slack.ratelimit import RateLimiter
from bot.slack.render import FEEDBACK, SHARE, VOTE_DOWN, VOTE_UP
from bot.slack.reply import AnswerPipeline, Replier
from bot.slack.slash import SlashHandlers
from bot.slack.stream import STREAM_BUFFER
from bot.slack.timeline import TimelineHandlers
from bot.slack.viewing import ViewedChannels
from index.feedback import FeedbackStore

log = logging.getLogger(__name__)

FEEDBACK_FILE = "feedback.jsonl"


@dataclass
class SlackBot:
    """The Bolt app plus the two pools it runs on: `listeners` (Bolt's, short work such as acks and
    votes) and `answers` (pipeline calls), kept apart so slow answers never delay a click's ack."""

    app: App
    listeners: TrackingExecutor
    answers: TrackingExecutor
    feedback: FeedbackLog
    channels: ChannelMap
    digests: DigestScheduler | None = None

    def wait_idle(self, timeout: float | None = 30.0) -> bool:
        """Block until no listener or answer is running or queued (tests, graceful shutdown)."""
        for _ in range(100):
            if not self.listeners.wait_idle(timeout) or not self.answers.wait_idle(timeout):
                return False
            if self.listeners.pending == 0 and self.answers.pending == 0:
                return True
        return False

    def close(self, timeout: float | None = 30.0) -> None:
        if self.digests is not None:
            self.digests.shutdown()
        self.wait_idle(timeout)
        self.listeners.shutdown(wait=False)
        self.answers.shutdown(wait=False)


def ignore_retries(request: BoltRequest, next: Callable[[], None]) -> BoltResponse | None:
    """Acknowledge Slack's retries and drop them: events are acked at once, so a retry means the first
    delivery already reached a worker (this one or another), and answering again would answer twice.

    Socket Mode envelopes carry `retry_attempt` (0 on a first delivery), which Bolt mirrors as the HTTP
    header; only a number above 0 is a retry.
    """
    if _retry_number(request.headers.get("x-slack-retry-num")) > 0:
        return BoltResponse(status=200, body="")
    next()
    return None


def _retry_number(values: Sequence[str] | None) -> int:
    try:
        return int((values or ["0"])[0] or 0)
    except ValueError:
        return 1


def create_app(
    settings: Settings,
    pipeline: AnswerPipeline,
    *,
    client: WebClient | None = None,
    answer_workers: int = 8,
    listener_workers: int = 16,
    streaming: bool | None = None,
    stream_buffer: int = STREAM_BUFFER,
    library: Library | None = None,
    channels: ChannelMap | None = None,
) -> SlackBot:
    """Build the Bolt app. Checks SLACK_BOT_TOKEN (and calls auth.test) before returning.

    The signing secret is used when set; HTTP mode must require it (`credentials.signing_secret`) before
    calling this, Socket Mode does not need it. `streaming` defaults to on for model backends;
    `library` (what the assistant says is indexed) defaults to the pipeline's store when it has one;
    `channels` (the channel map) defaults to NEWSBOT_SLACK_CHANNELS_FILE, read now.
    """
    token = credentials.bot_token(settings.slack)
    if channels is None:
        channels = ChannelMap(settings.slack.slack_channels_file)
    if client is None:
        client = WebClient(token=token, base_url=credentials.api_url(settings.slack))
        client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))
    secret = settings.slack.slack_signing_secret.get_secret_value() if settings.slack.slack_signing_secret else ""
    listeners = TrackingExecutor(listener_workers, "newsbot-slack-listener")
    answers = TrackingExecutor(answer_workers, "newsbot-slack-answer")
    try:
        app = App(
            name="newsbot",
            client=client,
            signing_secret=secret,
            listener_executor=listeners,
            process_before_response=False,
        )
    except BoltError as error:
        listeners.shutdown(wait=False)
        answers.shutdown(wait=False)
        raise credentials.SlackConfigError(
            f"SLACK_BOT_TOKEN was rejected by Slack's auth.test at {client.base_url}: {_auth_error(error)}"
        ) from None
    except OSError as error:
        listeners.shutdown(wait=False)
        answers.shutdown(wait=False)
        raise credentials.SlackConfigError(
            f"Could not reach Slack's Web API at {client.base_url} (SLACK_API_URL): {type(error).__name__}"
        ) from None

    gate = QuestionGate(
        RateLimiter(settings.slack.slack_rate_limit_per_min),
        settings.slack.allowed_channels,
        settings.answer.max_question_chars,
    )
    if streaming is None:
        streaming = settings.backend.kind != "extractive"
    if library is None:
        library = IndexLibrary(pipeline) if hasattr(type(pipeline), "store") else EmptyLibrary()
    replier = Replier(
        pipeline,
        streaming=streaming,
        stream_buffer=stream_buffer,
        progress=settings.slack.slack_progress,
        count=library.article_count,
    )
    viewing = ViewedChannels.in_dir(settings.index.data_dir)
    questions = QuestionHandlers(replier, answers, dedupe=Deduper(), gate=gate, channels=channels, viewing=viewing)
    assistant = AssistantHandlers(questions, answers, library)
    agent = AgentHandlers(library, viewing)
    slash = SlashHandlers(pipeline, answers, gate=gate, channels=channels)
    feedback = FeedbackLog(settings.index.data_dir / FEEDBACK_FILE)
    votes = FeedbackHandlers(feedback, FeedbackStore.for_settings(settings.index))

    app.use(ignore_retries)
    app.use(assistant.middleware())
    app.event("app_home_opened")(agent.on_home_opened)
    app.event("app_context_changed")(agent.on_context_changed)
    app.event("app_mention")(questions.on_mention)
    app.event("message")(questions.on_message)
    app.action(FEEDBACK)(votes.on_vote)
    app.action(VOTE_UP)(votes.on_vote)
    app.action(VOTE_DOWN)(votes.on_vote)
    app.view(REASON_VIEW)(votes.on_reason)
    app.command("/ask")(slash.on_ask)
    app.command("/timeline")(TimelineHandlers(pipeline, answers, gate=gate).on_timeline)
    app.action(SHARE)(slash.on_share)
    digests = _digest_scheduler(settings, pipeline, app.client, channels)
    if digests is not None:
        digests.start()
    return SlackBot(
        app=app, listeners=listeners, answers=answers, feedback=feedback, channels=channels, digests=digests
    )


def _digest_scheduler(
    settings: Settings, pipeline: AnswerPipeline, client: WebClient, channels: ChannelMap
) -> DigestScheduler | None:
    """Digests need the index: a pipeline without a retriever (a scripted one in tests) gets none."""
    if not hasattr(type(pipeline), "retriever"):
        return None

    def build(rule: ChannelRule, schedule: DigestSchedule, slot: datetime) -> Digest:
        retriever = pipeline.retriever  # type: ignore[attr-defined]
        since = schedule.window_start(slot)
        return build_digest(retriever.store, retriever, since=since, topic=schedule.topic, sources=rule.sources)

    def post(channel: str, digest: Digest) -> str:
        return post_digest(settings.slack, channel, digest, client=client)

    return DigestScheduler(channels, build, post, settings.index.data_dir)


def _auth_error(error: BoltError) -> str:
    """The Slack error code only: the full response can carry request details we do not echo."""
    text = str(error)
    for code in ("invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"):
        if code in text:
            return code
    return "auth.test failed"
