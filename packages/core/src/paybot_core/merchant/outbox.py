"""The event outbox in memory: the reference behaviour the SQLite and DynamoDB stores keep.

Events are kept in the order they were saved. Each webhook endpoint works through them with its own
delivery state; only a session's oldest undelivered event is ever due, so a session's events reach
an endpoint in order, while one session's failing event never holds up another session's.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from ..ports import Delivery
from .events import MerchantEvent
from .records import (
    EventQuery,
    Page,
    PaymentEntry,
    PaymentQuery,
    matches_event,
    matches_payment,
    page_after,
    payment_entries,
)

# A new endpoint is handed the events of this window, not the whole history: older ones are past
# the retry window anyway.
BACKFILL_SECONDS = 3 * 86_400


@dataclass
class _State:
    attempts: int = 0
    next_at: float = 0.0
    lease_until: float = 0.0
    done: bool = False


class MemoryOutbox:
    def __init__(self) -> None:
        self._events: list[MerchantEvent] = []
        self._payments: dict[str, PaymentEntry] = {}
        self._deliveries: dict[tuple[str, str], _State] = {}
        self._cursor: dict[str, int] = {}
        self._lock = threading.Lock()

    def append(self, events: Sequence[MerchantEvent]) -> None:
        if not events:
            return
        with self._lock:
            self._events.extend(events)
            for entry in payment_entries(list(events)):
                known = self._payments.get(entry.id)
                created = known.created_at if known else entry.created_at
                view = {**entry.view, "createdAt": created}
                self._payments[entry.id] = PaymentEntry(
                    entry.id, entry.session_id, entry.status, entry.reference, created, view
                )

    def list_events(self, query: EventQuery) -> Page[MerchantEvent]:
        with self._lock:
            found = [e for e in reversed(self._events) if matches_event(e, query)]
        return page_after(found, query.starting_after, lambda e: e.id, query.limit)

    def list_payments(self, query: PaymentQuery) -> Page[PaymentEntry]:
        with self._lock:
            ordered = sorted(
                enumerate(self._payments.values()),
                key=lambda pair: (pair[1].created_at, pair[0]),
                reverse=True,
            )
        found = [p for _, p in ordered if matches_payment(p, query)]
        return page_after(found, query.starting_after, lambda p: p.id, query.limit)

    def get_payment(self, payment_id: str) -> PaymentEntry | None:
        with self._lock:
            return self._payments.get(payment_id)

    # ------------------------------------------------------------- deliveries

    def due(
        self,
        endpoint: str,
        now: float,
        limit: int,
        lease_seconds: float,
        types: AbstractSet[str] | None = None,
    ) -> Sequence[Delivery]:
        with self._lock:
            self._enqueue(endpoint, now, types)
            heads: dict[str, tuple[MerchantEvent, _State]] = {}
            for event in self._events:
                state = self._deliveries.get((endpoint, event.id))
                if state is None or state.done or event.session_id in heads:
                    continue
                heads[event.session_id] = (event, state)
            found: list[Delivery] = []
            for event, state in heads.values():
                if state.next_at <= now and state.lease_until <= now and len(found) < limit:
                    state.lease_until = now + lease_seconds
                    found.append(Delivery(endpoint, event, state.attempts))
            return found

    def _enqueue(self, endpoint: str, now: float, types: AbstractSet[str] | None) -> None:
        start = self._cursor.get(endpoint)
        if start is None:
            start = next(
                (i for i, e in enumerate(self._events) if e.created >= now - BACKFILL_SECONDS),
                len(self._events),
            )
        for event in self._events[start:]:
            if types is None or event.type in types:
                self._deliveries[(endpoint, event.id)] = _State(next_at=event.created)
        self._cursor[endpoint] = len(self._events)

    def delivered(self, delivery: Delivery, now: float) -> None:
        with self._lock:
            state = self._deliveries[(delivery.endpoint, delivery.event.id)]
            state.done, state.attempts = True, state.attempts + 1

    def retry_at(self, delivery: Delivery, at: float, error: str) -> None:
        with self._lock:
            state = self._deliveries[(delivery.endpoint, delivery.event.id)]
            state.attempts, state.next_at, state.lease_until = state.attempts + 1, at, 0.0

    def give_up(self, delivery: Delivery, error: str) -> None:
        with self._lock:
            state = self._deliveries[(delivery.endpoint, delivery.event.id)]
            state.done, state.attempts = True, state.attempts + 1
