"""The embedded implementations of the `WebhookEventLog` port (ports.py).

DynamoDB's lives beside its session store (`DynamoDBSessionStore.webhook_events()`, a conditional
put with a TTL on the same table); `bootstrap` picks the one that goes with the session store.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from ..pci.files import private_file
from ..ports import WebhookEventLog

__all__ = ["MemoryWebhookEvents", "SqliteWebhookEvents", "WebhookEventLog"]


class MemoryWebhookEvents:
    def __init__(self) -> None:
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def claim(self, event_id: str, now: float) -> bool:
        with self._lock:
            if event_id in self._seen:
                return False
            self._seen.add(event_id)
            return True

    def release(self, event_id: str) -> None:
        with self._lock:
            self._seen.discard(event_id)


class SqliteWebhookEvents:
    """A table in the data dir; old ids are pruned after `ttl_seconds` (Stripe retries for 3 days)."""

    def __init__(self, path: Path, *, ttl_seconds: float = 7 * 86_400) -> None:
        self.path = path
        self.ttl_seconds = ttl_seconds
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None  # opened on the first event: most servers get none

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            private_file(self.path)
            conn = sqlite3.connect(
                str(self.path), timeout=10.0, isolation_level=None, check_same_thread=False
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA busy_timeout=10000")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS webhook_events "
                "(event_id TEXT PRIMARY KEY, received_at REAL NOT NULL)"
            )
            self._db = conn
        return self._db

    def claim(self, event_id: str, now: float | None = None) -> bool:
        now = time.time() if now is None else now
        with self._lock:
            conn = self._conn()
            conn.execute("DELETE FROM webhook_events WHERE received_at < ?", (now - self.ttl_seconds,))
            cursor = conn.execute(
                "INSERT OR IGNORE INTO webhook_events (event_id, received_at) VALUES (?, ?)", (event_id, now)
            )
            return cursor.rowcount == 1

    def release(self, event_id: str) -> None:
        with self._lock:
            self._conn().execute("DELETE FROM webhook_events WHERE event_id = ?", (event_id,))
