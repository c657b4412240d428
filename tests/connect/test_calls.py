"""Simulated phone calls: flow.json run block by block, the handler called with Connect-shaped
events carrying Connect-style encrypted input, the same services as the web chat."""

from __future__ import annotations

import logging

import pytest

from paybot_core import Field, Status, contains_card_number

from .conftest import Phone

VISA = "4242424242424242"
DECLINED = "4000000000000002"
CARD = f"{VISA}#1230#123#"


def _no_card_data(phone: Phone, caplog: pytest.LogCaptureFixture, *numbers: str) -> None:
    """The card never reaches the attributes the flow keeps, the events' attributes, the transcript,
    a log line, the session store or the audit log; no sealed card is ever saved."""
    logs = "\n".join(r.getMessage() for r in caplog.records)
    stores = {"audit": repr(phone.services.audit.records), "store": phone.store.dumps()}  # type: ignore[attr-defined]
    for call in phone.calls:
        kept = [
            *call.attribute_values,
            *(v for e in call.events for v in e["Details"]["ContactData"]["Attributes"].values()),
        ]
        # What a person reads is also scanned for any card-like run, as a data-loss scanner would
        # (the stores hold hashes and ids whose hex digits can pass Luhn by chance).
        # Attributes are separate fields of the contact record, each scanned on its own (joined, the
        # tries counters and spelled-out digits of neighbouring fields would make runs no field holds).
        scanned = {"transcript": "\n".join(call.transcript), "logs": logs}
        for value in kept:
            assert not contains_card_number(value), "card-like digits in an attribute"
            assert not any(number in value for number in numbers), "card number in an attribute"
        for where, text in {**scanned, **stores}.items():
            for number in numbers:
                assert number not in text, f"card number in {where}"
            if where in scanned:
                assert not contains_card_number(text), f"card-like digits in {where}"
        assert all(call.card_inputs_protected), "a card field was collected while recording or logging was on"
    assert all(state.sealed_card is None for state in phone.store.written), "a sealed card was saved"


def test_happy_path_pays_by_moto_with_masked_transcript(
    phone: Phone, caplog: pytest.LogCaptureFixture
) -> None:
    call = phone.call(CARD + "1")

    assert call.paid
    said = phone.said(call)
    assert "fifty dollars for DEMO 1 0 0 1" in said
    assert "Press 1 to pay fifty dollars with the card ending 4 2 4 2, or 2 to change the card." in said
    assert "Payment successful: fifty dollars paid with the Visa ending 4 2 4 2." in said
    assert "caller: keyed ••••••••••••••••#" in call.transcript
    # the card segment: logging and recording off before the number, back on before the outcome
    notes = [line for line in call.transcript if line.startswith("[")]
    assert notes[:4] == [
        "[voice Joanna (neural)]",
        "[language en-US]",
        "[flow logging off]",
        "[recording suspended]",
    ]
    assert notes[-3:] == ["[recording on]", "[flow logging on]", "[call ended]"]
    session = call.attributes["paybotSession"]
    state = phone.services.conversations.get(session).state
    assert state.status is Status.COMPLETED
    assert state.channel.value == "voice"
    intents = phone.services.sandbox.list_intents(session)  # type: ignore[union-attr]
    assert [(i.status, i.amount) for i in intents] == [("succeeded", 5000)]
    assert [(r.channel, r.moto) for r in phone.services.gateway.requests] == [("voice", True)]  # type: ignore[attr-defined]
    assert call.attributes["paybotPayment"] == intents[0].id
    # Encrypted card input lived in flow attributes only, never on the contact record.
    assert not {"paybotNumber", "paybotExpiry"} & set(call.attributes)
    _no_card_data(phone, caplog, VISA)


def test_invalid_card_then_valid(phone: Phone, caplog: pytest.LogCaptureFixture) -> None:
    call = phone.call("4242424242424241#" + CARD + "1")

    assert call.paid
    assert "That card number isn't valid; please check the digits. You have two tries left." in phone.said(
        call
    )
    _no_card_data(phone, caplog, VISA, "4242424242424241")


def test_brand_not_accepted_names_the_accepted_ones(make_phone, caplog: pytest.LogCaptureFixture) -> None:
    phone = make_phone(accepted_brands="visa,mastercard")
    call = phone.call("378282246310005#" + CARD + "1")

    assert call.paid
    assert "Sorry, we accept Visa and Mastercard only. You have two tries left." in phone.said(call)
    _no_card_data(phone, caplog, VISA, "378282246310005")


def test_expired_date_then_valid(phone: Phone, caplog: pytest.LogCaptureFixture) -> None:
    call = phone.call(f"{VISA}#0124#1230#123#1")

    assert call.paid
    assert "That expiry date has passed, so the card has expired. You have two tries left." in phone.said(
        call
    )
    _no_card_data(phone, caplog, VISA)


def test_wrong_length_security_code_then_valid(phone: Phone) -> None:
    call = phone.call(f"{VISA}#1230#12#123#1")

    assert call.paid
    assert "The security code for this card is 3 digits. You have two tries left." in phone.said(call)


def test_declined_card_then_another_card(phone: Phone, caplog: pytest.LogCaptureFixture) -> None:
    call = phone.call(f"{DECLINED}#1230#123#1" + CARD + "1")

    assert call.paid
    said = phone.said(call)
    assert (
        "Your card was declined. Nothing was charged. You can try another card: you have two more attempts."
        in said
    )
    # the second card is collected inside a fresh card segment, with recording and logging off again
    assert call.card_inputs_protected == [True] * 6
    intents = phone.services.sandbox.list_intents(call.attributes["paybotSession"])  # type: ignore[union-attr]
    assert sorted((i.status, i.failure_code) for i in intents) == [
        ("requires_payment_method", "card_declined"),
        ("succeeded", None),
    ]
    _no_card_data(phone, caplog, VISA, DECLINED)


