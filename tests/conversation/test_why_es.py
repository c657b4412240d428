"""Issue 12's "Why", in Spanish: the same classes of behaviour, as a Spanish-speaking payer types."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conversation.payer import Payer, at_confirmation


def es(client: TestClient, **create: object) -> Payer:
    return Payer.start(client, locale="es", **create)


def at_amount(client: TestClient) -> Payer:
    payer = es(client)
    payer.say("María Pérez")
    assert payer.field == "amount"
    return payer


@pytest.mark.parametrize("text", ["-$25", "menos 25 dólares", "-25"])
def test_a_negative_amount_is_refused(client: TestClient, text: str) -> None:
    payer = at_amount(client)
    payer.say(text)
    assert "amount" not in payer.collected and "mayor que cero" in payer.text


@pytest.mark.parametrize("text", ["40 euros", "€40", "20 yenes", "30 libras"])
def test_another_currency_is_refused_naming_the_session_currency(client: TestClient, text: str) -> None:
    payer = at_amount(client)
    payer.say(text)
    assert "amount" not in payer.collected and "USD" in payer.text and "Este pago es en" in payer.text


@pytest.mark.parametrize("text", ["y", "y?", "mmm", "pues", "o sea", "tal vez", "no sé"])
def test_in_spanish_y_and_hesitation_never_pay(client: TestClient, text: str) -> None:
    payer = at_confirmation(client, locale="es")
    payer.say(text)
    assert payer.last["status"] == "confirming" and payer.charges() == []


@pytest.mark.parametrize(
    "text",
    ["sí", "si", "Sí, por favor", "claro que sí", "dale", "de acuerdo", "confirmo", "sííí", "adelante"],
)
def test_ways_of_saying_yes(client: TestClient, text: str) -> None:
    payer = at_confirmation(client, locale="es")
    payer.say(text)
    assert payer.last["status"] == "completed", payer.text


@pytest.mark.parametrize(
    "text",
    ["hola", "holaaa", "buenas tardes", "ayuda", "Hola, quiero pagar mi factura", "estoy perdida",
     "estoy confundido", "no sé qué hacer", "¿qué hago?", "quiero pagar"],
)  # fmt: skip
def test_greetings_help_and_intents_are_not_names(client: TestClient, text: str) -> None:
    payer = es(client, amount=5000)
    payer.say(text)
    assert "name" not in payer.collected and payer.field == "name"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("me llamo María José Pérez", "María José Pérez"),
        ("mi nombre es José Ñúñez", "José Ñúñez"),
        ("Soy Juan de la Cruz", "Juan de la Cruz"),
        ("el nombre en la tarjeta es Ana Lucía Gómez", "Ana Lucía Gómez"),
        ("Hola, soy Sofía Herrera", "Sofía Herrera"),
        ("María de los Ángeles Pérez", "María de los Ángeles Pérez"),
        ("😀 José García 🎉", "José García"),
    ],
)
def test_names_are_taken_whole(client: TestClient, text: str, name: str) -> None:
    payer = es(client, amount=5000)
    payer.say(text)
    assert payer.collected.get("name") == name


@pytest.mark.parametrize(
    ("text", "minor"),
    [
        ("cincuenta dólares", 5000),
        ("setenta y cinco", 7500),
        ("ciento veinte", 12000),
        ("doscientos treinta y cinco dólares", 23500),
        ("mil quinientos", 150000),
        ("cincuenta dólares con veinte centavos", 5020),
        ("1.250,50", 125050),
        ("1,250.50", 125050),
        ("50,00", 5000),
        ("el monto es 300", 30000),
        ("quiero pagar 80 dólares", 8000),
        ("75$", 7500),
    ],
)
def test_amounts_as_spanish_speakers_write_them(client: TestClient, text: str, minor: int) -> None:
    payer = at_amount(client)
    payer.say(text)
    assert payer.collected.get("amount") == minor, payer.text


def test_an_ambiguous_separator_is_asked_back_in_spanish(client: TestClient) -> None:
    payer = at_amount(client)
    payer.say("1,250")
    assert "amount" not in payer.collected and "¿Quiso decir $1,250.00?" in payer.text
    payer.say("sí")
    assert payer.collected["amount"] == 125000


@pytest.mark.parametrize(
    "text",
    ["cancelar", "cancela el pago", "olvídalo", "cambié de opinión", "ya no quiero pagar", "cancelaaar"],
)
def test_ways_of_cancelling(client: TestClient, text: str) -> None:
    payer = es(client, amount=5000)
    payer.say("María Pérez")
    payer.say(text)
    assert payer.last["status"] == "cancelled"


@pytest.mark.parametrize("text", ["empezar de nuevo", "¿podemos empezar de nuevo?", "volver a empezar"])
def test_ways_of_starting_over(client: TestClient, text: str) -> None:
    payer = es(client, amount=5000)
    payer.say("María Pérez")
    payer.say(text)
    assert payer.field == "name" and "name" not in payer.collected


@pytest.mark.parametrize("text", ["quise decir 60", "que sea 60", "60, no 50"])
def test_amount_corrections(client: TestClient, text: str) -> None:
    payer = es(client)
    payer.say("María Pérez")
    payer.say("50")
    payer.card()
    payer.say(text)
    assert payer.collected["amount"] == 6000 and payer.field == "confirmation"


def test_name_corrections(client: TestClient) -> None:
    payer = at_confirmation(client, locale="es")
    payer.say("mi nombre es Juan Pérez")
    assert payer.collected["name"] == "Juan Pérez"
    payer.say("el nombre debe ser Juana Pérez, no Juan Pérez")
    assert payer.collected["name"] == "Juana Pérez" and payer.field == "confirmation"


def test_questions_are_answered_in_spanish_without_counting_an_attempt(client: TestClient) -> None:
    payer = es(client, amount=5000, reference="FAC-1001", description="agua de marzo")
    asked = {
        "¿cuánto debo?": "$50.00",
        "¿para qué es?": "agua de marzo",
        "¿es seguro?": "cifrada",
        "¿por qué necesita mi nombre?": "banco",
        "¿puedo hablar con una persona?": "llámenos y pida hablar con un agente",
        "¿qué tarjetas aceptan?": "Visa",
    }
    for question, fact in asked.items():
        payer.say(question)
        assert fact in payer.text, (question, payer.text)
        assert payer.text.endswith("¿Cuál es el nombre que aparece en la tarjeta?")
    assert payer.last["status"] == "collecting"


@pytest.mark.parametrize(
    "text", ["¿puedo pagar con transferencia bancaria?", "¿aceptan PayPal?", "¿puedo pagar en efectivo?"]
)
def test_other_ways_to_pay_get_a_plain_no(client: TestClient, text: str) -> None:
    payer = at_confirmation(client, locale="es")
    payer.say(text)
    assert payer.text.startswith("No,") and payer.charges() == []


def test_a_fixed_amount_is_said_to_be_fixed(client: TestClient) -> None:
    payer = es(client, amount=5000)
    payer.say("María Pérez")
    payer.say("¿puedo pagar solo 25?")
    assert payer.collected["amount"] == 5000 and "no se puede cambiar" in payer.text


def test_a_decline_is_explained_in_spanish(client: TestClient) -> None:
    payer = es(client, amount=5000)
    payer.say("María Pérez")
    payer.card("4000000000009995")
    payer.say("sí")
    assert payer.last["payment"]["failureCode"] == "insufficient_funds"
    assert "fondos insuficientes" in payer.text and "No se cobró nada" in payer.text
