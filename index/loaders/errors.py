"""The one exception a format loader raises when a whole source is unusable."""

from __future__ import annotations


class LoaderError(Exception):
    """A file or URL that yields no articles; the message is the short reason shown to the user."""
