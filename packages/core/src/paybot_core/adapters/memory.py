"""In-memory adapters: real implementations of the ports for tests and for `paybot chat`.

Fakes are real code: they keep the same contracts (versioned writes, hash-chained audit)
as the persistent adapters, and the contract tests run against them too.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from ..conversation.state import Phase, SessionState, state_from_json, state_to_json
from ..errors import SessionExistsError, VersionConflictError
from ..merchant.events import MerchantEvent
from ..merchant.outbox import MemoryOutbox
from ..merchant.records import EventQuery, Page, PaymentEntry, PaymentQuery
from ..ports import AuditEvent, Delivery
from .audit_chain import AuditChain


class MemorySessionStore:
    """Sessions in a dict, serialised as the persistent stores do, so nothing unserialisable hides.

    Also the merchant's records (links, the event outbox, payments), under the same lock, so a save
    and its events are one step as in the persistent stores."""

    def __init__(self) -> None:
        self._rows: dict[str, tuple[int, bytes]] = {}
        self._links: dict[str, str] = {}
        self._lock = threading.Lock()
        self.outbox = MemoryOutbox()

    def create(self, state: SessionState) -> SessionState:
        with self._lock:
            if state.session_id in self._rows:
                raise SessionExistsError("A session with that id already exists.")
            stored = state.evolve(version=1)
            self._rows[state.session_id] = (1, state_to_json(stored))
            if state.link is not None:
                self._links[state.link.token] = state.session_id
            return stored

    def load(self, session_id: str) -> SessionState | None:
        with self._lock:
            row = self._rows.get(session_id)
        return state_from_json(row[1]) if row else None

    def save(
        self, state: SessionState, expected_version: int, events: Sequence[MerchantEvent] = ()
    ) -> SessionState:
        with self._lock:
            row = self._rows.get(state.session_id)
            if row is None or row[0] != expected_version:
                raise VersionConflictError("The session changed since it was read.")
            stored = state.evolve(version=expected_version + 1)
            self._rows[state.session_id] = (stored.version, state_to_json(stored))
            self.outbox.append(events)
            return stored

    def stored_bytes(self, session_id: str) -> bytes | None:
        """The session exactly as serialised (tests check what is and is not kept)."""
        with self._lock:
            row = self._rows.get(session_id)
        return row[1] if row else None

    # ------------------------------------------------------------- merchant records

    def session_id_for_link(self, token: str) -> str | None:
        with self._lock:
            return self._links.get(token)

    def append_events(self, events: Sequence[MerchantEvent]) -> None:
        self.outbox.append(events)

    def list_events(self, query: EventQuery) -> Page[MerchantEvent]:
        return self.outbox.list_events(query)

    def list_payments(self, query: PaymentQuery) -> Page[PaymentEntry]:
        return self.outbox.list_payments(query)

    def get_payment(self, payment_id: str) -> PaymentEntry | None:
        return self.outbox.get_payment(payment_id)

    def due(
        self,
        endpoint: str,
        now: float,
        limit: int,
        lease_seconds: float,
        types: AbstractSet[str] | None = None,
    ) -> Sequence[Delivery]:
        return self.outbox.due(endpoint, now, limit, lease_seconds, types)

    def delivered(self, delivery: Delivery, now: float) -> None:
        self.outbox.delivered(delivery, now)

    def retry_at(self, delivery: Delivery, at: float, error: str) -> None:
        self.outbox.retry_at(delivery, at, error)

    def give_up(self, delivery: Delivery, error: str) -> None:
        self.outbox.give_up(delivery, error)

    def tidy(self) -> None:
        """Nothing to tidy: a dict keeps no old copies."""

    def expired_session_ids(self, now: float, limit: int = 100) -> Sequence[str]:
        with self._lock:
            rows = list(self._rows.values())
        found = []
        for _, raw in rows:
            state = state_from_json(raw)
            if state.phase in (Phase.ACTIVE, Phase.REQUIRES_ACTION) and state.expires_at <= now:
                found.append(state.session_id)
        return found[:limit]

    def raw(self, session_id: str) -> bytes | None:
        """The bytes stored for a session, as a persistent store would hold them (for leak scans)."""
        with self._lock:
            row = self._rows.get(session_id)
        return row[1] if row else None

    def raw_all(self) -> list[bytes]:
        """The stored bytes of every session."""
        with self._lock:
            return [raw for _, raw in self._rows.values()]


class MemoryAuditLog:
    """Hash-chained audit records kept in a list; `records` is what a file or S3 log would hold."""

    def __init__(self) -> None:
        self.records: list[dict[str, object]] = []
        self._chain = AuditChain()
        self._lock = threading.Lock()

    def append(self, event: AuditEvent) -> None:
        with self._lock:
            self.records.append(self._chain.link(event))
