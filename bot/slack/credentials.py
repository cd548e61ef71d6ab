"""Check Slack credentials before anything starts, naming the variable to fix and never echoing it."""

from __future__ import annotations

import re

from pydantic import SecretStr

from bot.slack.settings import SlackSettings
from index.errors import NewsbotError


class SlackConfigError(NewsbotError):
    """A Slack setting is missing or malformed; the message names the environment variable."""


def _token(value: SecretStr | None, variable: str, prefix: str, kind: str) -> str:
    if value is None or not value.get_secret_value().strip():
        raise SlackConfigError(f"{variable} is not set: the Slack {kind} (it starts with '{prefix}').")
    token = value.get_secret_value().strip()
    if not re.fullmatch(re.escape(prefix) + r"[A-Za-z0-9-]+", token):
        raise SlackConfigError(
            f"{variable} is malformed: a Slack {kind} starts with '{prefix}' and has no spaces "
            "(check you did not paste another kind of token)."
        )
    return token


def bot_token(settings: SlackSettings) -> str:
    """The bot token (`xoxb-`), which every Web API call uses."""
    return _token(settings.slack_bot_token, "SLACK_BOT_TOKEN", "xoxb-", "bot token")


def app_token(settings: SlackSettings) -> str:
    """The app-level token (`xapp-`) that opens a Socket Mode connection."""
    return _token(settings.slack_app_token, "SLACK_APP_TOKEN", "xapp-", "app-level token")


def signing_secret(settings: SlackSettings) -> str:
    """The signing secret Bolt verifies every HTTP request against."""
    value = settings.slack_signing_secret
    secret = value.get_secret_value().strip() if value is not None else ""
    if not secret:
        raise SlackConfigError(
            "SLACK_SIGNING_SECRET is not set: HTTP mode needs the app's signing secret "
            "(Basic Information > App Credentials)."
        )
    if not re.fullmatch(r"[A-Za-z0-9]+", secret):
        raise SlackConfigError("SLACK_SIGNING_SECRET is malformed: a signing secret is letters and digits only.")
    return secret


def api_url(settings: SlackSettings) -> str:
    """The Web API base URL with the trailing slash WebClient joins method names onto."""
    url = settings.slack_api_url.strip()
    if not re.match(r"^https?://", url):
        raise SlackConfigError("SLACK_API_URL must be an http(s) URL such as https://slack.com/api/.")
    return url if url.endswith("/") else url + "/"
