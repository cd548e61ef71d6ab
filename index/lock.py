"""One writer at a time on one machine: a `flock` per data dir (the kernel drops it when the holder dies).

Writers on other machines sharing a Chroma server are kept apart by the store's lease (`index.store.lease`).
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path
from types import TracebackType

from index.errors import IngestBusy

__all__ = ["IngestBusy", "IngestLock"]


class IngestLock:
    """An advisory `flock` on `<data_dir>/ingest.lock`; the kernel releases it if the holder dies."""

    def __init__(self, data_dir: Path, wait_s: float = 0.0) -> None:
        self.path = data_dir / "ingest.lock"
        self.wait_s = wait_s
        self._fd: int | None = None

    def __enter__(self) -> IngestLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.wait_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
                    os.close(fd)
                    raise IngestBusy(
                        f"another ingest (pid {holder}) is writing to {self.path.parent}; "
                        "wait for it to finish, or pass --wait SECONDS"
                    ) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
