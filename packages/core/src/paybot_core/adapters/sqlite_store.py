"""Sessions in a SQLite file: versioned (optimistic) writes, safe across threads and processes.

WAL mode lets readers run beside one writer; `secure_delete` overwrites freed pages, so a
wiped vault ciphertext does not linger in the file, and after a save that drops a session's
sealed card the sweeper's `tidy` checkpoints the WAL, so its old frames go too. Those are a
second line: the ciphertext is shredded already (`pci.vault`), its key destroyed, the moment the
card is tokenized or cancelled; which is why the checkpoint (a few fsyncs, about 2 ms) can wait
for the sweeper instead of holding up the payer's turn. The file is created 0600 (its -wal and
-shm files take its mode).

The same file keeps the merchant's records: payment links, the event outbox (written in the
session save's own transaction), the payments list and each webhook endpoint's delivery state.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any

from ..conversation.state import Phase, SessionState, state_from_json, state_to_json
from ..errors import SessionExistsError, StoreUnavailableError, VersionConflictError
from ..merchant.events import MerchantEvent
from ..merchant.outbox import BACKFILL_SECONDS
from ..merchant.records import EventQuery, Page, PaymentEntry, PaymentQuery, payment_entries
from ..pci.files import private_file
from ..ports import Delivery

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    session_id TEXT PRIMARY KEY,
    version    INTEGER NOT NULL,
    sweep_at   REAL,              -- expiry time while the session can still expire, else NULL
    state      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_sweep_at ON sessions (sweep_at) WHERE sweep_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS links (
    token      TEXT PRIMARY KEY,
    session_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,  -- save order: a session's events in order
    id         TEXT NOT NULL UNIQUE,
    session_id TEXT NOT NULL,
    type       TEXT NOT NULL,
    created    INTEGER NOT NULL,
    body       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_type ON events (type, seq);
CREATE TABLE IF NOT EXISTS payments (
    id         TEXT PRIMARY KEY,
    session_id TEXT NOT NULL,
    status     TEXT NOT NULL,
    reference  TEXT,
    created_at INTEGER NOT NULL,
    body       TEXT NOT NULL                        -- the payment as listed, without createdAt
);
CREATE INDEX IF NOT EXISTS payments_created ON payments (created_at);
CREATE INDEX IF NOT EXISTS payments_reference ON payments (reference, created_at);
CREATE TABLE IF NOT EXISTS webhook_endpoints (
    endpoint   TEXT PRIMARY KEY,
    last_seq   INTEGER NOT NULL                     -- events up to here have a delivery row
);
CREATE TABLE IF NOT EXISTS webhook_deliveries (
    endpoint    TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    session_id  TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_at     REAL NOT NULL,
    lease_until REAL NOT NULL DEFAULT 0,
    pending     INTEGER NOT NULL DEFAULT 1,        -- 0 once delivered or given up
    last_error  TEXT,
    PRIMARY KEY (endpoint, seq)
);
CREATE INDEX IF NOT EXISTS webhook_heads ON webhook_deliveries (endpoint, session_id, seq) WHERE pending = 1;
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
        self._wal_holds_wiped_card = threading.Event()
        self._recent = _RecentStates()
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

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def create(self, state: SessionState) -> SessionState:
        stored = state.evolve(version=1)
        insert = "INSERT INTO sessions (session_id, version, sweep_at, state) VALUES (?, 1, ?, ?)"
        params = (state.session_id, _sweep_at(stored), state_to_json(stored).decode())
        try:
            if state.link is None:
                self._conn().execute(insert, params)
            else:
                with self._transaction() as conn:
                    conn.execute(insert, params)
                    conn.execute(
                        "INSERT INTO links (token, session_id) VALUES (?, ?)",
                        (state.link.token, state.session_id),
                    )
        except sqlite3.IntegrityError:
            raise SessionExistsError("A session with that id already exists.") from None
        except sqlite3.Error as err:
            raise StoreUnavailableError(f"The session database failed: {err}") from None
        self._recent.keep(stored.session_id, 1, stored)
        return stored

    def load(self, session_id: str) -> SessionState | None:
        try:
            row = (
                self._conn()
                .execute("SELECT version, state FROM sessions WHERE session_id = ?", (session_id,))
                .fetchone()
            )
        except sqlite3.Error as err:
            raise StoreUnavailableError(f"The session database failed: {err}") from None
        if row is None:
            return None
        version, text = row
        state = self._recent.at(session_id, version)
        if state is None:
            state = state_from_json(text)
            self._recent.keep(session_id, version, state)
        return state

    def save(
        self, state: SessionState, expected_version: int, events: Sequence[MerchantEvent] = ()
    ) -> SessionState:
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
            wiping = stored.sealed_card is None and self._held_card(conn, state.session_id, expected_version)
            if not events:  # most turns: one statement, no transaction of its own
                if conn.execute(sql, params).rowcount != 1:
                    raise VersionConflictError("The session changed since it was read.")
            else:
                with self._transaction() as conn:
                    if conn.execute(sql, params).rowcount != 1:
                        raise VersionConflictError("The session changed since it was read.")
                    _insert_events(conn, events)
            if wiping:  # old WAL frames still hold the (shredded) ciphertext until `tidy`
                self._wal_holds_wiped_card.set()
        except sqlite3.Error as err:
            raise StoreUnavailableError(f"The session database failed: {err}") from None
        self._recent.keep(stored.session_id, stored.version, stored)
        return stored

    def tidy(self) -> None:
        """Move the WAL's pages home and truncate it, if a wiped card's frames may be in it."""
        if not self._wal_holds_wiped_card.is_set():
            return
        self._wal_holds_wiped_card.clear()
        try:
            busy, _, _ = self._conn().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except sqlite3.Error as err:
            self._wal_holds_wiped_card.set()
            raise StoreUnavailableError(f"The session database failed: {err}") from None
        if busy:  # a reader held the WAL: try again at the next sweep
            self._wal_holds_wiped_card.set()

    def _held_card(self, conn: sqlite3.Connection, session_id: str, version: int) -> bool:
        """Whether the row at `version` (the one a save replaces) holds a sealed card."""
        known = self._recent.at(session_id, version)
        return known.sealed_card is not None if known is not None else self._holds_card(conn, session_id)

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

    # ------------------------------------------------------------- merchant records

    def session_id_for_link(self, token: str) -> str | None:
        row = self._read("SELECT session_id FROM links WHERE token = ?", (token,))
        return str(row[0][0]) if row else None

    def append_events(self, events: Sequence[MerchantEvent]) -> None:
        try:
            with self._transaction() as conn:
                _insert_events(conn, events)
        except sqlite3.Error as err:
            raise StoreUnavailableError(f"The session database failed: {err}") from None

    def list_events(self, query: EventQuery) -> Page[MerchantEvent]:
        where: list[str] = ["1 = 1"]
        params: list[Any] = []
        if query.type is not None:
            where.append("type = ?")
            params.append(query.type)
        if query.created_after is not None:
            where.append("created > ?")
            params.append(query.created_after)
        if query.starting_after is not None:
            where.append("seq < (SELECT seq FROM events WHERE id = ?)")
            params.append(query.starting_after)
        rows = self._read(
            f"SELECT body, session_id FROM events WHERE {' AND '.join(where)} ORDER BY seq DESC LIMIT ?",  # noqa: S608 (fixed clauses)
            (*params, query.limit + 1),
        )
        found = [MerchantEvent.from_json(body, session_id) for body, session_id in rows]
        return Page(found[: query.limit], len(found) > query.limit)

    def list_payments(self, query: PaymentQuery) -> Page[PaymentEntry]:
        where: list[str] = ["1 = 1"]
        params: list[Any] = []
        for column, op, value in (
            ("reference", "=", query.reference),
            ("status", "=", query.status),
            ("created_at", ">", query.created_after),
            ("created_at", "<", query.created_before),
        ):
            if value is not None:
                where.append(f"{column} {op} ?")
                params.append(value)
        if query.starting_after is not None:
            where.append("(created_at, rowid) < (SELECT created_at, rowid FROM payments WHERE id = ?)")
            params.append(query.starting_after)
        rows = self._read(
            f"SELECT {_PAYMENT_COLUMNS} FROM payments WHERE {' AND '.join(where)} "  # noqa: S608 (fixed clauses)
            "ORDER BY created_at DESC, rowid DESC LIMIT ?",
            (*params, query.limit + 1),
        )
        found = [_payment(row) for row in rows]
        return Page(found[: query.limit], len(found) > query.limit)

    def get_payment(self, payment_id: str) -> PaymentEntry | None:
        rows = self._read(f"SELECT {_PAYMENT_COLUMNS} FROM payments WHERE id = ?", (payment_id,))  # noqa: S608
        return _payment(rows[0]) if rows else None

    def prune_events(self, created_before: float, limit: int = 1000) -> int:
        """Delete up to `limit` events created before `created_before` that every consumer is done
        with (delivered or given up), with their delivery rows; returns how many went. An event a
        consumer has not yet been handed, or still retries, stays. Payments are never pruned: they
        are the reconciliation record."""
        try:
            with self._transaction() as conn:
                seqs = [
                    (row[0],)
                    for row in conn.execute(
                        """SELECT e.seq FROM events e
                           WHERE e.created < ?
                             AND e.seq <= (SELECT coalesce(min(last_seq), (SELECT max(seq) FROM events))
                                           FROM webhook_endpoints)
                             AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d
                                             WHERE d.seq = e.seq AND d.pending = 1)
                           ORDER BY e.seq LIMIT ?""",
                        (created_before, limit),
                    )
                ]
                conn.executemany("DELETE FROM webhook_deliveries WHERE seq = ?", seqs)
                conn.executemany("DELETE FROM events WHERE seq = ?", seqs)
        except sqlite3.Error as err:
            raise StoreUnavailableError(f"The session database failed: {err}") from None
        return len(seqs)

    # ------------------------------------------------------------- webhook deliveries (the local dispatcher)

    def due(
        self,
        endpoint: str,
        now: float,
        limit: int,
        lease_seconds: float,
        types: AbstractSet[str] | None = None,
    ) -> Sequence[Delivery]:
        try:
            with self._transaction() as conn:
                self._enqueue(conn, endpoint, now, types)
                rows = conn.execute(
                    """SELECT d.seq, d.attempts, e.body, e.session_id FROM webhook_deliveries d
                       JOIN events e ON e.seq = d.seq
                       WHERE d.endpoint = ? AND d.pending = 1 AND d.next_at <= ? AND d.lease_until <= ?
                         AND d.seq = (SELECT min(h.seq) FROM webhook_deliveries h
                                      WHERE h.endpoint = d.endpoint AND h.session_id = d.session_id
                                        AND h.pending = 1)
                       ORDER BY d.seq LIMIT ?""",
                    (endpoint, now, now, limit),
                ).fetchall()
                conn.executemany(
                    "UPDATE webhook_deliveries SET lease_until = ? WHERE endpoint = ? AND seq = ?",
                    [(now + lease_seconds, endpoint, row[0]) for row in rows],
                )
        except sqlite3.Error as err:
            raise StoreUnavailableError(f"The session database failed: {err}") from None
        return [
            Delivery(endpoint, MerchantEvent.from_json(body, sid), attempts)
            for _, attempts, body, sid in rows
        ]

    def _enqueue(
        self, conn: sqlite3.Connection, endpoint: str, now: float, types: AbstractSet[str] | None
    ) -> None:
        """Give the events saved since the last look a delivery row for this endpoint (of `types` only,
        when it names them)."""
        row = conn.execute(
            "SELECT last_seq FROM webhook_endpoints WHERE endpoint = ?", (endpoint,)
        ).fetchone()
        if row is None:  # a new endpoint: the events still inside the retry window
            first = conn.execute(
                "SELECT coalesce(min(seq), (SELECT coalesce(max(seq), 0) + 1 FROM events)) FROM events "
                "WHERE created >= ?",
                (now - BACKFILL_SECONDS,),
            ).fetchone()
            last = int(first[0]) - 1
            conn.execute("INSERT INTO webhook_endpoints (endpoint, last_seq) VALUES (?, ?)", (endpoint, last))
        else:
            last = int(row[0])
        newest = conn.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]
        if newest <= last:
            return
        insert = (
            "INSERT OR IGNORE INTO webhook_deliveries (endpoint, seq, session_id, next_at) "
            "SELECT ?, seq, session_id, created FROM events WHERE seq > ? AND seq <= ?"
        )
        if types is None:
            conn.execute(insert, (endpoint, last, newest))
        else:
            wanted = sorted(types)
            marks = ", ".join("?" * len(wanted))
            conn.execute(f"{insert} AND type IN ({marks})", (endpoint, last, newest, *wanted))
        conn.execute("UPDATE webhook_endpoints SET last_seq = ? WHERE endpoint = ?", (newest, endpoint))

    def delivered(self, delivery: Delivery, now: float) -> None:
        self._update_delivery(delivery, "pending = 0, attempts = attempts + 1, last_error = NULL", ())

    def retry_at(self, delivery: Delivery, at: float, error: str) -> None:
        self._update_delivery(
            delivery, "attempts = attempts + 1, next_at = ?, lease_until = 0, last_error = ?", (at, error)
        )

    def give_up(self, delivery: Delivery, error: str) -> None:
        self._update_delivery(delivery, "pending = 0, attempts = attempts + 1, last_error = ?", (error,))

    def _update_delivery(self, delivery: Delivery, sets: str, params: tuple[Any, ...]) -> None:
        try:
            self._conn().execute(
                f"UPDATE webhook_deliveries SET {sets} WHERE endpoint = ? "  # noqa: S608 (fixed clauses)
                "AND seq = (SELECT seq FROM events WHERE id = ?)",
                (*params, delivery.endpoint, delivery.event.id),
            )
        except sqlite3.Error as err:
            raise StoreUnavailableError(f"The session database failed: {err}") from None

    def _read(self, sql: str, params: tuple[Any, ...]) -> list[Any]:
        try:
            return self._conn().execute(sql, params).fetchall()
        except sqlite3.Error as err:
            raise StoreUnavailableError(f"The session database failed: {err}") from None

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


class _RecentStates:
    """The state this process last wrote or read for each of its most recent sessions, by version.

    Every write of a session bumps its version (create writes 1, save the version read + 1), so a
    state kept at the version its row holds now is that row's state: `load` returns it instead of
    parsing the row's JSON again (the largest part of a load), and `save` knows whether the row it
    replaces held a sealed card without reading it back. A row another process wrote since has
    another version, and is read. The states are the rows' own content (masked facts and
    ciphertext, never card data), immutable, so threads share them.
    """

    def __init__(self, size: int = 1024) -> None:
        self._states: OrderedDict[str, tuple[int, SessionState]] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def at(self, session_id: str, version: int) -> SessionState | None:
        with self._lock:
            kept = self._states.get(session_id)
            if kept is None or kept[0] != version:
                return None
            self._states.move_to_end(session_id)
            return kept[1]

    def keep(self, session_id: str, version: int, state: SessionState) -> None:
        with self._lock:
            self._states[session_id] = (version, state)
            self._states.move_to_end(session_id)
            if len(self._states) > self._size:
                self._states.popitem(last=False)


def _sweep_at(state: SessionState) -> float | None:
    return state.expires_at if state.phase in _LIVE_PHASES else None


_PAYMENT_COLUMNS = "id, session_id, status, reference, created_at, body"


def _payment(row: tuple[Any, ...]) -> PaymentEntry:
    payment_id, session_id, status, reference, created_at, body = row
    view = {**json.loads(body), "createdAt": created_at}
    return PaymentEntry(payment_id, session_id, status, reference, created_at, view)


def _insert_events(conn: sqlite3.Connection, events: Sequence[MerchantEvent]) -> None:
    """The outbox rows of one save, and the payments they record (a payment keeps its first time)."""
    conn.executemany(
        "INSERT INTO events (id, session_id, type, created, body) VALUES (?, ?, ?, ?, ?)",
        [(e.id, e.session_id, e.type.value, e.created, e.body().decode()) for e in events],
    )
    conn.executemany(
        "INSERT INTO payments (id, session_id, status, reference, created_at, body) "
        "VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET status = excluded.status, body = excluded.body",
        [
            (p.id, p.session_id, p.status, p.reference, p.created_at, _without_created(p.view))
            for p in payment_entries(list(events))
        ],
    )


def _without_created(view: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in view.items() if k != "createdAt"}, separators=(",", ":"))
