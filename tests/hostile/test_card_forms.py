"""Every class of card-number and security-code form, against each reader of untrusted text.

The readers: the PCI guard's capture, the free-text redaction (audit details), the log filter
and the model guard (sanitiser and final-body check). All of them use one recogniser, so each
class is checked against all of them. (Issue 13, findings 1, 2 and 10.)
"""

from __future__ import annotations

import logging
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paybot_core import CardDataLeakError, Field, UnderstandingContext
from paybot_core.pci.capture import Expecting, capture_card_material
from paybot_core.pci.cards import check_card_number, luhn_valid
from paybot_core.pci.logging import CardDataFilter
from paybot_core.pci.model_guard import check_model_request, sanitise_for_model
from paybot_core.pci.recogniser import canonical, find_card_numbers, redact_text

from .attacks import (
    ALL_SCRIPTS,
    PAN_CLASSES,
    cvv_after_expiry,
    labelled_cvv,
    pan_attack,
)
from .leaks import cards, cvv_pattern

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Words around an attack: letters and punctuation of any script, no digits of any kind.
PROSE = st.text(st.characters(exclude_categories=("Nd", "No", "Nl", "Cs", "Co", "Cn")), max_size=20).filter(
    lambda t: not any(canonical(t).text[i].isdigit() for i in range(len(canonical(t).text)))
)


def _digits(text: str) -> str:
    """Every digit `text` holds, in any script or spelled out, as ASCII."""
    return "".join(ch for ch in canonical(text).text if ch.isdigit())


@PROPERTY
@given(data=st.data(), card=cards(), before=PROSE, after=PROSE, cls=st.sampled_from(sorted(PAN_CLASSES)))
def test_no_form_of_a_card_number_survives_any_reader(data, card, before, after, cls) -> None:
    attack = data.draw(pan_attack(card.pan, (cls,)))
    text = f"{before} {attack} {after}"
    expecting = data.draw(st.sampled_from(list(Expecting)))
    redacted, capture = capture_card_material(text, expecting, typed_entry=True)
    assert card.pan not in _digits(redacted), cls
    assert not find_card_numbers(redacted, split=True)
    # Recognised as the card it is, not just removed; unless the words around it are number words
    # that join it in context ("... six UNA" reads as one more digit, as "... six one" does): then
    # the payer's text is another number, and only the assertions above and below apply.
    if _digits(text) == _digits(attack):
        assert capture.number == card.pan, cls
    assert card.pan not in _digits(redact_text(text)), cls
    for amounts in (True, False):
        safe = sanitise_for_model(text, amounts_allowed=amounts)
        assert card.pan not in _digits(safe)
        check_model_request({"messages": [{"content": [{"text": safe}]}]}, amounts_allowed=amounts)
        with pytest.raises(CardDataLeakError):
            check_model_request({"messages": [{"content": [{"text": text}]}]}, amounts_allowed=amounts)


@PROPERTY
@given(data=st.data(), card=cards(), before=PROSE)
def test_a_labelled_security_code_in_any_form_is_taken_and_redacted(data, card, before) -> None:
    text = f"{before} {data.draw(labelled_cvv(card.cvv))}"
    redacted, capture = capture_card_material(text, Expecting.OTHER, typed_entry=True)
    assert capture.cvv == card.cvv
    assert not cvv_pattern(card.cvv).search(_digits_spaced(redacted))
    assert not cvv_pattern(card.cvv).search(_digits_spaced(redact_text(text)))
    with pytest.raises(CardDataLeakError):
        check_model_request({"messages": [{"content": [{"text": text}]}]}, amounts_allowed=True)


@PROPERTY
@given(data=st.data(), card=cards())
def test_a_code_typed_right_after_an_expiry_is_the_security_code(data, card) -> None:
    text = data.draw(cvv_after_expiry(card.cvv, card.exp_month, card.exp_year))
    redacted, capture = capture_card_material(text, Expecting.OTHER, typed_entry=True)
    assert capture.cvv == card.cvv and (capture.exp_month, capture.exp_year) == (
        card.exp_month,
        card.exp_year,
    )
    assert not any(ch.isdigit() for ch in redacted)


def _digits_spaced(text: str) -> str:
    return canonical(text).text


@PROPERTY
@given(card=cards(), script=st.sampled_from(ALL_SCRIPTS))
def test_luhn_and_the_card_check_read_digits_of_any_script_as_their_value(card, script) -> None:
    shown = "".join(script[d] for d in card.pan)
    assert not luhn_valid(shown)  # the check takes ASCII digits only, never code points
    assert check_card_number(shown).problem is not None
    _redacted, capture = capture_card_material(shown, Expecting.CARD_NUMBER, typed_entry=True)
    assert capture.number == card.pan and capture.number_check == check_card_number(card.pan)


@pytest.mark.parametrize("month", ["ſept", "ſeptember", "ＳＥＰＴ", "Sept.", "SEPTIEMBRE", "ſeptiembre de"])
def test_month_names_in_any_case_or_compatibility_form_read_as_months(month) -> None:
    redacted, capture = capture_card_material(f"{month} 2031", Expecting.EXPIRY, typed_entry=True)
    assert (capture.exp_month, capture.exp_year) == (9, 2031)
    assert "2031" not in redacted


@PROPERTY
@given(data=st.data(), card=cards(), cls=st.sampled_from(sorted(PAN_CLASSES)))
def test_the_log_filter_redacts_every_form_in_messages_arguments_exceptions_and_extras(
    data, card, cls
) -> None:
    attack = data.draw(pan_attack(card.pan, (cls,)))
    code = data.draw(labelled_cvv(card.cvv))
    try:
        raise ValueError(f"bad card {attack}")
    except ValueError:
        record = logging.LogRecord(
            "paybot", logging.ERROR, __file__, 1, "card %s given, %s", (attack, code), sys.exc_info()
        )
    record.detail = attack
    CardDataFilter().filter(record)
    rendered = logging.Formatter("%(message)s %(detail)s").format(record)
    assert card.pan not in _digits(rendered)
    assert not cvv_pattern(card.cvv).search(canonical(rendered.split("given,", 1)[1].split("\n")[0]).text)


@PROPERTY
@given(text=st.text(max_size=60), field=st.sampled_from([Field.NAME, Field.AMOUNT, Field.CONFIRMATION]))
def test_whatever_the_sanitiser_lets_through_the_final_check_accepts(text, field) -> None:
    context = UnderstandingContext(field, "usd", False, session_id="ses_x", channel="web")
    amounts = context.expecting is Field.AMOUNT
    safe = sanitise_for_model(text, amounts_allowed=amounts)
    check_model_request({"messages": [{"content": [{"text": safe}]}]}, amounts_allowed=amounts)
    if not amounts:
        assert not _digits(safe)


@pytest.mark.parametrize(
    "text", ["my name is Jane", "fifty dollars please", "I'd like to pay", "¿puedo pagar cincuenta?"]
)
def test_ordinary_words_pass_the_model_guard_unchanged(text) -> None:
    assert sanitise_for_model(text, amounts_allowed=False) == text


@pytest.mark.parametrize("text", ["$1,250.50", "50", "pay 75.20 now", "USD 300"])
def test_an_amount_the_bot_asked_for_reaches_the_model_and_nothing_else_does(text) -> None:
    assert sanitise_for_model(text, amounts_allowed=True) == text
    assert not _digits(sanitise_for_model(text, amounts_allowed=False))
