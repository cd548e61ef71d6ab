"""A digest in Slack: rendered as Block Kit (one cited line per story) and posted to a channel.

`newsbot digest --post CHANNEL` calls `post_digest` (from cron); it uses the bot token and API URL of
the Slack settings, like the app.
"""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.digest import Digest, DigestStory
from bot.core.stories import shown_title
from bot.slack import credentials, mrkdwn
from bot.slack.render import SlackMessage, packed_message
from bot.slack.settings import SlackSettings
from bot.slack.timeline import cited

DIGEST_EVENT = "newsbot_digest"
_HINTS = {
    "not_in_channel": " (invite the bot to the channel first: /invite @newsbot)",
    "channel_not_found": " (check the channel ID: channel details → bottom of the About tab)",
    "is_archived": " (the channel is archived: remove its digest from the channel map)",
}


class DigestPostError(credentials.SlackConfigError):
    """Slack refused the digest (not in the channel, no such channel): the message says what to do."""


def render_digest(digest: Digest) -> SlackMessage:
    about = f" on {mrkdwn.escape(digest.topic)}" if digest.topic else ""
    window = f"since {digest.since}" + (f" until {digest.until}" if digest.until else "")
    heading = f"*What is new{about}* ({window}, {_count(len(digest.stories))})"
    if not digest.stories:
        return packed_message(heading, ["Nothing new in the indexed articles."])
    return packed_message(heading, [_entry(story) for story in digest.stories])


def _entry(story: DigestStory) -> str:
    """The story's title and date, then its quote cited by source (the title is said once, in bold)."""
    title, when = shown_title(story.citation), mrkdwn.escape(story.date or "undated")
    heading = f"*{mrkdwn.escape(title)}* — {when}" if title else f"*{when}*"
    return f"{heading}\n{cited(story.citation, title_shown=True)}"


def post_digest(settings: SlackSettings, channel: str, digest: Digest, client: WebClient | None = None) -> str:
    """Post the digest to `channel`; returns the message ts."""
    client = client or WebClient(token=credentials.bot_token(settings), base_url=credentials.api_url(settings))
    message = render_digest(digest)
    try:
        response = client.chat_postMessage(
            channel=channel,
            text=message.text,
            blocks=message.blocks,
            metadata={"event_type": DIGEST_EVENT, "event_payload": {"app": "newsbot"}},
            unfurl_links=False,
            unfurl_media=False,
        )
    except SlackApiError as error:
        code = error.response.get("error", "unknown_error") if error.response is not None else "unknown_error"
        hint = _HINTS.get(code, "")
        raise DigestPostError(f"Slack refused the digest for {channel}: {code}{hint}") from None
    return str(response.get("ts", ""))


def _count(n: int) -> str:
    return f"{n} story" if n == 1 else f"{n} stories"
