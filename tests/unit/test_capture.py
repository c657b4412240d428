"""The PCI guard's capture: card material out of typed text, in context, with placeholders left behind."""

from __future__ import annotations

import pytest

from paybot_core.pci.capture import Expecting, capture_card_material
from paybot_core.pci.redact import find_card_numbers

E = Expecting


@pytest.mark.parametrize(
    ("text", "expecting", "number", "month", "year", "cvv"),
    [
        ("4242424242424242", E.CARD_NUMBER, "4242424242424242", None, None, None),
        ("4242 4242 4242 4242", E.CARD_NUMBER, "4242424242424242", None, None, None),
        ("4242-4242-4242-4242", E.OTHER, "4242424242424242", None, None, None),
        ("4242 4242 4242 4242 exp 12/27", E.OTHER, "4242424242424242", 12, 2027, None),
        (
            "I'm Jane, card 4242 4242 4242 4242 exp 12/27 cvc 739",
            E.OTHER,
            "4242424242424242",
            12,
            2027,
            "739",
        ),
        ("4242424242424242 1227 123", E.CARD_NUMBER, "4242424242424242", 12, 2027, "123"),
        ("4242424242424242 12/27 123", E.OTHER, "4242424242424242", 12, 2027, "123"),
        (
            "card: 378282246310005, expires 03/2029, security code 1234",
            E.OTHER,
            "378282246310005",
            3,
            2029,
            "1234",
        ),
        ("1234", E.CARD_NUMBER, "1234", None, None, None),
        ("12/2028", E.EXPIRY, None, 12, 2028, None),
        ("1/28", E.EXPIRY, None, 1, 2028, None),
        ("1228", E.EXPIRY, None, 12, 2028, None),
        ("12-28", E.EXPIRY, None, 12, 2028, None),
        ("exp. december 2029", E.EXPIRY, None, 12, 2029, None),
        ("456", E.CVV, None, None, None, "456"),
        # Asked for the code, the message's one short digit run is the code, whatever surrounds it.
        ("it's 4567", E.CVV, None, None, None, "4567"),
        ("code is 7391", E.CVV, None, None, None, "7391"),
        ("the code on the back is 931", E.CVV, None, None, None, "931"),
        ("931.", E.CVV, None, None, None, "931"),
        ("🔒 931 🙂", E.CVV, None, None, None, "931"),
        ("es 123", E.CVV, None, None, None, "123"),
        ("make it $60", E.CVV, None, None, None, None),
        ("actually 60 dollars", E.CVV, None, None, None, None),
        ("the cvv is 987", E.OTHER, None, None, None, "987"),
        ("$1,250.50", E.OTHER, None, None, None, None),
        ("I'll pay 50 on 12/25/2026", E.OTHER, None, None, None, None),
    ],
)
def test_capture_finds_each_piece(
    text: str, expecting: Expecting, number: str | None, month: int | None, year: int | None, cvv: str | None
) -> None:
    redacted, capture = capture_card_material(text, expecting, typed_entry=True)
    assert capture.number == number
    assert (capture.exp_month, capture.exp_year) == (month, year)
    assert capture.cvv == cvv
    if number and len(number) >= 13:
        assert number not in redacted.replace(" ", "").replace("-", "")
    if cvv:
        assert cvv not in redacted


def test_secure_mode_redacts_and_keeps_nothing() -> None:
    redacted, capture = capture_card_material(
        "my card is 4242 4242 4242 4242 cvc 123", E.OTHER, typed_entry=False
    )
    assert capture.typed_number_seen
    assert capture.number is None and capture.cvv is None and capture.number_check is None
    assert "4242" not in redacted and "123" not in redacted


def test_unreadable_expiry_is_an_attempt_and_redacted() -> None:
    redacted, capture = capture_card_material("13 2", E.EXPIRY, typed_entry=True)
    assert capture.expiry_unreadable
    assert "13" not in redacted


def test_invalid_number_is_captured_for_checking_but_still_redacted() -> None:
    redacted, capture = capture_card_material("4242424242424241", E.CARD_NUMBER, typed_entry=True)
    assert capture.number_check is not None and not capture.number_check.ok
    assert "4242424242424241" not in redacted


def test_wipe_and_repr_never_show_values() -> None:
    _, capture = capture_card_material("4242424242424242 12/27 123", E.OTHER, typed_entry=True)
    assert "4242" not in repr(capture) and "123" not in repr(capture)
    capture.wipe()
    assert capture.number is None and capture.cvv is None and capture.exp_month is None


def test_find_card_numbers_sees_a_number_inside_a_longer_run() -> None:
    assert find_card_numbers("ref 42424242424242421227") == ["4242424242424242"]


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        # a second card's expiry and code, typed in one go after a first card
        ("4242424242424242 12/29 123 actually use 5555555555554444 11/30 456", ["12", "29", "123"]),
        # a labelled code and an unlabelled one after the number
        ("cvc 321, card 4242424242424242 12/29 654", ["321"]),
        ("4242424242424242 12/29 123, thanks", ["123"]),
    ],
)
def test_nothing_short_and_numeric_passes_next_to_a_card_number(text: str, kept: list[str]) -> None:
    redacted, capture = capture_card_material(text, E.OTHER, typed_entry=True)
    assert not any(ch.isdigit() for ch in redacted), redacted
    assert capture.number == "4242424242424242"


def test_money_next_to_a_card_number_is_still_readable() -> None:
    redacted, _ = capture_card_material(
        "pay $50 with 4242424242424242, or 60 dollars", E.OTHER, typed_entry=True
    )
    assert "$50" in redacted and "60 dollars" in redacted
