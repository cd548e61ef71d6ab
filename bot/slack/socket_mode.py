"""Socket Mode: the app opens a WebSocket to Slack instead of taking HTTP requests (a laptop, no public URL).

Bolt's built-in handler needs no extra dependency. It asks for the socket's address with
`apps.connections.open` through the app's own WebClient, so SLACK_API_URL applies to it as to every
other call, acknowledges each envelope once Bolt has acked, and reconnects with a fresh address when the
connection drops (its monitor checks every `ping_interval` seconds).
"""

from __future__ import annotations

from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.slack.app import SlackBot

PING_INTERVAL = 10.0


def socket_handler(bot: SlackBot, app_token: str, *, ping_interval: float = PING_INTERVAL) -> SocketModeHandler:
    """A handler ready to `connect()` (returns once connected) and `close()`."""
    return SocketModeHandler(
        bot.app,
        app_token,
        web_client=bot.app.client,
        auto_reconnect_enabled=True,
        ping_interval=ping_interval,
    )
