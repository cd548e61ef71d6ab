"""The app manifest asks for what the app handles: its events, its commands, the scopes its calls need, and
the agent view (the agent messaging experience) that new apps get."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from tests.conftest import REPO
from tests.support.slack_app import SlackClient


def _manifest() -> dict[str, Any]:
    manifest: dict[str, Any] = yaml.safe_load((REPO / "slack-manifest.yml").read_text(encoding="utf-8"))
    return manifest


def test_the_manifest_matches_the_app() -> None:
    manifest = _manifest()
    settings = manifest["settings"]
    events = {"app_mention", "message.im", "app_home_opened", "app_context_changed"}
    assert set(settings["event_subscriptions"]["bot_events"]) == events
    assert settings["interactivity"]["is_enabled"] is True
    commands = manifest["features"]["slash_commands"]
    assert [c["command"] for c in commands] == ["/ask", "/timeline"]
    for command in commands:  # declared alike: a description, a hint, user and channel IDs left as typed
        assert command["description"] and command["usage_hint"] and command["should_escape"] is False
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    needed = {"app_mentions:read", "im:history", "chat:write", "reactions:write", "commands", "assistant:write"}
    needed |= {"channels:history", "groups:history", "mpim:history", "users:read"}
    assert needed <= scopes
    assert settings["socket_mode_enabled"] is True
    assert manifest["features"]["agent_view"]["agent_description"]
    assert "assistant_view" not in manifest["features"]  # new apps cannot use it
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True


@pytest.mark.parametrize("command", [c["command"] for c in _manifest()["features"]["slash_commands"]])
def test_each_declared_command_is_handled_by_the_app(slack: SlackClient, command: str) -> None:
    form = {"command": command, "text": "", "user_id": "U0ALICE", "channel_id": "C0NEWS", "team_id": "T0TEST"}
    assert slack.command(form) == 200
    reply = json.loads(slack.last_body)
    assert reply["response_type"] == "ephemeral" and reply["text"], "an empty command is told how to use it"
    assert slack.command({**form, "command": "/undeclared"}) == 404
