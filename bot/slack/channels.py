"""The channel map (`NEWSBOT_SLACK_CHANNELS_FILE`): per Slack channel, which sources answers come from, a
date window, and how newsbot behaves there. TOML or YAML, chosen by the file's suffix:

    [channels.C0MARKETS]              # channels:
    name = "markets"                  #   C0MARKETS:
    sources = ["Reuters", "Bloomberg"] #     sources: [Reuters, Bloomberg]
    window_days = 90                  #     window_days: 90
    only_when_cited = true            #     only_when_cited: true
    mention_only = true               #     mention_only: true
    digest = {every = "24h", at = "08:00"} #   digest: {every: 24h, at: "08:00"}

A question asked in a mapped channel, viewed from one (the agent view's `app_context_changed`, an
assistant thread's context) or sent with `/ask` there retrieves only from its sources, and from its date
window unless the question names dates of its own (`bot.slack.reply.ask_pipeline`).
`only_when_cited`: a question there that no article answers gets no public reply, only a private note to
the asker. `mention_only`: newsbot speaks in the channel only when mentioned, so `/ask` there stays private
(no "Share to channel"). `digest`: the app posts the channel's digest on that schedule
(`bot.slack.digest_schedule` says the keys, `bot.slack.digest_scheduler` posts). Unknown channels behave as
if there were no map.

The map is read at start and again on `reload` (SIGHUP in `newsbot slack`); a reload that fails keeps the
map in force and logs why, so a typo never takes the bot down. What follows the map (the digest
scheduler) subscribes with `on_reload` and is told the new rules.
"""

from __future__ import annotations

import logging
import threading
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from bot.core.retrieve import Filters
from bot.slack.credentials import SlackConfigError
from bot.slack.digest_schedule import DigestSchedule, parse_schedule

log = logging.getLogger(__name__)

_KEYS = {"name", "sources", "window_days", "only_when_cited", "mention_only", "digest"}


@dataclass(frozen=True)
class ChannelRule:
    """How newsbot answers for one channel."""

    channel: str
    sources: tuple[str, ...] = ()
    window_days: int | None = None
    only_when_cited: bool = False
    mention_only: bool = False
    name: str | None = None
    digest: DigestSchedule | None = None

    def filters(self, today: datetime | None = None) -> Filters | None:
        """The retrieval limits of this channel, or None when it limits nothing."""
        since = None
        if self.window_days:
            since = ((today or datetime.now(UTC)) - timedelta(days=self.window_days)).date().isoformat()
        if not self.sources and not since:
            return None
        return Filters(since=since, sources=self.sources)

    def scope(self) -> str | None:
        """What an answer here says about its scope, or None when the rule limits no retrieval (a channel
        mapped only for its digest or its manners is answered like any other)."""
        return self.describe() if self.sources or self.window_days else None

    def describe(self) -> str:
        """What the answer says about its scope: "From #markets's sources: Reuters, Bloomberg (last 90 days)"."""
        where = f"#{self.name}" if self.name else f"<#{self.channel}>"
        parts = [f"From {where}'s sources: {', '.join(self.sources)}" if self.sources else f"Scoped to {where}"]
        if self.window_days:
            parts.append(f"(last {self.window_days} days)")
        return " ".join(parts)


def _rule(channel: str, raw: Any, path: Path) -> ChannelRule:
    if not isinstance(raw, dict):
        raise SlackConfigError(f"{path}: channel {channel} must be a table of settings (sources, window_days, ...)")
    unknown = set(raw) - _KEYS
    if unknown:
        raise SlackConfigError(
            f"{path}: channel {channel} has unknown setting(s) {', '.join(sorted(unknown))}; "
            f"allowed: {', '.join(sorted(_KEYS))}"
        )
    sources = raw.get("sources") or []
    if isinstance(sources, str):
        sources = [sources]
    if not isinstance(sources, list) or not all(isinstance(s, str) and s.strip() for s in sources):
        raise SlackConfigError(f"{path}: channel {channel}: sources must be a list of source names")
    window = raw.get("window_days")
    if window is not None and (not isinstance(window, int) or isinstance(window, bool) or window < 1):
        raise SlackConfigError(f"{path}: channel {channel}: window_days must be a whole number of days, 1 or more")
    flags = {k: raw.get(k, False) for k in ("only_when_cited", "mention_only")}
    for key, value in flags.items():
        if not isinstance(value, bool):
            raise SlackConfigError(f"{path}: channel {channel}: {key} must be true or false")
    name = raw.get("name")
    return ChannelRule(
        channel,
        tuple(s.strip() for s in sources),
        window,
        flags["only_when_cited"],
        flags["mention_only"],
        str(name).lstrip("#") if name else None,
        parse_schedule(channel, raw["digest"], path) if "digest" in raw else None,
    )


def load_channel_map(path: Path) -> dict[str, ChannelRule]:
    """Read and check the file; a problem is a `SlackConfigError` naming the file and what to fix."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SlackConfigError(
            f"cannot read NEWSBOT_SLACK_CHANNELS_FILE {path}: {error.strerror or error}. Fix the path or unset it."
        ) from None
    try:
        if path.suffix.lower() == ".toml":
            data: Any = tomllib.loads(text)
        elif path.suffix.lower() in (".yml", ".yaml"):
            data = yaml.safe_load(text) or {}
        else:
            raise SlackConfigError(f"NEWSBOT_SLACK_CHANNELS_FILE {path} must end in .toml, .yaml or .yml")
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as error:
        raise SlackConfigError(f"{path} is not valid {path.suffix.lstrip('.').upper()}: {error}") from None
    channels = data.get("channels") if isinstance(data, dict) else None
    if not isinstance(channels, dict):
        raise SlackConfigError(f"{path} needs a 'channels' table: channel id → settings")
    return {str(channel): _rule(str(channel), raw, path) for channel, raw in channels.items()}


class ChannelMap:
    """The map in force; `reload` swaps it atomically, so answers in flight keep the rule they started with."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._rules: dict[str, ChannelRule] = load_channel_map(path) if path else {}
        self._listeners: list[Callable[[dict[str, ChannelRule]], None]] = []

    def rule(self, channel: str | None) -> ChannelRule | None:
        if not channel:
            return None
        with self._lock:
            return self._rules.get(channel)

    def rules(self) -> dict[str, ChannelRule]:
        """Every rule in force, by channel (a copy)."""
        with self._lock:
            return dict(self._rules)

    def on_reload(self, listener: Callable[[dict[str, ChannelRule]], None]) -> None:
        """Call `listener` with the new rules after each reload that takes effect."""
        self._listeners.append(listener)

    def __len__(self) -> int:
        with self._lock:
            return len(self._rules)

    def reload(self) -> bool:
        """Read the file again; on a problem keep the current map and log it. True when the new map is in force."""
        if self.path is None:
            return False
        try:
            rules = load_channel_map(self.path)
        except SlackConfigError as error:
            log.error("channel map not reloaded, the previous one stays in force: %s", error)
            return False
        with self._lock:
            self._rules = rules
        log.info("channel map reloaded from %s: %d channel(s)", self.path, len(rules))
        for listener in self._listeners:
            try:
                listener(dict(rules))
            except Exception:
                log.exception("applying the reloaded channel map failed; the new map is in force for answers")
        return True
