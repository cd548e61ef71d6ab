"""A real `chroma run` on 127.0.0.1 for server-mode tests (`measure.bench.chroma_server`, skipped when the
`chroma` binary is not installed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from measure.bench import chroma_server
from measure.bench.chroma_server import HOST, ChromaNotInstalled, free_port

__all__ = ["HOST", "ChromaServer", "free_port"]


class ChromaServer(chroma_server.ChromaServer):
    def __init__(self, path: Path, port: int | None = None) -> None:
        try:
            super().__init__(path, port)
        except ChromaNotInstalled as error:
            pytest.skip(str(error))
