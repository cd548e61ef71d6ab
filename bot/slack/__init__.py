"""Newsbot in Slack: a Bolt app that answers questions in threads with cited articles.

`bot.slack.app.create_app` builds the app around any object with `answer(question, history=..., on_token=...)`;
`bot.cli.slack` runs it over Socket Mode or HTTP, and `bot.slack.entry` serves it under a WSGI or ASGI
server. Mentions, the Messages tab (the agent view), legacy assistant threads and `/ask` get the same cited
answer, with progress as task updates in its stream, scoped to a channel's sources by the channel map.
The app keeps no conversation state of its own: a thread's history (and an assistant thread's context) is
read back from Slack, and the viewed channels and readers' feedback are in the data dir, so any number of
workers sharing it can serve one workspace.
"""
