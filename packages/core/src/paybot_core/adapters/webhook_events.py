"""Which webhook events were already handled, so a redelivered event is acknowledged and skipped.

A tiny port with embedded implementations; DynamoDB's lives beside its session store
(`DynamoDBSessionStore.webhook_events()`, a conditional put with a TTL on the same table).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Protocol


class WebhookEventLog(Protocol):
    def claim(self, event_id: str, now: float) -> bool:
        """True the first time `event_id` is claimed; False for a duplicate."""
        ...

    def release(self, event_id: str) -> None:
        """Forget a claim whose handling failed, so the sender's retry is handled."""
        ...


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
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(path), timeout=10.0, isolation_level=None, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA busy_timeout=10000")
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS webhook_events (event_id TEXT PRIMARY KEY, received_at REAL NOT NULL)"
        )
        self.ttl_seconds = ttl_seconds
        self._lock = threading.Lock()

    def claim(self, event_id: str, now: float | None = None) -> bool:
        now = time.time() if now is None else now
        with self._lock:
            self._conn.execute("DELETE FROM webhook_events WHERE received_at < ?", (now - self.ttl_seconds,))
            cursor = self._conn.execute(
                "INSERT OR IGNORE INTO webhook_events (event_id, received_at) VALUES (?, ?)", (event_id, now)
            )
            return cursor.rowcount == 1

    def release(self, event_id: str) -> None:
        with self._lock:
            self._conn.execute("DELETE FROM webhook_events WHERE event_id = ?", (event_id,))
