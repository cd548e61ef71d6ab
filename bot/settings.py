"""The root settings object: every part (index, OpenAI access, answer, Slack), read from the environment
and `.env`. Front ends build it once; each layer below receives only the parts it needs."""

from __future__ import annotations

from pydantic import Field

from bot.core.settings import CoreSettings
from bot.slack.settings import SlackSettings

__all__ = ["Settings"]


class Settings(CoreSettings):
    slack: SlackSettings = Field(default_factory=SlackSettings.read)
