"""Who may ask what, where: the checks every question passes before it reaches the pipeline.

Mentions, DMs and `/ask` share them, so a limit changed here applies to every way in.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.slack.ratelimit import RateLimiter

HELP = "Ask me a question about the indexed news articles, for example: What did ZTE say about source code?"
TOO_LONG = "That question is too long for me: please keep it under {limit} characters."
RATE_LIMITED = "You are asking faster than I can keep up. Please wait a minute and ask again."


@dataclass(frozen=True)
class QuestionGate:
    limiter: RateLimiter
    allowed_channels: frozenset[str]
    max_question_chars: int

    def channel_allowed(self, channel: str, is_dm: bool) -> bool:
        """The allow-list (when set) covers channels; DMs are always answered."""
        return is_dm or not self.allowed_channels or channel in self.allowed_channels

    def problem(self, question: str, user: str) -> str | None:
        """The reply that replaces an answer (help, too long, rate limited), or None to answer.

        The rate limit is counted last, so a rejected question does not use up the user's allowance.
        """
        if not question:
            return HELP
        if len(question) > self.max_question_chars:
            return TOO_LONG.format(limit=self.max_question_chars)
        if not self.limiter.allow(user):
            return RATE_LIMITED
        return None
