"""An append-only JSONL audit log on local disk, hash-chained across processes.

Several server processes may share one data dir, so each append takes an exclusive
`flock` and, if another process wrote since, reads the last record's hash first.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
from pathlib import Path

from ..ports import AuditEvent
from .audit_chain import GENESIS, canonical, to_record


class FileAuditLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._known_size = -1
        self._last_hash = GENESIS

    def append(self, event: AuditEvent) -> None:
        with self._lock, open(self.path, "a+b") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                size = os.fstat(handle.fileno()).st_size
                if size != self._known_size:
                    self._last_hash = _last_hash(handle, size)
                record = to_record(event, self._last_hash)
                handle.write(canonical(record) + b"\n")
                handle.flush()
                self._last_hash = record["hash"]
                self._known_size = os.fstat(handle.fileno()).st_size
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def read_all(self) -> list[dict[str, object]]:
        if not self.path.exists():
            return []
        with open(self.path, "rb") as handle:
            return [json.loads(line) for line in handle if line.strip()]


def _last_hash(handle: object, size: int) -> str:
    """The hash of the file's last record, reading only its tail."""
    if size == 0:
        return GENESIS
    assert hasattr(handle, "seek") and hasattr(handle, "read")
    chunk = 4096
    while True:
        start = max(0, size - chunk)
        handle.seek(start)
        tail: bytes = handle.read(size - start)
        lines = tail.rstrip(b"\n").split(b"\n")
        if len(lines) > 1 or start == 0:
            last: dict[str, str] = json.loads(lines[-1])
            return last["hash"]
        chunk *= 4
