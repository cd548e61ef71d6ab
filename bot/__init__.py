"""The conversation side of newsbot: retrieve, answer with citations, chat, Slack, eval."""
