"""Periods written as text ("30s", "15m", "24h", "7d", "2w"): one grammar for `newsbot watch --every`, a
Slack channel's digest schedule and `newsbot digest --since`, so a period that works in one place works in
all, and every mistake is answered with the same description of what to write.
"""

from __future__ import annotations

import re
from datetime import timedelta

from index.errors import NewsbotError

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
FORMAT = "a number and a unit (s, m, h, d or w), e.g. 15m, 24h or 7d"
"""What a period looks like, for the messages of everything that takes one."""

_PERIOD = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]?)\s*$", re.IGNORECASE)


class PeriodError(NewsbotError):
    """Text that is not a positive period; the message names the setting and the format."""


def parse_period(text: str, *, what: str = "period", bare: str | None = None) -> timedelta:
    """The period `text` names. `what` names the setting in the error; `bare` is the unit of a number
    written without one (watch's seconds), and without it a unit is required ("24" is no digest period)."""
    match = _PERIOD.match(text)
    unit = (match.group(2).lower() or bare) if match else None
    if match is None or unit not in UNITS:
        raise PeriodError(f"{what} {text!r}: give {FORMAT}")
    seconds = float(match.group(1)) * UNITS[unit]
    if seconds <= 0:
        raise PeriodError(f"{what} {text!r}: the period must be longer than zero")
    return timedelta(seconds=seconds)


def format_period(period: timedelta) -> str:
    """The period in its largest whole unit ("1d", "90m"), else in seconds ("45.5s"): for logs."""
    seconds = period.total_seconds()
    for unit in ("w", "d", "h", "m"):
        if seconds >= UNITS[unit] and seconds % UNITS[unit] == 0:
            return f"{int(seconds // UNITS[unit])}{unit}"
    return f"{seconds:g}s"
