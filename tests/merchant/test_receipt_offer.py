"""The receipt offered in the conversation (merchant-api.md, Receipts): after a successful payment on
the web with no `receiptEmail`, the bot asks for an address, checks it by code, and the receipt goes
out through the Messenger from the outbox (retried like a webhook), in the session's language. A no,
three addresses that are none, or silence past the idle time send nothing; no model reads the address."""

from __future__ import annotations

import json
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from paybot_channels.web.app import create_app
from paybot_core import (
    CardVault,
    EventQuery,
    LanguageModel,
    MemoryAuditLog,
    RulesLanguageModel,
    SandboxGateway,
    Services,
    Settings,
    SqliteSessionStore,
    UnderstandingContext,
    Understood,
    build,
    outbox_dispatcher,
)
from tests.merchant.test_merchant_api import pay_with_card


class RecordingModel:
    """The rules model, remembering every text it was asked to understand or phrase."""

    def __init__(self, inner: LanguageModel) -> None:
        self.inner = inner
        self.seen: list[str] = []

    def understand(self, text: str, context: UnderstandingContext) -> Understood:
        self.seen.append(text)
        return self.inner.understand(text, context)

    def phrase(self, text: str, facts: dict[str, str]) -> str:
        self.seen.append(text)
        return self.inner.phrase(text, facts)


@pytest.fixture
def wired(tmp_path: Path, clock) -> tuple[Services, RecordingModel, TestClient]:
    model = RecordingModel(RulesLanguageModel())
    services = build(
        Settings(data_dir=tmp_path),
        store=SqliteSessionStore(tmp_path / "sessions.sqlite3"),
        gateway=SandboxGateway(clock=clock),
        audit=MemoryAuditLog(),
        vault=CardVault(b"k" * 32),
        model=model,
        clock=clock,
    )
    client = TestClient(create_app(services, sweep_expired=False))
    client.__enter__()
    yield services, model, client
    client.__exit__(None, None, None)


def say(client: TestClient, session_id: str, message: str) -> dict:
    return client.post("/v1/chat", json={"sessionId": session_id, "message": message}).json()


def paid(client: TestClient, **body: object) -> tuple[str, dict]:
    sid = client.post("/v1/sessions", json={"amount": 4200, "reference": "INV-R1", **body}).json()[
        "sessionId"
    ]
    return sid, pay_with_card(client, sid)


def receipts(tmp_path: Path) -> list:
    parse = BytesParser(policy=policy.default).parsebytes
    return [parse(p.read_bytes()) for p in sorted((tmp_path / "outbox").glob("*.eml"))]


def deliver(services: Services) -> None:
    dispatcher = outbox_dispatcher(services)
    assert dispatcher is not None
    dispatcher.run_once()


def test_the_bot_offers_a_receipt_takes_an_address_and_it_goes_out(wired, tmp_path: Path) -> None:
    services, model, client = wired
    sid, done = paid(client)
    assert done["status"] == "completed" and done["receipt"] == "offered" and done["currentField"] is None
    assert "Payment successful" in done["response"] and "receipt by email" in done["response"]
    taken = say(client, sid, "sure, it's Jane.Doe+bills@Example.COM please")
    assert taken["status"] == "completed" and taken["receipt"] == "requested"
    assert "J***@example.com" in taken["response"]
    deliver(services)
    (receipt,) = receipts(tmp_path)
    assert receipt["To"] == "Jane.Doe+bills@example.com" and "$42.00" in receipt["Subject"]
    assert "INV-R1" in receipt.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    kinds = [e.type.value for e in reversed(services.merchant.events(EventQuery(limit=10)).data)]
    assert kinds == ["payment.succeeded", "session.completed", "receipt.requested", "receipt.sent"]
    bodies = json.dumps([e.to_json() for e in services.merchant.events(EventQuery(limit=10)).data])
    assert "Jane.Doe" not in bodies and "example.com" not in bodies
    # No model read the address; a reply it may phrase shows it masked.
    assert not any("Jane.Doe" in text or "bills@" in text for text in model.seen)
    assert "already complete" in say(client, sid, "thanks!")["response"]  # asked once, answered once


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        ("jane@example", "doesn't look like an email address"),
        ("jane@@example.com", "doesn't look like an email address"),
        ("jane @ example.com", "doesn't look like an email address"),
        ("a@example.com or b@example.com", "just one email address"),
    ],
)
def test_an_address_that_is_none_is_asked_again(wired, tmp_path: Path, answer: str, said: str) -> None:
    services, _, client = wired
    sid, _ = paid(client)
    again = say(client, sid, answer)
    assert said in again["response"] and again["receipt"] == "offered"
    assert "2 tries left" in again["response"] and "Type your email address" in again["response"]
    assert say(client, sid, "<jane@example.com>.")["receipt"] == "requested"
    deliver(services)
    assert [r["To"] for r in receipts(tmp_path)] == ["jane@example.com"]


