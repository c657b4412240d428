"""The sandbox gateway's idempotency holds when its one-statement inserts race: several
connections to one file (as several server processes have), many threads, one key."""

from __future__ import annotations

import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from paybot_core.adapters.sandbox_gateway import SandboxGateway
from paybot_core.errors import GatewayError, PaymentMethodError
from paybot_core.ports import CardDetails, PaymentRequest

CARD = CardDetails("4242424242424242", 12, 2030, "123")
RACERS = 8


def race(gateways: list[SandboxGateway], call) -> list:
    start = threading.Barrier(RACERS)

    def one(i: int):
        start.wait()
        return call(gateways[i % len(gateways)])

    with ThreadPoolExecutor(RACERS) as pool:
        return list(pool.map(one, range(RACERS)))


@pytest.fixture
def gateways(tmp_path: Path) -> list[SandboxGateway]:
    return [SandboxGateway(tmp_path / "sandbox_gateway.sqlite3") for _ in range(3)]


def rows(path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def test_one_key_makes_one_payment_method_however_many_race(gateways, tmp_path) -> None:
    made = race(gateways, lambda g: g.create_payment_method(CARD, idempotency_key="ses_race:token:1")[0])
    assert len(set(made)) == 1
    assert rows(tmp_path / "sandbox_gateway.sqlite3", "SELECT id FROM payment_methods") == [(made[0],)]


def test_without_a_key_every_call_makes_its_own_method(gateways) -> None:
    made = race(gateways, lambda g: g.create_payment_method(CARD)[0])
    assert len(set(made)) == RACERS


def test_one_key_charges_once_however_many_race(gateways, tmp_path) -> None:
    pm, _ = gateways[0].create_payment_method(CARD, idempotency_key="ses_race:token:1")
    request = PaymentRequest("ses_race:charge:1", 5000, "usd", pm, "ses_race")
    records = race(gateways, lambda g: g.confirm_payment(request))
    assert {(r.id, r.status) for r in records} == {(records[0].id, "succeeded")}
    assert rows(tmp_path / "sandbox_gateway.sqlite3", "SELECT id FROM payment_intents") == [(records[0].id,)]


def test_a_replayed_key_answers_as_before(gateways) -> None:
    gateway = gateways[0]
    pm, _ = gateway.create_payment_method(CARD, idempotency_key="ses_replay:token:1")
    first = gateway.confirm_payment(PaymentRequest("ses_replay:charge:1", 5000, "usd", pm, "ses_replay"))
    # Same key, unknown method: the replay still answers with the first intent (Stripe does too).
    unknown = PaymentRequest("ses_replay:charge:1", 5000, "usd", "pm_unknown", "ses_replay")
    assert gateway.confirm_payment(unknown) == first
    with pytest.raises(GatewayError, match="same parameters"):
        gateway.confirm_payment(PaymentRequest("ses_replay:charge:1", 6000, "usd", pm, "ses_replay"))
    with pytest.raises(PaymentMethodError):
        gateway.confirm_payment(
            PaymentRequest("ses_replay:charge:2", 5000, "usd", "pm_unknown", "ses_replay")
        )
