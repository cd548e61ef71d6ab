"""The store's change log: what each write changed, so a keyword index elsewhere catches up incrementally.

Every write gets the next sequence number `seq`; each chunk it adds carries that `seq` in its metadata,
so "what was added since s" is a metadata query. Deletions leave no chunk behind, so the articles a
write deletes chunks of (updated, removed, half-written) are listed in the collection metadata *before*
the write deletes anything (`pending_touched`) and, once it is published, kept in a bounded log
(`change_log`: seq → article ids). A crashed write's list is merged into the next one, which reuses
its seq. Entries beyond `LOG_CAP_IDS` are dropped oldest first and `log_floor` rises: a reader older
than the floor rebuilds from the store instead, which is also what a store written before this log
existed (no `seq` yet) asks of a new reader.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

SEQ = "seq"
PENDING_SEQ = "pending_seq"
PENDING_TOUCHED = "pending_touched"
LOG = "change_log"
FLOOR = "log_floor"
LOG_CAP_IDS = 5000
"""Article ids kept in the log in all (about 40 bytes each in the collection metadata)."""


def committed_seq(metadata: dict[str, Any]) -> int:
    return int(metadata.get(SEQ) or 0)


def _loads(raw: Any, default: Any) -> Any:
    try:
        return json.loads(raw) if raw else default
    except (TypeError, ValueError):
        return default


def begin(metadata: dict[str, Any], touched: Iterable[str], interrupted: bool) -> tuple[int, dict[str, Any]]:
    """The seq this write will publish and the metadata recording what it is about to touch."""
    pending = int(metadata.get(PENDING_SEQ) or 0)
    if interrupted and pending > committed_seq(metadata):
        earlier = set(_loads(metadata.get(PENDING_TOUCHED), []))
    else:
        pending, earlier = committed_seq(metadata) + 1, set()
    listed = sorted(earlier | set(touched))
    return pending, {PENDING_SEQ: pending, PENDING_TOUCHED: json.dumps(listed)}


def end(metadata: dict[str, Any]) -> dict[str, Any]:
    """The metadata that publishes the pending write: its seq, its log entry, the floor."""
    pending = int(metadata.get(PENDING_SEQ) or 0) or committed_seq(metadata) + 1
    # the first logged write: only a store with nothing published yet has no unlogged history
    first_floor = pending if metadata.get("generation") else 0
    floor = int(metadata.get(FLOOR) or 0) if SEQ in metadata else first_floor
    log: dict[str, list[str]] = _loads(metadata.get(LOG), {})
    log[str(pending)] = sorted(set(log.get(str(pending), [])) | set(_loads(metadata.get(PENDING_TOUCHED), [])))
    entries = sorted(log.items(), key=lambda item: int(item[0]))
    while entries and sum(len(ids) for _, ids in entries) > LOG_CAP_IDS:
        dropped, _ = entries.pop(0)
        floor = max(floor, int(dropped))
    return {
        SEQ: pending,
        FLOOR: floor,
        LOG: json.dumps(dict(entries)),
        PENDING_SEQ: 0,
        PENDING_TOUCHED: "",
    }


@dataclass(frozen=True)
class Changes:
    """What changed after `after` up to `upto`: each touched article with the latest seq it was touched at."""

    after: int
    upto: int
    touched: dict[str, int]


def changes_since(metadata: dict[str, Any], after: int) -> Changes | None:
    """The logged changes after seq `after`, or None when the log cannot tell (rebuild instead)."""
    if SEQ not in metadata or after < int(metadata.get(FLOOR) or 0):
        return None
    upto = committed_seq(metadata)
    if after > upto:
        return None  # an index from another store (or a store that was recreated)
    touched: dict[str, int] = {}
    for seq, ids in sorted(_loads(metadata.get(LOG), {}).items(), key=lambda item: int(item[0])):
        if after < int(seq) <= upto:
            touched.update(dict.fromkeys(ids, int(seq)))
    return Changes(after, upto, touched)
