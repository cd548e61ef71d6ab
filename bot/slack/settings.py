"""The Slack front end's settings part: credentials, the Web API address, rate limit, allow-list, the
channel map and how progress shows."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr

from index.settings import SettingsPart, env


class SlackSettings(SettingsPart):
    slack_bot_token: SecretStr | None = Field(None, validation_alias=env("SLACK_BOT_TOKEN"))
    slack_app_token: SecretStr | None = Field(None, validation_alias=env("SLACK_APP_TOKEN"))
    slack_signing_secret: SecretStr | None = Field(None, validation_alias=env("SLACK_SIGNING_SECRET"))
    slack_api_url: str = Field("https://slack.com/api/", validation_alias=env("SLACK_API_URL"))
    slack_rate_limit_per_min: int = Field(10, ge=1, validation_alias=env("NEWSBOT_SLACK_RATE_LIMIT"))
    slack_allowed_channels: str = Field("", validation_alias=env("NEWSBOT_SLACK_CHANNELS"))
    slack_channels_file: Path | None = Field(None, validation_alias=env("NEWSBOT_SLACK_CHANNELS_FILE"))
    slack_progress: Literal["plan", "timeline", "status"] = Field(
        "plan", validation_alias=env("NEWSBOT_SLACK_PROGRESS")
    )

    @property
    def allowed_channels(self) -> frozenset[str]:
        return frozenset(c.strip() for c in self.slack_allowed_channels.split(",") if c.strip())
