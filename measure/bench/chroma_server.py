"""A real `chroma run` on 127.0.0.1: started on a free port, stopped after.

The bench's server mode (`bench --scale-chunks N --chroma-server`) and the server-mode tests both use it,
so what the bench measures is the same server the tests check.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HOST = "127.0.0.1"
START_TIMEOUT_S = 60.0


class ChromaNotInstalled(RuntimeError):
    """No `chroma` binary beside this Python or on PATH (it comes with the chromadb package)."""


def chroma_binary() -> str | None:
    beside = Path(sys.executable).parent / "chroma"
    return str(beside) if beside.exists() else shutil.which("chroma")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class ChromaServer:
    """One `chroma run --path PATH --host 127.0.0.1 --port PORT`; restartable on the same path and port."""

    def __init__(self, path: Path, port: int | None = None) -> None:
        binary = chroma_binary()
        if binary is None:
            raise ChromaNotInstalled("the `chroma` command is not installed (pip install chromadb)")
        self.binary = binary
        self.path = path
        self.port = port or free_port()
        self.log = path.parent / f"chroma-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def env(self) -> dict[str, str]:
        """What a newsbot process needs to use this server."""
        return {"CHROMA_HOST": HOST, "CHROMA_PORT": str(self.port)}

    def start(self) -> ChromaServer:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [self.binary, "run", "--path", str(self.path), "--host", HOST, "--port", str(self.port)],
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self.is_up():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"chroma run did not start on port {self.port}; see {self.log}")
            time.sleep(0.1)
        return self

    def is_up(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://{HOST}:{self.port}/api/v2/heartbeat", timeout=1) as reply:
                return bool(reply.status == 200)
        except OSError:
            return False

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
