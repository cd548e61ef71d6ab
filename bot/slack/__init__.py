"""Newsbot in Slack: a Bolt app that answers questions in threads with cited articles.

`bot.slack.app.create_app` builds the app around any object with `answer(question, history=..., on_token=...)`;
`bot.cli.slack` runs it over Socket Mode or HTTP, and `bot.slack.entry` serves it under a WSGI or ASGI
server. Mentions, DMs and assistant threads get the same cited answer, streamed when a model writes it.
The app keeps no conversation state: a thread's history (and an assistant thread's context) is read back
from Slack, so any number of stateless workers can serve one workspace.
"""
