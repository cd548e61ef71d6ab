"""Fixtures for the Slack app tests; the helpers behind them are in tests/support/slack_app.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.slack.app import SlackBot, create_app
from tests.support.slack_api import SlackApiServer
from tests.support.slack_app import BOT_TOKEN, FakePipeline, SlackClient, serve_in_thread, slack_settings


@pytest.fixture
def slack_api() -> Iterator[SlackApiServer]:
    with SlackApiServer(BOT_TOKEN) as api:
        yield api


@pytest.fixture
def pipeline(request: pytest.FixtureRequest) -> FakePipeline:
    """Parametrize indirectly with FakePipeline's keyword arguments to change its behaviour."""
    return FakePipeline(**getattr(request, "param", {}))


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """Override in a test module (or parametrize) to change the app's settings."""
    return {}


@pytest.fixture
def app_options() -> dict[str, Any]:
    """Override (or parametrize) to pass `create_app` keyword arguments: streaming, library, ..."""
    return {}


@pytest.fixture
def bot(
    tmp_path: Path,
    slack_api: SlackApiServer,
    pipeline: FakePipeline,
    settings_overrides: dict[str, Any],
    app_options: dict[str, Any],
) -> Iterator[SlackBot]:
    settings = slack_settings(tmp_path / "data", slack_api.url, **settings_overrides)
    app = create_app(settings, pipeline, answer_workers=10, **app_options)
    yield app
    app.close()


@pytest.fixture
def slack(bot: SlackBot, slack_api: SlackApiServer) -> Iterator[SlackClient]:
    """The app served over real HTTP on a free port, and a Slack-like client for it."""
    with serve_in_thread(bot) as base:
        yield SlackClient(base, slack_api)
