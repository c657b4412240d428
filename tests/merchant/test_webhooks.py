"""Webhook delivery from the outbox to a real HTTP endpoint on loopback: signed, at least once, in order
per session, retried with backoff through an endpoint that is down, then failing, then back."""

from __future__ import annotations

import hashlib
import hmac
import random
from collections import defaultdict
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from paybot_channels.web.app import create_app
from paybot_core import (
    CardVault,
    EventQuery,
    MemoryAuditLog,
    RetryPolicy,
    SandboxGateway,
    Services,
    Settings,
    SqliteSessionStore,
    build,
    outbox_dispatcher,
    signing,
)
from tests.merchant.test_merchant_api import pay_with_card
from tests.support.webhook_receiver import new_receiver, serving

SECRET = "whsec_test_secret"


@pytest.fixture
def make_services(tmp_path, clock) -> Callable[..., Services]:
    def factory(**fields: object) -> Services:
        settings = Settings(data_dir=tmp_path, webhook_secret=SECRET, **fields)  # type: ignore[arg-type]
        return build(
            settings,
            store=SqliteSessionStore(tmp_path / "sessions.sqlite3"),
            gateway=SandboxGateway(clock=clock),
            audit=MemoryAuditLog(),
            vault=CardVault(b"k" * 32),
            clock=clock,
        )

    return factory


def pay_again(client: TestClient, session_id: str, number: str = "4242424242424242") -> dict:
    """After a decline: another card from the secure form, and yes to pay with it (the name is known)."""
    method = client.post(
        "/v1/sandbox/payment_methods", json={"number": number, "expMonth": 12, "expYear": 2030, "cvc": "123"}
    ).json()
    client.post("/v1/chat", json={"sessionId": session_id, "paymentMethod": method["id"]})
    return client.post("/v1/chat", json={"sessionId": session_id, "message": "yes"}).json()


def paid_sessions(services: Services, count: int) -> list[str]:
    """`count` sessions, each with one decline and then a success: three events per session."""
    ids = []
    with TestClient(create_app(services, sweep_expired=False)) as client:
        for n in range(count):
            sid = client.post("/v1/sessions", json={"amount": 5000, "reference": f"INV-{n}"}).json()[
                "sessionId"
            ]
            pay_with_card(client, sid, "4000000000000002")
            assert pay_again(client, sid)["status"] == "completed"
            ids.append(sid)
    return ids


def test_a_receiver_down_then_failing_then_back_gets_every_event_once_in_order(make_services, clock) -> None:
    receiver = new_receiver()
    services = make_services(
        webhook_urls=receiver.url, webhook_retry_seconds=10, webhook_retry_max_seconds=60
    )
    sessions = paid_sessions(services, 3)
    dispatcher = outbox_dispatcher(services, rng=random.Random(7))
    assert dispatcher is not None

    # Down: nothing listens on the port.
    for _ in range(3):
        dispatcher.run_once()
        clock.advance(61)
    # Up, but failing.
    receiver.answer = 500
    with serving(receiver):
        for _ in range(3):
            dispatcher.run_once()
            clock.advance(61)
        failing = receiver.all()
        assert failing and all(r.status == 500 for r in failing)
        # Only each session's first event is ever tried while it fails.
        assert {r.event["type"] for r in failing} == {"payment.failed"}
        # Back.
        receiver.answer = 200
        assert dispatcher.run_once() == 9
        assert len(receiver.accepted()) == 9
        assert dispatcher.run_once() == 0
        clock.advance(3600)
        assert dispatcher.run_once() == 0

    accepted = receiver.accepted()
    ids = [e["id"] for e in accepted]
    assert len(ids) == len(set(ids)) == 9
    by_session: dict[str, list[str]] = defaultdict(list)
    for event in accepted:
        by_session[event["data"]["session"]["id"]].append(event["type"])
    assert set(by_session) == set(sessions)
    for types in by_session.values():
        assert types == ["payment.failed", "payment.succeeded", "session.completed"]
    # Every try of an event carried the same id, and everything that arrived is signed.
    stored = {e.id for e in services.merchant.events(EventQuery(limit=100)).data}
    assert {r.event["id"] for r in receiver.all()} <= stored
    for request in receiver.all():
        sent_at = int(request.signature.split(",")[0].removeprefix("t="))
        assert signing.verify(SECRET, request.body, request.signature, sent_at)
        assert not signing.verify("whsec_other", request.body, request.signature, sent_at)
    assert "4242424242424242" not in str([r.body for r in receiver.all()])


def test_retries_back_off_exponentially_with_jitter_up_to_the_cap() -> None:
    policy = RetryPolicy(first_delay=10, max_delay=300, window=3 * 86_400)
    rng = random.Random(3)
    for attempts, ceiling in [(1, 10), (2, 20), (3, 40), (4, 80), (5, 160), (6, 300), (12, 300)]:
        delays = [policy.delay(attempts, rng) for _ in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 1  # jitter: retries of many events do not land at once


def test_an_event_past_the_retry_window_is_given_up_and_the_session_moves_on(make_services, clock) -> None:
    receiver = new_receiver()
    services = make_services(
        webhook_urls=receiver.url,
        webhook_retry_seconds=30,
        webhook_retry_max_seconds=60,
        webhook_retry_window_seconds=600,
    )
    dispatcher = outbox_dispatcher(services, rng=random.Random(1))
    with TestClient(create_app(services, sweep_expired=False)) as client, serving(receiver):
        sid = client.post("/v1/sessions", json={"amount": 5000}).json()["sessionId"]
        pay_with_card(client, sid, "4000000000000002")  # payment.failed, never taken by the endpoint
        receiver.answer = 503
        for _ in range(8):
            dispatcher.run_once()
            clock.advance(100)
        assert len([r for r in receiver.all() if r.event["type"] == "payment.failed"]) >= 3
        assert pay_again(client, sid)["status"] == "completed"
        receiver.answer = 200
        dispatcher.run_once()
    # The decline was given up after its window; the later events arrived, in order.
    assert [e["type"] for e in receiver.accepted()] == ["payment.succeeded", "session.completed"]


def test_the_signature_is_stripes_scheme() -> None:
    header = signing.sign("whsec_abc", b'{"id":"evt_1"}', 1_700_000_000)
    expected = hmac.new(b"whsec_abc", b'1700000000.{"id":"evt_1"}', hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={expected}"
    assert signing.verify("whsec_abc", b'{"id":"evt_1"}', header, 1_700_000_100)
    assert not signing.verify("whsec_abc", b'{"id":"evt_2"}', header, 1_700_000_100)
    assert not signing.verify("whsec_abc", b'{"id":"evt_1"}', header, 1_700_001_000)  # too old
    assert not signing.verify("whsec_abc", b'{"id":"evt_1"}', "v1=00", 1_700_000_000)
