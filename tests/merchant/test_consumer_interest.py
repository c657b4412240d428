"""A consumer of the outbox names the event types it takes, and is handed those only.

The receipt sender takes two types of the seven; before, it was handed every event and dropped most,
each one costing the dispatcher a claim and a delivered mark in the session database, beside the
payers' turns. The outbox now gives such a consumer no delivery of any other type, and a wanted event
still follows its session's order, never held up by the unwanted ones before it."""

from __future__ import annotations

import contextlib
import sqlite3
from collections import defaultdict
from collections.abc import Set as AbstractSet
from typing import Any, cast

import pytest

from paybot_core import (
    CardVault,
    MemoryAuditLog,
    MemorySessionStore,
    MerchantEvent,
    SandboxGateway,
    Settings,
    SqliteSessionStore,
    WebhookDispatcher,
    build,
    outbox_consumers,
)
from tests.merchant.test_webhooks import paid_sessions


class Recorder:
    def __init__(self, event_types: AbstractSet[str] | None) -> None:
        self.event_types = event_types
        self.seen: list[MerchantEvent] = []

    def send(self, endpoint: str, event: MerchantEvent) -> None:
        self.seen.append(event)


def by_session(events: list[MerchantEvent]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for event in events:
        found[event.session_id].append(event.type.value)
    return dict(found)


@pytest.mark.parametrize("kind", ["sqlite", "memory"])
def test_each_consumer_is_handed_the_types_it_takes_in_session_order(kind, tmp_path, clock) -> None:
    store = SqliteSessionStore(tmp_path / "sessions.sqlite3") if kind == "sqlite" else MemorySessionStore()
    services = build(
        Settings(data_dir=tmp_path),
        store=store,
        gateway=SandboxGateway(clock=clock),
        audit=MemoryAuditLog(),
        vault=CardVault(b"k" * 32),
        clock=clock,
    )
    sessions = paid_sessions(services, 3)  # each: payment.failed, payment.succeeded, session.completed
    every = Recorder(None)
    succeeded = Recorder(frozenset({"payment.succeeded"}))
    completed = Recorder(frozenset({"session.completed", "receipt.sent"}))
    consumers = {"https://merchant.example/hooks": every, "succeeded": succeeded, "completed": completed}
    dispatcher = WebhookDispatcher(cast(Any, store), consumers, clock=clock)

    assert dispatcher.run_once() == 9 + 3 + 3
    assert dispatcher.run_once() == 0  # nothing left over, nothing handed twice

    assert by_session(every.seen) == {
        sid: ["payment.failed", "payment.succeeded", "session.completed"] for sid in sessions
    }
    assert by_session(succeeded.seen) == {sid: ["payment.succeeded"] for sid in sessions}
    # Behind two events it does not take, each session's completion still came, once.
    assert by_session(completed.seen) == {sid: ["session.completed"] for sid in sessions}
    if kind == "sqlite":  # and the unwanted events cost those consumers no delivery row
        with contextlib.closing(sqlite3.connect(tmp_path / "sessions.sqlite3")) as conn:
            rows = dict(
                conn.execute("SELECT endpoint, count(*) FROM webhook_deliveries GROUP BY endpoint").fetchall()
            )
        assert rows == {"https://merchant.example/hooks": 9, "succeeded": 3, "completed": 3}


def test_the_receipt_sender_takes_payments_and_requests_only(tmp_path) -> None:
    services = build(Settings(data_dir=tmp_path))
    receipts = outbox_consumers(services)["paybot:receipts"]
    assert receipts.event_types == {"payment.succeeded", "receipt.requested"}
