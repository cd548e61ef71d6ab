"""Slack's assistant threads (bolt-python's `Assistant` middleware): the split-view AI app experience.

A new thread gets a greeting and suggested prompts built from the newest indexed articles; a question
gets the thread's title (its first question), a status while newsbot works ("Searching 12,430
articles…", then "Writing the answer…") and the same cited answer as a mention. The context a thread
was opened from (the channel the user is viewing) is kept by Bolt's default context store, in the
metadata of the greeting message, so it lives in Slack and not in any worker's memory.
"""

from __future__ import annotations

import logging
from concurrent.futures import Executor
from typing import Any

from slack_bolt import Assistant, Say, SetStatus, SetSuggestedPrompts, SetTitle
from slack_sdk import WebClient

from bot.slack.library import Library, searching_status, suggested_prompts
from bot.slack.questions import APOLOGY, Identity, Post, QuestionHandlers
from bot.slack.reply import Replier, post_notice

log = logging.getLogger(__name__)

GREETING = "Hi! Ask me anything about the indexed news articles. I answer from them only, and cite each one."
PROMPTS_TITLE = "Ask about the latest articles:"
WRITING = "Writing the answer…"
TITLE_LIMIT = 100


class AssistantHandlers:
    """The listeners of the `Assistant` middleware; questions pass the same gate as mentions and DMs."""

    def __init__(self, questions: QuestionHandlers, replier: Replier, answers: Executor, library: Library) -> None:
        self.questions = questions
        self.replier = replier
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
    ) -> None:
        admitted = self.questions.admit(body, event, client, context)
        if admitted is not None:
            post, question, identity = admitted
            self.answers.submit(self._answer, client, post, question, identity, set_status, set_title)

    def _answer(
        self,
        client: WebClient,
        post: Post,
        question: str,
        identity: Identity,
        set_status: SetStatus,
        set_title: SetTitle,
    ) -> None:
        try:
            history = self.questions.history(client, post, identity)
        except Exception as error:
            log.exception(
                "reading assistant thread %s/%s failed: %s", post.channel, post.thread_ts, type(error).__name__
            )
            post_notice(client, post.thread, APOLOGY)
            return
        if not history:
            _quietly(lambda: set_title(question[:TITLE_LIMIT]))
        _quietly(lambda: set_status(searching_status(self._count())))
        self.replier.reply(client, post.thread, question, history, on_writing=lambda: set_status(WRITING))

    def _count(self) -> int | None:
        try:
            return self.library.article_count()
        except Exception:
            log.debug("could not count the indexed articles", exc_info=True)
            return None


def _quietly(call: Any) -> None:
    """Titles and statuses are decoration: a refusal from Slack (an older workspace) never stops an answer."""
    try:
        call()
    except Exception as error:
        log.debug("an assistant thread update failed: %s", type(error).__name__)
