"""Calls in the caller's language: the flow's first key chooses English or Spanish; the voice, the
contact's language code, the flow's own sentences, the Lambda's answers and the core's replies all
follow it. Run through the real flow.json, the simulator and the handler, like test_calls.py."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infra.flow import render_flow
from paybot_channels.connect.handler import respond
from paybot_core import Locale, RulesLanguageModel, Status, UnderstandingContext, message

from .conftest import Phone
from .test_calls import _no_card_data
from .test_handler import _event

VOICES = {"en": ("Joanna", "en-US"), "es": ("Lupe", "es-US")}
# Stripe test cards that succeed, with the length of their security code.
GOOD_CARDS = [
    ("4242424242424242", 3),
    ("5555555555554444", 3),
    ("378282246310005", 4),
    ("6011111111111117", 3),
]
MENU = "Thank you for calling. For English, press 1. Gracias por llamar. Para español, oprima 2."


def _bot_lines(call) -> list[str]:  # type: ignore[no-untyped-def]
    return [line[5:] for line in call.transcript if line.startswith("bot: ") and line[5:] != MENU]


_READER = RulesLanguageModel()
_ASKING_NOTHING = UnderstandingContext(expecting=None, currency="usd", amount_preset=True)


def _language_of(line: str) -> str | None:
    """The language paybot's own understanding hears in a sentence (None: not plainly one)."""
    return _READER.understand(line, _ASKING_NOTHING).language


def _spoken_in(call, lang: str) -> None:  # type: ignore[no-untyped-def]
    """Every sentence after the menu is in `lang` (the other language's words never appear)."""
    other = "en" if lang == "es" else "es"
    for line in _bot_lines(call):
        assert _language_of(line) != other, line
        if lang == "es":
            assert _language_of(line) == "es", line


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lang=st.sampled_from(["en", "es"]),
    card=st.sampled_from(GOOD_CARDS),
    month=st.integers(1, 12),
    year=st.integers(27, 45),
    code=st.integers(0, 9999),
    first_try=st.sampled_from(["", "timeout", "bad number", "restart"]),
)
def test_a_call_pays_in_the_language_chosen_with_the_first_key(
    make_phone: Callable[..., Phone],
    caplog: pytest.LogCaptureFixture,
    lang: str,
    card: tuple[str, int],
    month: int,
    year: int,
    code: int,
    first_try: str,
) -> None:
    number, code_length = card
    cvv = str(code).zfill(4)[-code_length:]
    wrong_check_digit = number[:-1] + str((int(number[-1]) + 1) % 10)
    before = {"": "", "timeout": ",", "bad number": wrong_check_digit + "#", "restart": number[:6] + "*#"}[
        first_try
    ]
    phone = make_phone()
    call = phone.call(f"{before}{number}#{month:02d}{year:02d}#{cvv}#1", language=lang)

    assert call.paid, "\n".join(call.transcript)
    voice, language_code = VOICES[lang]
    notes = [line for line in call.transcript if line.startswith("[")]
    assert notes[:2] == [f"[voice {voice} (neural)]", f"[language {language_code}]"]
    assert {e["Details"]["ContactData"]["LanguageCode"] for e in call.events} == {language_code}
    assert {e["Details"]["Parameters"]["locale"] for e in call.events} == {lang}
    assert call.attributes["paybotLocale"] == lang
    state = phone.services.conversations.get(call.attributes["paybotSession"]).state
    assert (state.status, state.locale) == (Status.COMPLETED, lang)
    _spoken_in(call, lang)
    said = phone.said(call)
    locale = Locale(lang)
    amount = "cincuenta dólares" if lang == "es" else "fifty dollars"
    last4 = " ".join(number[-4:])
    assert message(locale, "phone.menu", amount=amount, last4=last4) in said
    assert message(locale, "phone.flow.goodbye") in said
    side = "front" if code_length == 4 else "back"
    digits = "cuatro" if (code_length == 4 and lang == "es") else "tres" if lang == "es" else None
    words = digits or ("four" if code_length == 4 else "three")
    assert message(locale, f"prompt.cvv.{side}", speech=True, digits=words) in said
    intents = phone.services.sandbox.list_intents(state.session_id)  # type: ignore[union-attr]
    assert [(i.status, i.amount) for i in intents] == [("succeeded", 5000)]
    _no_card_data(phone, caplog, number)


def test_a_spanish_caller_hears_every_refusal_in_spanish_and_counts_the_same_tries(phone: Phone) -> None:
    # A wrong check digit, an expired date, a code one digit short, a silence at the menu, then paid.
    call = phone.call("5555555555554443#" + "5555555555554444#0125#0830#12#123#,1", language="es")

    assert call.paid
    said = phone.said(call)
    for sentence in (
        "Le quedan dos intentos.",
        message(Locale.ES, "invalid.card_number.checksum"),
        message(Locale.ES, "invalid.expiry.expired"),
        message(Locale.ES, "invalid.cvv", digits=3),
        message(Locale.ES, "invalid.keypad.timeout") + " Le quedan dos intentos.",
        "Pago realizado: se pagaron cincuenta dólares con la Mastercard terminada en 4 4 4 4.",
    ):
        assert sentence in said
    _spoken_in(call, "es")


