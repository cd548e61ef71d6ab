"""The app manifest asks for what the app handles: its events, its command, the scopes its calls need."""

from __future__ import annotations

import yaml

from tests.conftest import REPO


def test_the_manifest_matches_the_app() -> None:
    manifest = yaml.safe_load((REPO / "slack-manifest.yml").read_text(encoding="utf-8"))
    settings = manifest["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {"app_mention", "message.im"}
    assert settings["interactivity"]["is_enabled"] is True
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == ["/ask"]
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    needed = {"app_mentions:read", "im:history", "chat:write", "reactions:write", "commands"}
    needed |= {"channels:history", "groups:history", "mpim:history"}
    assert needed <= scopes
    assert settings["socket_mode_enabled"] is True
