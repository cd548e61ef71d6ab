"""Slack's legacy assistant threads (bolt-python's `Assistant` middleware): the split-view AI app experience
of apps still on `assistant_view`. Its middleware also hands newsbot the follow-ups in agent-view DM
threads; the agent view's own events are in `bot.slack.agent`.

A new thread gets a greeting and suggested prompts built from the newest indexed articles; a question
gets the thread's title (its first question), progress while newsbot works (`bot.slack.progress`) and the
same cited answer as a mention, scoped like it by the channel map. The context a thread
was opened from (the channel the user is viewing) is kept by Bolt's default context store, in the
metadata of the greeting message, so it lives in Slack and not in any worker's memory.
"""

from __future__ import annotations

import logging
from concurrent.futures import Executor
from typing import Any

from slack_bolt import Assistant, Say, SetStatus, SetSuggestedPrompts, SetTitle
from slack_bolt.context.get_thread_context import GetThreadContext
from slack_sdk import WebClient

from bot.slack.library import Library, suggested_prompts
from bot.slack.progress import WRITING
from bot.slack.questions import QuestionHandlers

log = logging.getLogger(__name__)

GREETING = "Hi! Ask me anything about the indexed news articles. I answer from them only, and cite each one."
PROMPTS_TITLE = "Ask about the latest articles:"

__all__ = ["GREETING", "PROMPTS_TITLE", "WRITING", "AssistantHandlers"]


class AssistantHandlers:
    """The listeners of the `Assistant` middleware; questions pass the same gate as mentions and DMs."""

    def __init__(self, questions: QuestionHandlers, answers: Executor, library: Library) -> None:
        self.questions = questions
        self.answers = answers
        self.library = library

    def middleware(self) -> Assistant:
        assistant = Assistant()
        assistant.thread_started(self.on_thread_started)
        assistant.user_message(self.on_user_message)
        return assistant

    def on_thread_started(self, say: Say, set_suggested_prompts: SetSuggestedPrompts) -> None:
        """Greet (the greeting carries the thread's context) and suggest questions about what is new."""
        say(GREETING)
        try:
            prompts = suggested_prompts(self.library.newest(12))
        except Exception as error:
            log.warning("could not read the newest articles for suggested prompts: %s", type(error).__name__)
            return
        if prompts:
            set_suggested_prompts(prompts=prompts, title=PROMPTS_TITLE)

    def on_user_message(
        self,
        body: dict[str, Any],
        event: dict[str, Any],
        client: WebClient,
        context: Any,
        set_status: SetStatus,
        set_title: SetTitle,
        get_thread_context: GetThreadContext,
    ) -> None:
        """A question in a thread: a legacy assistant thread, or a follow-up in an agent-view DM thread
        (Bolt's middleware takes both). From here on, the same path as every other question."""
        admitted = self.questions.admit(body, event, client, context)
        if admitted is None:
            return
        post, question, identity = admitted

        def legacy_viewing() -> str | None:
            thread_context = get_thread_context()
            return thread_context.channel_id if thread_context is not None else None

        self.answers.submit(
            self.questions.answer,
            client,
            post,
            question,
            identity,
            set_status=lambda text: set_status(text),
            set_title=lambda title: set_title(title),
            viewing=self.questions.viewed_by(post, event, legacy=legacy_viewing),
        )