def test_a_spanish_caller_restarts_a_field_with_star_and_changes_the_card_with_2(phone: Phone) -> None:
    call = phone.call("6011*#6011111111111117#0929#456#2" + "4242424242424242#1131#789#1", language="es")

    assert call.paid
    said = phone.said(call)
    assert said.count("De acuerdo, empecemos de nuevo el número de tarjeta.") == 1
    assert "De acuerdo, usemos otra tarjeta." in said
    assert "Pago realizado: se pagaron cincuenta dólares con la Visa terminada en 4 2 4 2." in said
    assert "intento" not in said.split("Pago realizado")[0]  # neither * nor 2 counted a try
    _spoken_in(call, "es")


def test_a_spanish_decline_then_another_card(phone: Phone) -> None:
    call = phone.call("4000000000009995#1030#321#1" + "5555555555554444#1030#321#1", language="es")

    assert call.paid
    said = phone.said(call)
    assert "No se cobró nada" in said  # the Lambda knows a decline charged nothing; the flow never says it
    assert message(Locale.ES, "phone.menu", amount="cincuenta dólares", last4="4 4 4 4") in said
    _spoken_in(call, "es")


def test_an_unknown_spanish_caller_keys_an_account_and_hears_its_amount_in_spanish_words(
    phone: Phone,
) -> None:
    call = phone.call("7777#*#2002#" + "4242424242424242#0433#000#1", caller="+15555550111", language="es")

    assert call.paid
    said = phone.said(call)
    assert message(Locale.ES, "phone.no_account_for_caller") in said
    assert "No encontré ninguna cuenta con ese número. Le quedan dos intentos." in said
    assert message(Locale.ES, "phone.restart.account") in said
    assert "mil doscientos cincuenta dólares con cincuenta centavos" in said
    _spoken_in(call, "es")


def test_too_many_tries_in_spanish_ends_with_an_agent_in_spanish(phone: Phone) -> None:
    call = phone.call("98765#98765#98765#", language="es")

    assert call.outcome == "agent"
    said = phone.said(call)
    assert "Le queda un intento." in said
    assert message(Locale.ES, "phone.flow.hold") in said
    state = phone.services.conversations.get(call.attributes["paybotSession"]).state
    assert (state.status, state.locale) == (Status.FAILED, "es")
    _spoken_in(call, "es")


@pytest.mark.parametrize("menu", [",", "9", "0", "*", "#"])
def test_no_key_or_another_key_at_the_menu_is_english(phone: Phone, menu: str) -> None:
    call = phone.call("4242424242424242#1230#123#1", menu=menu)

    assert call.paid
    assert call.attributes["paybotLocale"] == "en"
    assert message(Locale.EN, "phone.flow.number") in phone.said(call)
    _spoken_in(call, "en")


def test_a_step_without_a_locale_speaks_the_default_language(make_phone: Callable[..., Phone]) -> None:
    # The fixtures' events carry no locale, as a flow from before the language menu sends.
    phone = make_phone(default_locale="es")
    answer = respond(phone.channel, _event("connect_lookup_unknown_caller.json"))
    assert answer["say"] == message(Locale.ES, "phone.no_account_for_caller")
    spoken = respond(phone.channel, _event("connect_lookup.json"))
    state = phone.services.conversations.get(spoken["session"]).state
    assert state.locale == "es" and spoken["amount"] == "cincuenta dólares"


@pytest.mark.parametrize(
    ("lang", "keys", "said"),
    [
        (
            "es",
            "5555555555554444#0731#468#1",
            "Pago realizado: se pagaron cincuenta dólares con la Mastercard",
        ),
        ("en", "6011111111111117#1132#975#1", "Payment successful: fifty dollars paid with the Discover"),
    ],
)
def test_a_call_through_the_flow_as_the_stack_renders_it(
    phone: Phone, lang: str, keys: str, said: str
) -> None:
    """The flow Connect deploys: every placeholder filled by infra.flow.render_flow, as `pulumi up` does."""
    template = resources.files("paybot_channels.connect").joinpath("flow.json").read_text()
    values = {
        "PaybotLambdaArn": "arn:aws:lambda:us-east-1:111122223333:function:paybot-dev-phone:live",
        "PaybotEncryptionKeyId": "key-1",
        "PaybotEncryptionCertificate": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        "PaybotQueueArn": "arn:aws:connect:us-east-1:111122223333:instance/i/queue/q",
    }
    rendered = json.loads(render_flow(template, values))
    assert "${" not in json.dumps(rendered)
    call = phone.call(keys, language=lang, flow=rendered)

    assert call.paid
    assert said in phone.said(call)
    assert call.attributes["paybotLocale"] == lang
    _spoken_in(call, lang)
