"""Remember recently seen keys so a retried event, or the `app_mention` + `message` pair Slack sends for
one post, is answered once.

This is per process. Across workers the app relies on Slack's retry headers instead: a request carrying
`X-Slack-Retry-Num` is acknowledged and dropped (see `app.ignore_retries`), since the app acknowledges
every event at once and so the first delivery reached some worker already.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable


class Deduper:
    """A thread-safe LRU set: `first(key)` is True only the first time a key is offered."""

    def __init__(self, maxsize: int = 10_000) -> None:
        self._maxsize = maxsize
        self._seen: OrderedDict[Hashable, None] = OrderedDict()
        self._lock = threading.Lock()

    def first(self, *keys: Hashable) -> bool:
        """True when none of `keys` was seen before; all of them are remembered either way."""
        with self._lock:
            fresh = not any(key in self._seen for key in keys)
            for key in keys:
                self._seen[key] = None
                self._seen.move_to_end(key)
            while len(self._seen) > self._maxsize:
                self._seen.popitem(last=False)
            return fresh

    def __len__(self) -> int:
        with self._lock:
            return len(self._seen)