def test_three_addresses_that_are_none_end_the_offer_and_send_nothing(wired, tmp_path: Path) -> None:
    services, _, client = wired
    sid, done = paid(client)
    for answer in ("me@", "@example.com", "x@y"):
        last = say(client, sid, answer)
    assert last["receipt"] == "declined" and "won't send a receipt" in last["response"]
    assert done["payment"]["id"] in last["response"] and last["status"] == "completed"
    deliver(services)
    assert receipts(tmp_path) == []


@pytest.mark.parametrize("answer", ["no", "no thanks", "nope, I'm good", "no, gracias", "cancel"])
def test_a_no_sends_nothing_and_the_payment_stands(wired, tmp_path: Path, answer: str) -> None:
    services, _, client = wired
    sid, done = paid(client)
    declined = say(client, sid, answer)
    assert declined["status"] == "completed" and declined["receipt"] == "declined"
    assert done["payment"]["id"] in declined["response"]
    deliver(services)
    assert receipts(tmp_path) == []
    charged = client.get("/v1/sandbox/payment_intents", params={"sessionId": sid}).json()["data"]
    assert [c["status"] for c in charged] == ["succeeded"]


def test_in_spanish_a_yes_asks_for_the_address_and_the_receipt_is_in_spanish(wired, tmp_path: Path) -> None:
    services, _, client = wired
    sid, done = paid(client, locale="es")
    assert "recibo por correo" in done["response"]
    asked = say(client, sid, "sí, por favor")  # a yes again: the payment is done, the offer still open
    assert "ya está completo" in asked["response"] and "recibo por correo" in asked["response"]
    assert asked["receipt"] == "offered"
    assert "Gracias" in say(client, sid, "maria.jose@example.mx")["response"]
    deliver(services)
    (receipt,) = receipts(tmp_path)
    assert receipt["To"] == "maria.jose@example.mx" and receipt["Subject"].startswith("Recibo")


def test_help_at_the_offer_explains_it_without_offering_to_cancel(wired) -> None:
    _, _, client = wired
    sid, _ = paid(client)
    helped = say(client, sid, "help")
    assert "payment is done" in helped["response"] and "cancel" not in helped["response"]
    assert helped["receipt"] == "offered"


def test_a_card_number_typed_at_the_offer_is_neither_kept_nor_echoed(wired, tmp_path: Path) -> None:
    services, model, client = wired
    sid, _ = paid(client)
    answer = say(client, sid, "4242 4242 4242 4242")
    assert "4242 4242" not in answer["response"] and answer["receipt"] == "offered"
    store = services.store
    assert isinstance(store, SqliteSessionStore)
    raw = (tmp_path / "sessions.sqlite3").read_bytes()
    assert b"4242424242424242" not in raw and not any("4242 4242" in t for t in model.seen)


def test_no_offer_when_the_merchant_gave_the_address(wired, tmp_path: Path) -> None:
    services, _, client = wired
    _, done = paid(client, receiptEmail="jane@example.com")
    assert done["receipt"] is None and "receipt by email" not in done["response"]
    deliver(services)
    assert [r["To"] for r in receipts(tmp_path)] == ["jane@example.com"]


def test_the_offer_lapses_with_the_idle_time(wired, clock, tmp_path: Path) -> None:
    services, _, client = wired
    sid, _ = paid(client)
    clock.advance(901)
    late = say(client, sid, "jane@example.com")
    assert late["receipt"] == "declined" and late["status"] == "completed"
    deliver(services)
    assert receipts(tmp_path) == []
