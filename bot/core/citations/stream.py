"""Marker rewriting for a streamed reply, so that the live tokens match the answer that is finally built."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.citations.markers import Renumbering
from bot.core.citations.reply import SOURCE_LIST, drop_source_tags, is_refusal, squash


class StreamRewriter:
    """Applies the marker rules to a reply as it streams: the live tokens are the reply as verification sees it.

    Markers are renumbered by first use (invalid ones dropped) with the same numbering `renumber`
    gives the whole reply; a reply that may still turn out to be the sentinel is held back; output
    stops at an echoed "Sources:" list. Text is held only while it could still change: an open `[`,
    trailing spaces, and the start of a line.
    """

    _HOLD = 24

    def __init__(self, n_sources: int, sentinel: str, emit: Callable[[str], None]) -> None:
        self._renumbering = Renumbering(n_sources)
        self._sentinel = sentinel
        self._emit = emit
        self._pending = ""
        self._started = False
        self._stopped = False
        self._at_line_start = True
        self._emitted_any = False

    def feed(self, delta: str) -> None:
        self._pending += delta
        self._drain(final=False)

    def close(self) -> None:
        self._drain(final=True)

    def _could_be_sentinel(self) -> bool:
        probe = squash(self._pending)
        return len(probe) <= len(squash(self._sentinel)) and squash(self._sentinel).startswith(probe)

    def _drain(self, final: bool) -> None:
        if self._stopped:
            return
        if not self._started:
            if final and is_refusal(self._pending, self._sentinel):
                self._stopped = True
                return
            if not final and self._could_be_sentinel():
                return
            self._started = True
            self._pending = self._pending.lstrip()
        cut = len(self._pending) if final else self._safe_end()
        region, self._pending = self._pending[:cut], self._pending[cut:]
        if region:
            self._emit_region(region)

    def _safe_end(self) -> int:
        text = self._pending
        cut = len(text)
        for opening, closing in (("[", "]"), ("<", ">")):
            at = text.rfind(opening)
            if at != -1 and closing not in text[at:] and len(text) - at <= self._HOLD:
                cut = min(cut, at)
        newline = text.rfind("\n")
        if newline != -1 and len(text) - newline <= self._HOLD:
            cut = min(cut, newline)
        while cut > 0 and text[cut - 1] in " \t\n":
            cut -= 1
        return cut

    def _emit_region(self, region: str) -> None:
        for match in SOURCE_LIST.finditer(region):
            if (match.start() > 0 or self._at_line_start) and (self._emitted_any or region[: match.start()].strip()):
                region = region[: match.start()].rstrip()
                self._stopped = True
                break

        text = self._renumbering.apply(drop_source_tags(region))
        if text:
            self._emit(text)
            self._emitted_any = True
            self._at_line_start = text.endswith("\n")
