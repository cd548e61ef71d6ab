"""Newsbot in Slack: a Bolt app that answers questions in threads with cited articles.

`bot.slack.app.create_app` builds the app around any object with `answer(question, history=...)`;
`bot.cli.slack` runs it over Socket Mode or HTTP. The app keeps no conversation state: a thread's history
is read back from Slack, so any number of stateless workers can serve one workspace.
"""