def test_timeout_on_a_field_counts_a_try_and_asks_again(phone: Phone) -> None:
    call = phone.call(f"{VISA}#,1230#123#1")

    assert call.paid
    assert "Sorry, I didn't hear any keys. You have two tries left." in phone.said(call)
    assert "[caller pressed nothing]" in call.transcript


def test_star_restarts_the_field_without_counting_a_try(phone: Phone) -> None:
    call = phone.call("4242*#4242*#4242*#" + CARD + "1")

    assert call.paid
    said = phone.said(call)
    assert said.count("OK, let's start the card number again.") == 3
    assert "tries left" not in said


def test_too_many_tries_transfers_to_an_agent(phone: Phone, caplog: pytest.LogCaptureFixture) -> None:
    call = phone.call("1234#1234#1234#")

    assert not call.paid
    assert call.outcome == "agent"
    said = phone.said(call)
    assert "A card number has thirteen to nineteen digits. You have one try left." in said
    assert (
        "Sorry, that's too many tries at the card number, so I've closed this payment. Nothing was charged."
        in said
    )
    assert "Please hold while I put you through to an agent." in said
    state = phone.services.conversations.get(call.attributes["paybotSession"]).state
    assert state.status is Status.FAILED  # the spec: the last invalid try ends the session as failed
    assert call.transcript[-1] == "[transferred to the agent queue]"
    _no_card_data(phone, caplog)


def test_silence_everywhere_ends_with_an_agent_not_a_charge(phone: Phone) -> None:
    call = phone.call("")

    assert call.outcome == "agent"
    assert phone.services.sandbox.list_intents(call.attributes["paybotSession"]) == []  # type: ignore[union-attr]


def test_unknown_caller_keys_an_account_number(phone: Phone) -> None:
    call = phone.call("9999#2002#" + CARD + "1", caller="+15555550111")

    assert call.paid
    said = phone.said(call)
    assert "I couldn't find an account for the number you're calling from." in said
    assert "I couldn't find an account with that number. You have two tries left." in said
    assert "one thousand two hundred fifty dollars and fifty cents" in said


UNKNOWN_CALLER = "+15555550111"


def test_an_unknown_callers_session_exists_from_the_first_step_and_the_engine_counts_the_account(
    phone: Phone, caplog: pytest.LogCaptureFixture
) -> None:
    """Wrong twice (a reference no account has, then a card number keyed there), right the third time:
    one session throughout, its tries at the account counted by the engine, no count in the flow."""
    call = phone.call(f"9999#{VISA}#2002#" + CARD + "1", caller=UNKNOWN_CALLER)

    assert call.paid
    said = phone.said(call)
    assert "I couldn't find an account with that number. You have two tries left." in said
    assert (
        "That sounds like a card number. Please key your account number instead. You have one try left."
        in said
    )
    lookups = [
        e["Details"]["Parameters"]
        for e in call.events
        if e["Details"]["Parameters"]["step"] == "lookup_reference"
    ]
    sessions = {p["session"] for p in lookups} | {call.attributes["paybotSession"]}
    assert len(lookups) == 3 and len(sessions) == 1, "one session from the first step to the payment"
    assert not any("tries" in e["Details"]["Parameters"] for e in call.events), "the flow keeps no count"
    assert not any("tries" in answer for answer in call.answers)
    state = phone.services.conversations.get(call.attributes["paybotSession"]).state
    assert state.attempts_on(Field.ACCOUNT) == 2 and state.presets.reference == "DEMO-2002"
    assert state.status is Status.COMPLETED
    _no_card_data(phone, caplog, VISA)


def test_all_tries_at_the_account_send_the_caller_to_an_agent(
    phone: Phone, caplog: pytest.LogCaptureFixture
) -> None:
    call = phone.call(f"1#,{VISA}#", caller=UNKNOWN_CALLER)

    assert call.outcome == "agent" and not phone.services.gateway.requests  # type: ignore[attr-defined]
    said = phone.said(call)
    assert "I couldn't find an account with that number. You have two tries left." in said
    assert "Sorry, I didn't hear any keys. You have one try left." in said
    assert "Sorry, that's too many tries at the account number, so I've closed this payment." in said
    assert [a["result"] for a in call.answers] == ["ask_reference", "retry", "retry", "agent"]
    state = phone.services.conversations.get(call.answers[0]["session"]).state
    assert state.status is Status.FAILED and state.amount is None
    _no_card_data(phone, caplog, VISA)


def test_press_2_changes_the_card(phone: Phone) -> None:
    call = phone.call(CARD + "2" + "5555555555554444#1230#123#1")

    assert call.paid
    said = phone.said(call)
    assert "OK, let's use a different card." in said
    assert "Payment successful: fifty dollars paid with the Mastercard ending 4 4 4 4." in said


def test_confirmation_menu_retries_on_no_choice_and_silence(phone: Phone) -> None:
    call = phone.call(CARD + "9,1")

    assert call.paid
    said = phone.said(call)
    assert "Sorry, that key isn't one of the choices. You have two tries left." in said
    assert "Sorry, I didn't hear any keys. You have one try left." in said


def test_logs_carry_no_card_data_at_debug(phone: Phone, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    phone.call(f"{DECLINED}#1230#123#1" + "4242424242424241#" + CARD + "1")

    assert any(r.name == "paybot.connect" for r in caplog.records)
    _no_card_data(phone, caplog, VISA, DECLINED, "4242424242424241")
