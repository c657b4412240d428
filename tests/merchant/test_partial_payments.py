"""Partial payments (merchant-api.md `partial.minimum`): the payer chooses how much of what is due to
pay, at least the minimum; code checks the range, the payer's yes pays; the confirmation, the reply,
the events and the receipt say what is left. In English and Spanish, with the phrasings people use."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from paybot_channels.web.app import create_app
from paybot_core import Presets, Say, Services, Status, outbox_dispatcher

DUE, MINIMUM = 12_000, 2_000
PARTIAL = {"amount": DUE, "reference": "INV-P1", "partial": {"minimum": MINIMUM}}


def start(services: Services, locale: str = "en") -> str:
    presets = Presets(
        amount=DUE, reference="INV-P1", partial_minimum=MINIMUM, locale=locale, customer_name="Jane Doe"
    )
    return services.conversations.start(presets).state.session_id


def card(client: TestClient, session_id: str) -> dict:
    method = client.post(
        "/v1/sandbox/payment_methods",
        json={"number": "4242424242424242", "expMonth": 12, "expYear": 2030, "cvc": "123"},
    ).json()
    return client.post("/v1/chat", json={"sessionId": session_id, "paymentMethod": method["id"]}).json()


def say(client: TestClient, session_id: str, message: str) -> dict:
    return client.post("/v1/chat", json={"sessionId": session_id, "message": message}).json()


@pytest.mark.parametrize(
    ("locale", "message", "amount"),
    [
        ("en", "40", 4000),
        ("en", "$45.50", 4550),
        ("en", "I'll pay 60 today", 6000),
        ("en", "just 25 dollars for now", 2500),
        ("en", "can I pay only 25?", 2500),
        ("en", "seventy-five", 7500),
        ("en", "the full amount", DUE),
        ("en", "I'll pay it all, please", DUE),
        ("en", "in full", DUE),
        ("en", "120", DUE),
        ("en", "$20", MINIMUM),
        ("es", "40", 4000),
        ("es", "cuarenta y cinco dólares", 4500),
        ("es", "¿puedo pagar solo 30?", 3000),
        ("es", "voy a pagar 50,50", 5050),
        ("es", "todo", DUE),
        ("es", "el total", DUE),
        ("es", "quiero pagar el monto completo", DUE),
    ],
)
def test_the_payer_chooses_an_amount_within_the_range(
    services: Services, locale: str, message: str, amount: int
) -> None:
    sid = start(services, locale)
    state = services.conversations.handle(sid, Say(message)).state
    assert state.amount == amount and state.status is Status.AWAITING_PAYMENT_METHOD
    assert state.field_attempts == ()


@pytest.mark.parametrize(
    ("locale", "message", "said"),
    [
        ("en", "10", "smallest part you can pay is $20.00"),
        ("en", "$19.99", "smallest part you can pay is $20.00"),
        ("en", "500", "more than the $120.00 due"),
        ("en", "120.01", "more than the $120.00 due"),
        ("es", "diez dólares", "mínimo que puede pagar es $20.00"),
        ("es", "quinientos", "más de los $120.00 que se deben"),
    ],
)
def test_an_amount_outside_the_range_is_refused_counted_and_never_clamped(
    services: Services, locale: str, message: str, said: str
) -> None:
    sid = start(services, locale)
    reply = services.conversations.handle(sid, Say(message))
    assert reply.state.amount is None and said in reply.text
    assert reply.state.attempts_on(reply.state.current_field) == 1  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("locale", "message"),
    [
        ("en", "part of it"),
        ("en", "actually only some of it"),
        ("en", "can I pay less?"),
        ("es", "una parte"),
        ("es", "solo una parte"),
        ("es", "¿puedo pagar menos?"),
    ],
)
def test_asking_for_a_part_is_answered_with_the_range_and_takes_nothing(
    services: Services, locale: str, message: str
) -> None:
    sid = start(services, locale)
    reply = services.conversations.handle(sid, Say(message))
    assert reply.state.amount is None and "$20.00" in reply.text and "$120.00" in reply.text
    assert reply.state.attempts_on(reply.state.current_field) == 0  # type: ignore[arg-type]


def test_without_partial_the_amount_stays_fixed(services: Services) -> None:
    sid = services.conversations.start(Presets(amount=DUE, customer_name="Jane Doe")).state.session_id
    reply = services.conversations.handle(sid, Say("can I pay only 25?"))
    assert reply.state.amount == DUE and "has to be paid in full" in reply.text


def test_the_amount_can_be_changed_before_the_yes_and_only_the_yes_pays(client: TestClient) -> None:
    sid = client.post("/v1/sessions", json=PARTIAL).json()["sessionId"]
    say(client, sid, "Jane Doe")
    say(client, sid, "the full amount")
    confirming = card(client, sid)
    assert confirming["currentField"] == "confirmation" and "$120.00" in confirming["response"]
    changed = say(client, sid, "actually only part of it")
    assert changed["currentField"] == "amount" and changed["collected"].get("amount") is None
    confirming = say(client, sid, "40")
    assert (
        "$40.00 of the $120.00 due" in confirming["response"] and "leaving $80.00" in confirming["response"]
    )
    for not_a_yes in ("maybe", "40"):
        assert say(client, sid, not_a_yes)["status"] == "confirming"
    paid = say(client, sid, "yes")
    assert paid["status"] == "completed" and paid["payment"]["amount"] == 4000
    assert "$80.00 is still due" in paid["response"]
    charged = client.get("/v1/sandbox/payment_intents", params={"sessionId": sid}).json()["data"]
    assert [c["amount"] for c in charged] == [4000]


def test_events_and_the_receipt_say_what_is_left(make_services, tmp_path: Path) -> None:
    services = make_services()
    with TestClient(create_app(services, sweep_expired=False)) as client:
        body = {**PARTIAL, "receiptEmail": "jane@example.com", "locale": "es"}
        sid = client.post("/v1/sessions", json=body).json()["sessionId"]
        say(client, sid, "Jane Doe")
        say(client, sid, "cincuenta dólares")
        card(client, sid)
        assert say(client, sid, "sí")["status"] == "completed"
        events = client.get("/v1/events").json()["data"]
    succeeded = next(e for e in events if e["type"] == "payment.succeeded")
    assert succeeded["data"]["session"]["amount"] == 5000
    assert succeeded["data"]["session"]["partial"] == {
        "amountDue": DUE,
        "minimum": MINIMUM,
        "amountRemaining": 7000,
    }
    assert succeeded["data"]["payment"]["amount"] == 5000
    dispatcher = outbox_dispatcher(services)
    assert dispatcher is not None
    dispatcher.run_once()
    (eml,) = (tmp_path / "outbox").glob("*.eml")
    receipt = BytesParser(policy=policy.default).parsebytes(eml.read_bytes())
    text = receipt.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "$50.00" in text and "Queda por pagar: $70.00." in text


@pytest.mark.parametrize(
    "partial",
    [
        {"minimum": 0},
        {"minimum": -5},
        {"minimum": "20"},
        {"minimum": DUE + 1},
        {},
        {"minimum": 100, "maximum": 200},
    ],
)
def test_a_bad_partial_is_refused_by_name(client: TestClient, partial: object) -> None:
    answer = client.post("/v1/sessions", json={"amount": DUE, "partial": partial})
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "invalid_request"
    assert "partial" in answer.json()["error"]["message"]


def test_partial_without_an_amount_is_refused(client: TestClient) -> None:
    answer = client.post("/v1/sessions", json={"partial": {"minimum": 100}})
    assert answer.status_code == 400 and "partial" in answer.json()["error"]["message"]


@pytest.mark.parametrize(
    ("locale", "message"),
    [("en", "not all of it"), ("en", "cancel everything"), ("es", "cancelar todo"), ("es", "no todo")],
)
def test_a_negated_or_other_clause_is_no_choice_of_the_whole(
    services: Services, locale: str, message: str
) -> None:
    sid = start(services, locale)
    state = services.conversations.handle(sid, Say(message)).state
    assert state.amount is None or state.status is Status.CANCELLED
