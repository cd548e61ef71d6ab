"""The server-side write lease: one writer at a time on a shared Chroma server.

Ingests on different machines that share one Chroma server do not see each other's flock
(`index.lock`), so a server-mode ingest also takes a lease: its id and an expiry time written into the
collection's metadata. Chroma has no compare-and-set, so the lease is checked again after a short
settle delay; that closes the race for writers that start more than a few milliseconds apart, which is
what scheduled ingest jobs do.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from index.errors import IngestBusy

LEASE_TTL_S = 120.0
"""A live writer renews its lease every third of this; a dead one's lease is free after it."""
LEASE_SETTLE_S = 0.3
LEASE_POLL_S = 1.0


@dataclass(frozen=True)
class LeaseHolder:
    """Who holds a lease, parsed from the collection metadata (`writer`, `lease_until`)."""

    host: str
    pid: int
    token: str
    until: float

    @classmethod
    def from_metadata(cls, metadata: dict[str, Any]) -> LeaseHolder | None:
        writer = str(metadata.get("writer") or "")
        parts = writer.split("|")
        if len(parts) != 3 or not parts[1].isdigit():
            return None
        return cls(parts[0], int(parts[1]), writer, float(metadata.get("lease_until") or 0.0))

    def is_live(self, now: float) -> bool:
        """Unexpired, and, when it is this machine's, held by a process that still exists."""
        if self.until <= now:
            return False
        return self.host != socket.gethostname() or _pid_alive(self.pid)

    def describe(self) -> str:
        return f"pid {self.pid} on {self.host}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class WriteLease:
    """A writer's lease kept in collection metadata through `read`/`write` callbacks (see module doc)."""

    def __init__(
        self,
        read: Callable[[], dict[str, Any]],
        write: Callable[..., None],
        where: str,
        ttl_s: float = LEASE_TTL_S,
    ) -> None:
        self._read = read
        self._write = write
        self.where = where
        self.ttl_s = ttl_s
        self.token = f"{socket.gethostname()}|{os.getpid()}|{uuid.uuid4().hex[:12]}"
        self._renew_at = 0.0

    def acquire(self, wait_s: float = 0.0) -> None:
        deadline = time.monotonic() + wait_s
        while True:
            holder = LeaseHolder.from_metadata(self._read())
            if holder is None or holder.token == self.token or not holder.is_live(time.time()):
                self._stamp()
                time.sleep(LEASE_SETTLE_S)
                holder = LeaseHolder.from_metadata(self._read())
                if holder is not None and holder.token == self.token:
                    return
            if holder is not None and time.monotonic() >= deadline:
                raise IngestBusy(
                    f"another ingest ({holder.describe()}) is writing to {self.where}; "
                    "wait for it to finish, or pass --wait SECONDS"
                )
            time.sleep(LEASE_POLL_S)

    def renew(self) -> None:
        """Extend the lease if a third of it has passed; stop if another writer has taken it over."""
        if time.monotonic() < self._renew_at:
            return
        self.check()
        self._stamp()

    def check(self) -> None:
        holder = LeaseHolder.from_metadata(self._read())
        if holder is None or holder.token != self.token:
            who = holder.describe() if holder else "nobody"
            raise IngestBusy(f"this ingest lost its write lease on {self.where} to {who}; run it again")

    def released(self) -> dict[str, Any]:
        """The metadata values that free the lease (written together with the new generation)."""
        return {"writer": "", "lease_until": 0.0}

    def _stamp(self) -> None:
        self._write(writer=self.token, lease_until=time.time() + self.ttl_s)
        self._renew_at = time.monotonic() + self.ttl_s / 3
