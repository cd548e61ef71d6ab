"""Newsbot in Slack: a Bolt app that answers questions in threads with cited articles.

`create_app` builds the app around any object with `answer(question, history=...)`; `command.slack` runs
it over Socket Mode or HTTP. The app keeps no conversation state: a thread's history is read back from
Slack, so any number of stateless workers can serve one workspace.
"""

from bot.slack.app import SlackBot, create_app
from bot.slack.credentials import SlackConfigError

__all__ = ["SlackBot", "SlackConfigError", "create_app"]
