"""Card numbers: Luhn, brand and length tables, masking."""

from __future__ import annotations

import pytest

from paybot_core.pci.cards import (
    Brand,
    CardNumberProblem,
    brand_named,
    check_card_number,
    cvv_length,
    cvv_side,
    luhn_valid,
    mask,
)


@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        ("4242424242424242", True),
        ("4242424242424241", False),
        ("378282246310005", True),
        ("6011111111111117", True),
        ("5555555555554444", True),
        ("79927398713", True),
        ("79927398710", False),
        ("", False),
        ("12a4", False),
    ],
)
def test_luhn(digits: str, valid: bool) -> None:
    assert luhn_valid(digits) is valid


@pytest.mark.parametrize(
    ("number", "brand", "problem"),
    [
        ("4242424242424242", Brand.VISA, None),
        ("4222222222222", Brand.VISA, None),  # 13-digit Visa
        ("5555555555554444", Brand.MASTERCARD, None),
        ("2223003122003222", Brand.MASTERCARD, None),  # 2-series Mastercard
        ("378282246310005", Brand.AMEX, None),
        ("6011111111111117", Brand.DISCOVER, None),
        ("3056930009020004", Brand.DINERS, CardNumberProblem.BRAND_NOT_ACCEPTED),
        ("3566002020360505", Brand.JCB, CardNumberProblem.BRAND_NOT_ACCEPTED),
        ("4242424242424241", Brand.VISA, CardNumberProblem.CHECKSUM),
        ("1234", None, CardNumberProblem.TOO_SHORT),
        ("42424242424242424242", Brand.VISA, CardNumberProblem.TOO_LONG),
        ("9999999999999995", None, CardNumberProblem.UNKNOWN_BRAND),
        ("37828224631003", Brand.AMEX, CardNumberProblem.WRONG_LENGTH),
    ],
)
def test_check_card_number(number: str, brand: Brand | None, problem: CardNumberProblem | None) -> None:
    check = check_card_number(number)
    assert check.brand == brand
    assert check.problem == problem
    assert check.last4 == number[-4:]


def test_accepted_brands_are_configurable() -> None:
    assert check_card_number("3566002020360505", frozenset({Brand.JCB})).ok


@pytest.mark.parametrize(("brand", "length"), [(Brand.AMEX, 4), (Brand.VISA, 3), (None, 3)])
def test_cvv_length(brand: Brand | None, length: int) -> None:
    assert cvv_length(brand) == length


@pytest.mark.parametrize(
    ("name", "brand", "length", "side"),
    [
        ("amex", Brand.AMEX, 4, "front"),
        ("visa", Brand.VISA, 3, "back"),
        ("unionpay", Brand.UNIONPAY, 3, "back"),
        # a name a gateway may report that has no rules here: the default code, on the back
        ("eftpos_au", None, 3, "back"),
        ("", None, 3, "back"),
        ("AMEX", None, 3, "back"),  # stored names are the enum's values, lower case
    ],
)
def test_a_stored_brand_name_gives_the_code_length_and_side(
    name: str, brand: Brand | None, length: int, side: str
) -> None:
    assert brand_named(name) is brand
    assert (cvv_length(brand_named(name)), cvv_side(brand_named(name))) == (length, side)


@pytest.mark.parametrize(
    ("brand", "last4", "shown"),
    [
        ("visa", "4242", "Visa ending 4242"),
        ("amex", "0005", "American Express ending 0005"),
        ("nope", "1111", "Card ending 1111"),
        ("visa", "4242424242424242", "Visa ending 4242"),
    ],
)
def test_mask_shows_brand_and_last_four_only(brand: str, last4: str, shown: str) -> None:
    assert mask(brand, last4) == shown
