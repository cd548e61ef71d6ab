"""The app manifest asks for what the app handles: its events, its command, the scopes its calls need, and
the assistant view its assistant threads live in."""

from __future__ import annotations

import yaml

from tests.conftest import REPO


def test_the_manifest_matches_the_app() -> None:
    manifest = yaml.safe_load((REPO / "slack-manifest.yml").read_text(encoding="utf-8"))
    settings = manifest["settings"]
    events = {"app_mention", "message.im", "assistant_thread_started", "assistant_thread_context_changed"}
    assert set(settings["event_subscriptions"]["bot_events"]) == events
    assert settings["interactivity"]["is_enabled"] is True
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == ["/ask"]
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    needed = {"app_mentions:read", "im:history", "chat:write", "reactions:write", "commands", "assistant:write"}
    needed |= {"channels:history", "groups:history", "mpim:history"}
    assert needed <= scopes
    assert settings["socket_mode_enabled"] is True
    assert manifest["features"]["assistant_view"]["assistant_description"]
