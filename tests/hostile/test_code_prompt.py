"""At the security-code prompt, what the payer types with the code (a count of digits, a second
guess, the code spaced out) never lets the code through to the understanding, a model or a log.

Found by reading real answers: "4 digits on the front: 1234" held two digit runs, so the capture
took nothing and the code went on into the text as typed. Now a count of digits is not a run, and
when no one code can be taken every run that could be one is redacted (deny by default).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paybot_core import CardEntry, Presets, Say, Services
from paybot_core.pci.capture import Expecting, capture_card_material

CODES = st.from_regex(r"\A[0-9]{3,4}\Z")
COUNT_WORDS = st.sampled_from(["digits", "numbers", "-digit code", "dígitos", "números", "cifras"])
FILLER = st.sampled_from(["", "it's ", "ok so ", "the ", "mine has ", "son "])


@settings(max_examples=150, deadline=None)
@given(code=CODES, count=st.sampled_from("34"), words=COUNT_WORDS, lead=FILLER, code_first=st.booleans())
def test_a_count_of_digits_beside_the_code_is_no_second_run(
    code: str, count: str, words: str, lead: str, code_first: bool
) -> None:
    counted = f"{count}{words if words.startswith('-') else ' ' + words}"
    message = f"{lead}{code}, {counted}" if code_first else f"{lead}{counted} on the card: {code}"
    redacted, capture = capture_card_material(message, Expecting.CVV, typed_entry=True)
    assert capture.cvv == code and code not in redacted


@settings(max_examples=150, deadline=None)
@given(first=CODES, second=CODES, joiner=st.sampled_from([" or ", ", maybe ", " o ", " / ", " no wait "]))
def test_two_guesses_take_nothing_and_leave_neither(first: str, second: str, joiner: str) -> None:
    redacted, capture = capture_card_material(f"{first}{joiner}{second}?", Expecting.CVV, typed_entry=True)
    assert capture.cvv is None
    assert first not in redacted and second not in redacted


@pytest.mark.parametrize("spaced", ["1 2 3", "12 34", "7-3-9-1", "4 5 6 7"])
def test_a_code_typed_spaced_out_is_redacted(spaced: str) -> None:
    redacted, _ = capture_card_material(f"hmm {spaced} I think", Expecting.CVV, typed_entry=True)
    assert not any(ch.isdigit() for ch in redacted)


def test_an_amount_with_its_currency_is_left_for_the_amount(services: Services) -> None:
    redacted, capture = capture_card_material("make it 1250 dollars", Expecting.CVV, typed_entry=True)
    assert capture.cvv is None and "1250 dollars" in redacted


def test_through_a_conversation_the_code_reaches_no_understanding(services: Services) -> None:
    """The whole turn: the code is taken and the reply moves on; no text the service passed on holds it."""
    seen: list[str] = []
    model = services.conversations.model
    original = model.understand

    def recording(text, context):  # type: ignore[no-untyped-def]
        seen.append(text)
        return original(text, context)

    model.understand = recording  # type: ignore[method-assign]
    conversations = services.conversations
    sid = conversations.start(
        Presets(amount=4200, customer_name="Lee Chang", card_entry=CardEntry.TYPED)
    ).state.session_id
    conversations.handle(sid, Say("378282246310005"))
    conversations.handle(sid, Say("08/28"))
    reply = conversations.handle(sid, Say("4 digits on the front: 6071"))
    assert reply.state.status.value == "confirming"
    assert seen and not any("6071" in text for text in seen)
