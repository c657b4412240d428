"""The web payer is told the truth after a failure at confirmation.

A charge went to the gateway, then the turn failed before its outcome was saved (the store
throttled, the gateway's answer was lost): the payer may have paid. The answer must say so, in the
session's language, never "nothing was charged"; and the yes it asks for again must find the one
charge, not make a second. A store failure before any charge went out may still say nothing was
charged, because that is true then.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from paybot_channels.web.app import create_app
from paybot_core import (
    CardVault,
    MemoryAuditLog,
    MemorySessionStore,
    PaymentRequest,
    SandboxGateway,
    SessionState,
    Settings,
    StoreUnavailableError,
    build,
)
from tests.conftest import Clock


class FlakyStore(MemorySessionStore):
    """A real memory store whose next saves fail, optionally only those that record a payment."""

    def __init__(self) -> None:
        super().__init__()
        self.failures = 0
        self.only_with_payment = True

    def save(self, state: SessionState, expected_version: int, events: Sequence[Any] = ()) -> SessionState:
        if self.failures and (state.payment is not None or not self.only_with_payment):
            self.failures -= 1
            raise StoreUnavailableError("The session table failed (ProvisionedThroughputExceededException).")
        return super().save(state, expected_version, events)


class AnswerLostGateway(SandboxGateway):
    """Charges, then the answer is lost in a way paybot does not know (a reset connection)."""

    lose_next = 0

    def confirm_payment(self, request: PaymentRequest):  # type: ignore[no-untyped-def]
        record = super().confirm_payment(request)
        if self.lose_next:
            self.lose_next -= 1
            raise ConnectionResetError("connection reset by peer")
        return record


@pytest.fixture
def rig(tmp_path: Path, clock: Clock):
    store, gateway = FlakyStore(), AnswerLostGateway(clock=clock)
    services = build(
        Settings(data_dir=tmp_path),
        store=store,
        gateway=gateway,
        audit=MemoryAuditLog(),
        vault=CardVault(b"k" * 32),
        clock=clock,
    )
    with TestClient(create_app(services, sweep_expired=False)) as client:
        yield client, store, gateway


def _at_confirmation(client: TestClient, locale: str) -> str:
    created = client.post("/v1/sessions", json={"amount": 5000, "cardEntry": "secure", "locale": locale})
    session = created.json()["sessionId"]
    client.post("/v1/chat", json={"sessionId": session, "message": "Jane Doe"})
    pm = client.post(
        "/v1/sandbox/payment_methods",
        json={"number": "4242424242424242", "expMonth": 12, "expYear": 2030, "cvc": "123"},
    ).json()["id"]
    reply = client.post("/v1/chat", json={"sessionId": session, "paymentMethod": pm})
    assert reply.json()["currentField"] == "confirmation", reply.json()
    return session


def _charges(client: TestClient, session: str) -> list[str]:
    intents = client.get("/v1/sandbox/payment_intents", params={"sessionId": session}).json()["data"]
    return [i["status"] for i in intents]


YES = {"en": "yes", "es": "sí"}
MAY_HAVE = {"en": "may have gone through", "es": "es posible que se haya realizado"}
NOTHING_CHARGED = ("nothing was charged", "no se cobró nada", "no se le cobró")


@pytest.mark.parametrize("locale", ["en", "es"])
@pytest.mark.parametrize("failure", ["store after the charge", "answer lost after the charge"])
def test_a_failure_after_the_charge_says_it_may_have_gone_through_and_the_retry_finds_the_one_charge(
    rig, locale: str, failure: str
) -> None:
    client, store, gateway = rig
    session = _at_confirmation(client, locale)
    if failure.startswith("store"):
        store.failures = 1
    else:
        gateway.lose_next = 1

    answer = client.post("/v1/chat", json={"sessionId": session, "message": YES[locale]})

    assert answer.status_code == 503
    error = answer.json()["error"]
    assert error["code"] == "payment_unconfirmed"
    assert MAY_HAVE[locale] in error["message"]
    assert not any(claim in error["message"].lower() for claim in NOTHING_CHARGED)
    assert _charges(client, session) == ["succeeded"]  # it did go through, as the payer was warned

    retried = client.post("/v1/chat", json={"sessionId": session, "message": YES[locale]})
    assert retried.status_code == 200
    assert retried.json()["status"] == "completed"
    assert _charges(client, session) == ["succeeded"], "the retry found the charge; it did not make another"


def test_a_store_failure_before_any_charge_may_say_nothing_was_charged(rig) -> None:
    client, store, _ = rig
    session = _at_confirmation(client, "en")
    store.failures, store.only_with_payment = 1, False

    answer = client.post("/v1/chat", json={"sessionId": session, "message": "no"})

    assert answer.status_code == 503
    assert answer.json()["error"]["code"] == "store_unavailable"
    assert "nothing was charged" in answer.json()["error"]["message"]
    assert _charges(client, session) == []
