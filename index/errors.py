"""The one base error of newsbot and the kinds a user can fix; anything else is a bug and shows as one.

Front ends print a `NewsbotError`'s message as a one-line error; every other exception is a traceback.
"""

from __future__ import annotations


class NewsbotError(Exception):
    """Something the user can fix: the message says what is wrong and what to do next."""


class SettingsError(NewsbotError):
    """A setting has a value newsbot cannot use (an unknown backend, a model name missing)."""


class StoreError(NewsbotError):
    """The store cannot be used as asked (no index yet, another embedder, the server is away)."""


class IngestBusy(NewsbotError):
    """Another ingest holds the data dir or the server-side write lease."""
