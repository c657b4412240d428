"""Sessions in a language: `locale` at creation, PAYBOT_DEFAULT_LOCALE, the switch on a plainly
Spanish (or English) message, and `locale` in every response and audit event."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from paybot_core import MemoryAuditLog
from tests.conversation.payer import Payer


def test_locale_at_creation_and_in_every_response(client: TestClient) -> None:
    payer = Payer.start(client, locale="es", amount=5000)
    assert payer.last["locale"] == "es" and payer.text.startswith("¡Hola!")
    assert payer.say("María Pérez")["locale"] == "es"
    assert payer.card()["locale"] == "es"
    assert client.get(f"/v1/sessions/{payer.session}").json()["locale"] == "es"
    assert Payer.start(client).last["locale"] == "en"


def test_an_unknown_locale_is_a_bad_request(client: TestClient) -> None:
    response = client.post("/v1/sessions", json={"locale": "fr"})
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_request"


def test_the_default_locale_setting(make_client) -> None:  # type: ignore[no-untyped-def]
    client = make_client(default_locale="es")
    payer = Payer.start(client)
    assert payer.last["locale"] == "es" and "¿Cuál es el nombre" in payer.text
    payer.say("Hello, my name is Jane Doe")  # not set by a merchant: the payer's English switches it
    assert payer.last["locale"] == "en" and payer.text.startswith("Thanks, Jane Doe.")


@pytest.mark.parametrize(
    "text", ["hola", "Hola, quiero pagar mi factura", "sí", "cancelar", "ayuda", "buenos días", "gracias"]
)
def test_a_plainly_spanish_message_switches_an_english_session(client: TestClient, text: str) -> None:
    payer = Payer.start(client, amount=5000)
    payer.say(text)
    assert payer.last["locale"] == "es"


@pytest.mark.parametrize("text", ["no", "ok", "José García", "María", "50", "Jane Doe", "?", "y"])
def test_shared_words_and_names_never_switch(client: TestClient, text: str) -> None:
    payer = Payer.start(client, amount=5000)
    payer.say(text)
    assert payer.last["locale"] == "en"


def test_the_switch_works_both_ways_on_any_turn(client: TestClient) -> None:
    payer = Payer.start(client, amount=5000)
    payer.say("hola")
    assert payer.last["locale"] == "es"
    payer.say("me llamo Ana Gómez")
    assert payer.last["locale"] == "es" and payer.text.startswith("Gracias, Ana Gómez.")
    payer.say("sorry, can you say that in English please?")
    assert payer.last["locale"] == "en" and "secure card form" in payer.text


@pytest.mark.parametrize(("locale", "text"), [("en", "hola, ayuda"), ("es", "hello, help me please")])
def test_a_locale_the_merchant_set_never_switches(client: TestClient, locale: str, text: str) -> None:
    payer = Payer.start(client, amount=5000, locale=locale)
    payer.say(text)
    assert payer.last["locale"] == locale


def test_the_other_languages_words_still_work_in_a_fixed_locale(client: TestClient) -> None:
    payer = Payer.start(client, amount=5000, locale="en")
    payer.say("cancelar")
    assert payer.last["status"] == "cancelled" and payer.last["locale"] == "en"


def test_audit_events_carry_the_locale(make_services) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient as Client

    from paybot_channels.web.app import create_app

    services = make_services(allow_typed_card_entry=True)
    with Client(create_app(services, sweep_expired=False)) as client:
        payer = Payer.start(client, amount=5000)
        payer.say("hola")
        payer.say("cancelar")
    audit = services.audit
    assert isinstance(audit, MemoryAuditLog)
    details = [record["details"] for record in audit.records]
    assert details and all("locale" in d for d in details)
    assert details[0]["locale"] == "en" and details[-1]["locale"] == "es"
