"""An append-only JSONL audit log on local disk, hash-chained across processes.

Several server processes may share one data dir, so each append takes an exclusive `flock` and, if
another process wrote since, reads the last record's hash first.

The file stays open between appends (the log takes a line on every turn, and opening it each time
was a visible share of a turn); each append checks the path still names the open file, so a
rotated or deleted log is reopened instead of written to a file nobody sees.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
from pathlib import Path

from ..ports import AuditEvent
from .audit_chain import GENESIS, to_line


class FileAuditLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._fd = -1
        self._identity: tuple[int, int] = (-1, -1)  # (device, inode) of the open file
        self._known_size = -1
        self._last_hash = GENESIS

    def append(self, event: AuditEvent) -> None:
        with self._lock:
            fd = self._open()
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                size = os.fstat(fd).st_size
                if size != self._known_size:
                    self._last_hash = _last_hash(fd, size)
                line, digest = to_line(event, self._last_hash)
                _write_all(fd, line)
                self._last_hash = digest
                self._known_size = size + len(line)
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)

    def _open(self) -> int:
        """The open log file; reopened when the path now names another file, or none."""
        if self._fd >= 0:
            try:
                named = os.stat(self.path)
                same = (named.st_dev, named.st_ino) == self._identity
            except FileNotFoundError:
                same = False
            if same:
                return self._fd
            os.close(self._fd)
        # O_APPEND: every write lands at the end, whoever else appended meanwhile.
        self._fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
        opened = os.fstat(self._fd)  # a file's identity never changes: one stat of the path a turn
        self._identity = (opened.st_dev, opened.st_ino)
        self._known_size = -1
        return self._fd

    def close(self) -> None:
        with self._lock:
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1

    def __del__(self) -> None:
        if getattr(self, "_fd", -1) >= 0:
            os.close(self._fd)

    def read_all(self) -> list[dict[str, object]]:
        if not self.path.exists():
            return []
        with open(self.path, "rb") as handle:
            return [json.loads(line) for line in handle if line.strip()]


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _last_hash(fd: int, size: int) -> str:
    """The hash of the file's last record, reading only its tail."""
    if size == 0:
        return GENESIS
    chunk = 4096
    while True:
        start = max(0, size - chunk)
        tail = os.pread(fd, size - start, start)
        lines = tail.rstrip(b"\n").split(b"\n")
        if len(lines) > 1 or start == 0:
            last: dict[str, str] = json.loads(lines[-1])
            return last["hash"]
        chunk *= 4
