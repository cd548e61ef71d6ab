"""`/ask`: a private (ephemeral) answer with a "Share to channel" button.

Ephemeral messages cannot be read back, so sharing asks the pipeline again with the question carried in
the button; the shared copy then gets the usual feedback buttons. In a channel of the channel map the
answer comes from that channel's sources (shared copies too), and a `mention_only` channel gets no share
button: newsbot speaks there only when mentioned.
"""

from __future__ import annotations

import logging
from concurrent.futures import Executor
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.slack import mrkdwn
from bot.slack.channels import ChannelMap, ChannelRule
from bot.slack.gate import QuestionGate
from bot.slack.history import ANSWER_EVENT
from bot.slack.render import SECTION_LIMIT, SlackMessage, render_answer, section
from bot.slack.reply import APOLOGY, AnswerPipeline, ask_pipeline, post_message

log = logging.getLogger(__name__)

NOT_HERE = "I am not enabled in this channel."
CANNOT_SHARE = "I could not post in this channel: invite me to it first (/invite @newsbot)."


class SlashHandlers:
    """Bolt listeners for `/ask` and its share button."""

    def __init__(
        self,
        pipeline: AnswerPipeline,
        answers: Executor,
        *,
        gate: QuestionGate,
        channels: ChannelMap | None = None,
    ) -> None:
        self.pipeline = pipeline
        self.answers = answers
        self.gate = gate
        self.channels = channels or ChannelMap(None)

    def _refusal(self, channel: str, user: str, question: str) -> str | None:
        if not self.gate.channel_allowed(channel, is_dm=channel.startswith("D")):
            return NOT_HERE
        return self.gate.problem(question, user)

    def on_ask(self, ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        question = " ".join((command.get("text") or "").split())
        problem = self._refusal(command.get("channel_id", ""), command.get("user_id", ""), question)
        if problem:
            ack(response_type="ephemeral", text=problem)
            return
        ack(response_type="ephemeral", text=":eyes: Looking that up…")
        rule = self.channels.rule(command.get("channel_id"))
        self.answers.submit(self._answer_privately, question, respond, rule)

    def _answer_privately(self, question: str, respond: Respond, rule: ChannelRule | None = None) -> None:
        try:
            answer = ask_pipeline(self.pipeline, question, (), rule)
            share = rule is None or not rule.mention_only
            scope = rule.scope() if rule is not None else None
            message = render_answer(answer, question=question, share=share, scope=scope)
            respond(response_type="ephemeral", replace_original=False, text=message.text, blocks=message.blocks)
        except Exception as error:
            log.exception("answering /ask failed: %s", type(error).__name__)
            respond(response_type="ephemeral", replace_original=False, text=APOLOGY)

    def on_share(self, ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        action = (body.get("actions") or [{}])[0]
        question = (action.get("value") or "").strip()
        channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
        user = (body.get("user") or {}).get("id", "")
        if question and channel:
            self.answers.submit(self._share, client, respond, channel, user, question)

    def _share(self, client: WebClient, respond: Respond, channel: str, user: str, question: str) -> None:
        try:
            rule = self.channels.rule(channel)
            answer = ask_pipeline(self.pipeline, question, (), rule)
            scope = rule.scope() if rule is not None else None
            message = render_answer(answer, question=question, scope=scope)
            asked = section(f"<@{user}> asked: {mrkdwn.escape(question)[: SECTION_LIMIT - 40]}")
            shared = SlackMessage(message.text, [asked, *message.blocks])
            post_message(client, channel, None, shared, ANSWER_EVENT, answer)
            respond(delete_original=True)
        except Exception as error:
            log.exception("sharing an /ask answer failed: %s", type(error).__name__)
            text = CANNOT_SHARE if "not_in_channel" in str(error) else APOLOGY
            respond(response_type="ephemeral", replace_original=False, text=text)
