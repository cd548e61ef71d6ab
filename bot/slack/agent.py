"""The agent messaging experience (`agent_view`): conversations in newsbot's Messages tab.

- `app_home_opened` with `tab == "messages"` (it replaces `assistant_thread_started`): suggested prompts
  at the top of the conversation, built from the newest indexed articles. No `thread_ts`: Slack drops
  prompts set on a thread in the agent view.
- `app_context_changed`: what the person is viewing; the first channel is kept for them
  (`bot.slack.viewing`), so their next question is scoped to that channel's sources (the channel map).
- Each message in the tab is a thread root and is answered in its thread by `QuestionHandlers` (no greeting
  message is posted: opening the tab is not a question).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient

from bot.slack.assistant import PROMPTS_TITLE
from bot.slack.library import Library, suggested_prompts
from bot.slack.viewing import ViewedChannels, viewed_channel

log = logging.getLogger(__name__)

MESSAGES_TAB = "messages"
NEWEST = 12


class AgentHandlers:
    """Bolt listeners for the agent view's own events."""

    def __init__(self, library: Library, viewing: ViewedChannels) -> None:
        self.library = library
        self.viewing = viewing

    def on_home_opened(self, body: dict[str, Any], event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab") != MESSAGES_TAB or not event.get("channel"):
            return  # the Home tab: newsbot publishes none
        self._remember(body, event)
        try:
            prompts = suggested_prompts(self.library.newest(NEWEST))
        except Exception as error:
            log.warning("could not read the newest articles for suggested prompts: %s", type(error).__name__)
            return
        if not prompts:
            return
        try:
            client.assistant_threads_setSuggestedPrompts(
                channel_id=event["channel"], title=PROMPTS_TITLE, prompts=prompts
            )
        except Exception as error:
            log.warning("could not set the suggested prompts: %s", type(error).__name__)

    def on_context_changed(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        self._remember(body, event, required=True)

    def _remember(self, body: dict[str, Any], event: dict[str, Any], *, required: bool = False) -> None:
        """Keep the channel the person is viewing (None when they view no channel)."""
        if "context" not in event and not required:
            return
        user = event.get("user") or (event.get("context") or {}).get("user_id")
        if not user:
            log.debug("an %s event without a user: nothing to keep", event.get("type"))
            return
        team = body.get("team_id") or event.get("team")
        try:
            self.viewing.save(team, str(user), viewed_channel(event.get("context")))
        except Exception as error:
            log.warning("could not keep which channel %s is viewing: %s", user, type(error).__name__)
