"""Sessions in a SQLite file: versioned (optimistic) writes, safe across threads and processes.

WAL mode lets readers run beside one writer; `secure_delete` overwrites freed pages, so a
wiped vault ciphertext does not linger in the file, and a save that drops a session's sealed
card checkpoints the WAL, so its old frames go too. Those are a second line: the ciphertext is
shredded already (`pci.vault`), its key destroyed. The file is created 0600 (its -wal and -shm
files take its mode).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

from ..conversation.state import Phase, SessionState, state_from_json, state_to_json
from ..errors import SessionExistsError, StoreUnavailableError, VersionConflictError
from ..pci.files import private_file

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    session_id TEXT PRIMARY KEY,
    version    INTEGER NOT NULL,
    sweep_at   REAL,              -- expiry time while the session can still expire, else NULL
    state      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_sweep_at ON sessions (sweep_at) WHERE sweep_at IS NOT NULL;
"""
_LIVE_PHASES = (Phase.ACTIVE, Phase.REQUIRES_ACTION)


def connect(path: Path) -> sqlite3.Connection:
    """A connection tuned for many short transactions from several processes."""
    private_file(path)
    conn = sqlite3.connect(path, timeout=10.0, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA secure_delete=ON")
    conn.execute("PRAGMA busy_timeout=10000")
    return conn


class SqliteSessionStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        with self._conn() as conn:
            conn.executescript(_SCHEMA)

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = connect(self.path)
            except sqlite3.Error as err:
                raise StoreUnavailableError(f"The session database could not be opened: {err}") from None
            self._local.conn = conn
        return conn

    def create(self, state: SessionState) -> SessionState:
        stored = state.evolve(version=1)
        try:
            self._conn().execute(
                "INSERT INTO sessions (session_id, version, sweep_at, state) VALUES (?, 1, ?, ?)",
                (state.session_id, _sweep_at(stored), state_to_json(stored).decode()),
            )
        except sqlite3.IntegrityError:
            raise SessionExistsError("A session with that id already exists.") from None
        except sqlite3.Error as err:
            raise StoreUnavailableError(f"The session database failed: {err}") from None
        return stored

    def load(self, session_id: str) -> SessionState | None:
        try:
            row = (
                self._conn()
                .execute("SELECT state FROM sessions WHERE session_id = ?", (session_id,))
                .fetchone()
            )
        except sqlite3.Error as err:
            raise StoreUnavailableError(f"The session database failed: {err}") from None
        return state_from_json(row[0]) if row else None

    def save(self, state: SessionState, expected_version: int) -> SessionState:
        stored = state.evolve(version=expected_version + 1)
        sql = "UPDATE sessions SET version = ?, sweep_at = ?, state = ? WHERE session_id = ? AND version = ?"
        params = (
            stored.version,
            _sweep_at(stored),
            state_to_json(stored).decode(),
            state.session_id,
            expected_version,
        )
        try:
            conn = self._conn()
            wiping = stored.sealed_card is None and self._holds_card(conn, state.session_id)
            cursor = conn.execute(sql, params)
            if wiping and cursor.rowcount == 1:
                # Old WAL frames still hold the sealed ciphertext: move the pages home and truncate.
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        except sqlite3.Error as err:
            raise StoreUnavailableError(f"The session database failed: {err}") from None
        if cursor.rowcount != 1:
            raise VersionConflictError("The session changed since it was read.")
        return stored

    @staticmethod
    def _holds_card(conn: sqlite3.Connection, session_id: str) -> bool:
        row = conn.execute(
            "SELECT json_extract(state, '$.sealed_card') IS NOT NULL FROM sessions WHERE session_id = ?",
            (session_id,),
        ).fetchone()
        return bool(row and row[0])

    def expired_session_ids(self, now: float, limit: int = 100) -> Sequence[str]:
        rows = (
            self._conn()
            .execute(
                "SELECT session_id FROM sessions WHERE sweep_at IS NOT NULL AND sweep_at <= ? LIMIT ?",
                (now, limit),
            )
            .fetchall()
        )
        return [r[0] for r in rows]

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


def _sweep_at(state: SessionState) -> float | None:
    return state.expires_at if state.phase in _LIVE_PHASES else None
