"""Files that may hold card data (sealed or not), keys or audit records: the owner's alone.

Everything under the data dir is created 0600 inside a 0700 directory, so another local user
reads neither the stores nor their WAL (SQLite gives its -wal and -shm files the database's mode).
"""

from __future__ import annotations

import os
from pathlib import Path


def private_dir(path: Path) -> Path:
    """`path` as a directory only its owner may enter (created if missing)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def private_file(path: Path) -> Path:
    """`path` as a file only its owner may read (created empty if missing), in a private directory.

    An existing file is never opened here, only chmod-ed: closing a descriptor of a SQLite file
    would drop every POSIX lock this process holds on it, SQLite's own included.
    """
    private_dir(path.parent)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600))
    except FileExistsError:
        os.chmod(path, 0o600)
    return path
