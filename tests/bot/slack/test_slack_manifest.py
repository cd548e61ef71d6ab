"""The app manifest asks for what the app handles: its events, its command, the scopes its calls need, and
the agent view (the agent messaging experience) that new apps get."""

from __future__ import annotations

import yaml

from tests.conftest import REPO


def test_the_manifest_matches_the_app() -> None:
    manifest = yaml.safe_load((REPO / "slack-manifest.yml").read_text(encoding="utf-8"))
    settings = manifest["settings"]
    events = {"app_mention", "message.im", "app_home_opened", "app_context_changed"}
    assert set(settings["event_subscriptions"]["bot_events"]) == events
    assert settings["interactivity"]["is_enabled"] is True
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == ["/ask"]
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    needed = {"app_mentions:read", "im:history", "chat:write", "reactions:write", "commands", "assistant:write"}
    needed |= {"channels:history", "groups:history", "mpim:history", "users:read"}
    assert needed <= scopes
    assert settings["socket_mode_enabled"] is True
    assert manifest["features"]["agent_view"]["agent_description"]
    assert "assistant_view" not in manifest["features"]  # new apps cannot use it
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True
