"""One contract for the merchant's records in every session store: links, the event outbox written with
the session save, the payments list, and (for the stores the local dispatcher works) deliveries."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from paybot_core.conversation.state import (
    Channel,
    Limits,
    PaymentLink,
    PaymentRecord,
    Phase,
    Presets,
    SessionState,
)
from paybot_core.errors import VersionConflictError
from paybot_core.merchant.events import EventType, events_for_change
from paybot_core.merchant.links import new_link_token
from paybot_core.merchant.records import EventQuery, PaymentQuery
from tests.contract.conftest import NOW, new_session_id


def new_state(reference: str = "INV-1", **presets: Any) -> SessionState:
    return SessionState(
        session_id=new_session_id(),
        channel=Channel.WEB,
        presets=Presets(amount=5000, reference=reference, metadata=(("order", "A-7"),), **presets),
        limits=Limits(),
        created_at=NOW,
        updated_at=NOW,
        expires_at=NOW + 900,
        name="Jane Doe",
        amount=5000,
    )


def pay(store: Any, state: SessionState, status: str, at: float, intent: str | None = None) -> SessionState:
    """Save a payment attempt's outcome with the events it causes, as the service does."""
    record = PaymentRecord(intent or f"pi_{uuid.uuid4().hex[:12]}", status, 5000, "usd", "visa", "4242")
    after = state.evolve(
        payment=record, phase=Phase.COMPLETED if status == "succeeded" else Phase.ACTIVE, updated_at=at
    )
    return store.save(after, state.version, events_for_change(state, after, at))


def test_a_link_finds_its_session(store: Any) -> None:
    token = new_link_token()
    state = new_state().evolve(link=PaymentLink(token, NOW + 86_400))
    store.create(state)
    assert store.session_id_for_link(token) == state.session_id
    assert store.session_id_for_link(new_link_token()) is None
    assert store.load(state.session_id).link == PaymentLink(token, NOW + 86_400)


def test_events_are_saved_with_the_change_and_listed_newest_first(store: Any) -> None:
    state = store.create(new_state())
    state = pay(store, state, "failed", NOW + 1)
    state = pay(store, state, "succeeded", NOW + 2)
    page = store.list_events(EventQuery(limit=10))
    assert [e.type for e in page.data] == [
        EventType.SESSION_COMPLETED,
        EventType.PAYMENT_SUCCEEDED,
        EventType.PAYMENT_FAILED,
    ]
    assert not page.has_more
    succeeded = page.data[1]
    assert succeeded.data["session"]["reference"] == "INV-1"
    assert succeeded.data["session"]["metadata"] == {"order": "A-7"}
    assert succeeded.data["payment"]["last4"] == "4242" and succeeded.session_id == state.session_id

    first = store.list_events(EventQuery(limit=2))
    assert first.has_more and len(first.data) == 2
    rest = store.list_events(EventQuery(limit=2, starting_after=first.data[-1].id))
    assert [e.id for e in rest.data] == [page.data[2].id] and not rest.has_more
    failed = store.list_events(EventQuery(type="payment.failed"))
    assert [e.type for e in failed.data] == [EventType.PAYMENT_FAILED]
    assert store.list_events(EventQuery(created_after=int(NOW + 1))).data == page.data[:2]
    assert store.list_events(EventQuery(starting_after="evt_unknown")).data == []


def test_a_save_that_loses_the_race_writes_no_events(store: Any) -> None:
    state = store.create(new_state())
    pay(store, state, "failed", NOW + 1)
    with pytest.raises(VersionConflictError):
        pay(store, state, "succeeded", NOW + 2)  # saved against the version it read, now stale
    assert [e.type for e in store.list_events(EventQuery()).data] == [EventType.PAYMENT_FAILED]
    assert store.list_payments(PaymentQuery(status="succeeded")).data == []


def test_payments_are_listed_by_reference_and_status_with_their_first_time(store: Any) -> None:
    one = store.create(new_state("INV-1"))
    two = store.create(new_state("INV-2"))
    one = pay(store, one, "failed", NOW + 10, "pi_one_declined")
    two = pay(store, two, "succeeded", NOW + 20, "pi_two")
    one = pay(store, one, "succeeded", NOW + 30, "pi_one_paid")

    everything = store.list_payments(PaymentQuery())
    assert [p.id for p in everything.data] == ["pi_one_paid", "pi_two", "pi_one_declined"]
    by_reference = store.list_payments(PaymentQuery(reference="INV-1"))
    assert [p.id for p in by_reference.data] == ["pi_one_paid", "pi_one_declined"]
    assert [p.id for p in store.list_payments(PaymentQuery(status="succeeded")).data] == [
        "pi_one_paid",
        "pi_two",
    ]
    window = PaymentQuery(created_after=int(NOW + 10), created_before=int(NOW + 30))
    assert [p.id for p in store.list_payments(window).data] == ["pi_two"]
    page = store.list_payments(PaymentQuery(limit=1, starting_after="pi_two"))
    assert [p.id for p in page.data] == ["pi_one_declined"] and not page.has_more
    assert store.list_payments(PaymentQuery(limit=2)).has_more

    entry = store.get_payment("pi_two")
    assert entry.session_id == two.session_id and entry.created_at == int(NOW + 20)
    assert entry.view["reference"] == "INV-2" and entry.view["metadata"] == {"order": "A-7"}
    assert store.get_payment("pi_nope") is None


def test_a_payment_keeps_the_time_it_was_first_seen(store: Any) -> None:
    state = store.create(new_state())
    record = PaymentRecord("pi_3ds", "requires_action", 5000, "usd", "visa", "3155")
    waiting = state.evolve(payment=record, phase=Phase.REQUIRES_ACTION)
    state = store.save(waiting, state.version, events_for_change(state, waiting, NOW + 5))
    state = pay(store, state, "failed", NOW + 50, "pi_3ds")
    assert store.get_payment("pi_3ds").status == "failed"
    assert store.get_payment("pi_3ds").created_at == int(NOW + 50)  # first recorded when it settled
    state = pay(store, state, "succeeded", NOW + 90, "pi_3ds")
    assert store.get_payment("pi_3ds").created_at == int(NOW + 50)
