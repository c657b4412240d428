"""Card numbers: the Luhn check, brand and length tables, and masking.

Brands follow the issuer identification ranges the card networks publish; the lengths
are the ones each brand actually issues, so a Luhn-valid 15-digit "Visa" is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Brand(StrEnum):
    VISA = "visa"
    MASTERCARD = "mastercard"
    AMEX = "amex"
    DISCOVER = "discover"
    DINERS = "diners"
    JCB = "jcb"
    UNIONPAY = "unionpay"


BRAND_DISPLAY = {
    Brand.VISA: "Visa",
    Brand.MASTERCARD: "Mastercard",
    Brand.AMEX: "American Express",
    Brand.DISCOVER: "Discover",
    Brand.DINERS: "Diners Club",
    Brand.JCB: "JCB",
    Brand.UNIONPAY: "UnionPay",
}

DEFAULT_ACCEPTED_BRANDS = frozenset({Brand.VISA, Brand.MASTERCARD, Brand.AMEX, Brand.DISCOVER})


@dataclass(frozen=True)
class _Range:
    low: int
    high: int
    prefix_len: int

    def matches(self, digits: str) -> bool:
        if len(digits) < self.prefix_len:
            return False
        return self.low <= int(digits[: self.prefix_len]) <= self.high


# Checked in order: the more specific ranges (Discover's 622126-622925 inside UnionPay's 62) first.
_BRAND_RANGES: tuple[tuple[Brand, tuple[_Range, ...], frozenset[int]], ...] = (
    (Brand.AMEX, (_Range(34, 34, 2), _Range(37, 37, 2)), frozenset({15})),
    (
        Brand.DISCOVER,
        (_Range(6011, 6011, 4), _Range(644, 649, 3), _Range(65, 65, 2), _Range(622126, 622925, 6)),
        frozenset({16, 17, 18, 19}),
    ),
    (
        Brand.MASTERCARD,
        (_Range(51, 55, 2), _Range(2221, 2720, 4)),
        frozenset({16}),
    ),
    (Brand.VISA, (_Range(4, 4, 1),), frozenset({13, 16, 19})),
    (Brand.DINERS, (_Range(300, 305, 3), _Range(36, 36, 2), _Range(38, 39, 2)), frozenset(range(14, 20))),
    (Brand.JCB, (_Range(3528, 3589, 4),), frozenset({16, 17, 18, 19})),
    (Brand.UNIONPAY, (_Range(62, 62, 2),), frozenset({16, 17, 18, 19})),
)

NON_DIGITS = re.compile(r"\D")


def digits_only(text: str) -> str:
    return NON_DIGITS.sub("", text)


def luhn_valid(digits: str) -> bool:
    """True when `digits` (digits only) passes the Luhn checksum."""
    if not digits.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def detect_brand(digits: str) -> Brand | None:
    """The brand whose issuer ranges contain this number's prefix, whatever its length."""
    for brand, ranges, _lengths in _BRAND_RANGES:
        if any(r.matches(digits) for r in ranges):
            return brand
    return None


def brand_lengths(brand: Brand) -> frozenset[int]:
    for candidate, _ranges, lengths in _BRAND_RANGES:
        if candidate is brand:
            return lengths
    return frozenset()


def cvv_length(brand: Brand | None) -> int:
    """American Express prints a 4-digit code on the front; every other brand a 3-digit one."""
    return 4 if brand is Brand.AMEX else 3


class CardNumberProblem(StrEnum):
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    CHECKSUM = "checksum"
    UNKNOWN_BRAND = "unknown_brand"
    BRAND_NOT_ACCEPTED = "brand_not_accepted"
    WRONG_LENGTH = "wrong_length"


@dataclass(frozen=True)
class CardNumberCheck:
    """The verdict on a typed card number: only masked facts, never the number itself."""

    brand: Brand | None
    last4: str
    problem: CardNumberProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def check_card_number(digits: str, accepted: frozenset[Brand] = DEFAULT_ACCEPTED_BRANDS) -> CardNumberCheck:
    """Validate a card number (digits only) against length, Luhn, brand and its lengths."""
    last4 = digits[-4:] if len(digits) >= 4 else ""
    brand = detect_brand(digits)
    if len(digits) < 13:
        return CardNumberCheck(brand, last4, CardNumberProblem.TOO_SHORT)
    if len(digits) > 19:
        return CardNumberCheck(brand, last4, CardNumberProblem.TOO_LONG)
    if not luhn_valid(digits):
        return CardNumberCheck(brand, last4, CardNumberProblem.CHECKSUM)
    if brand is None:
        return CardNumberCheck(None, last4, CardNumberProblem.UNKNOWN_BRAND)
    if brand not in accepted:
        return CardNumberCheck(brand, last4, CardNumberProblem.BRAND_NOT_ACCEPTED)
    if len(digits) not in brand_lengths(brand):
        return CardNumberCheck(brand, last4, CardNumberProblem.WRONG_LENGTH)
    return CardNumberCheck(brand, last4, None)


def mask(brand: Brand | str | None, last4: str) -> str:
    """The only way a card is ever shown: brand and last four digits."""
    known = {b.value: b for b in Brand}
    name = BRAND_DISPLAY[known[str(brand)]] if str(brand) in known else "Card"
    return f"{name} ending {last4[-4:]}"
