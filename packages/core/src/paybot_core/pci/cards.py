"""The card rules, in one place: Luhn, brands and their lengths, the security code's length,
the expiry rule, and masking.

Brands follow the issuer identification ranges the card networks publish; the lengths
are the ones each brand actually issues, so a Luhn-valid 15-digit "Visa" is refused.
Every check takes ASCII digits: callers normalise first (`pci.recogniser`), and a digit of
another script is never read by its code point.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
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

NON_DIGITS = re.compile(r"[^0-9]")
ASCII_DIGITS = re.compile(r"[0-9]+")


def digits_only(text: str) -> str:
    return NON_DIGITS.sub("", text)


# Luhn doubles every second digit from the right and adds the digits of the product: 7 -> 14 -> 5.
_DOUBLED = str.maketrans("0123456789", "0246813579")


def luhn_valid(digits: str) -> bool:
    """True when `digits` (ASCII digits only) passes the Luhn checksum."""
    if not ASCII_DIGITS.fullmatch(digits):
        return False
    # The digits as they count, from the right: every other one doubled (by the table above). Their
    # byte values add up to the Luhn sum plus 48 ("0") for each digit.
    counted = digits[-1::-2] + digits[-2::-2].translate(_DOUBLED)
    return (sum(counted.encode()) - 48 * len(counted)) % 10 == 0


def _prefix_table() -> tuple[tuple[int, ...], dict[str, int]]:
    """The issuer ranges as (prefix lengths, {prefix: index of its brand in `_BRAND_RANGES`})."""
    table: dict[str, int] = {}
    for index, (_brand, ranges, _lengths) in enumerate(_BRAND_RANGES):
        for r in ranges:
            for value in range(r.low, r.high + 1):
                table.setdefault(str(value).zfill(r.prefix_len), index)
    return tuple(sorted({r.prefix_len for _, ranges, _ in _BRAND_RANGES for r in ranges})), table


# Every prefix of every issuer range, once (about 1,400): a brand is a few dict lookups, not a
# walk over the ranges converting a prefix to a number for each (a turn checks several numbers).
_PREFIX_LENGTHS, _BRAND_OF_PREFIX = _prefix_table()


def detect_brand(digits: str) -> Brand | None:
    """The brand whose issuer ranges contain this number's prefix, whatever its length: the first in
    `_BRAND_RANGES` order (Discover's 622126-622925 inside UnionPay's 62)."""
    first: int | None = None
    for length in _PREFIX_LENGTHS:  # shortest first
        if len(digits) < length:
            break
        index = _BRAND_OF_PREFIX.get(digits[:length])
        if index is not None and (first is None or index < first):
            first = index
    return None if first is None else _BRAND_RANGES[first][0]


_LENGTHS_OF_BRAND = {brand: lengths for brand, _ranges, lengths in _BRAND_RANGES}


def brand_lengths(brand: Brand) -> frozenset[int]:
    return _LENGTHS_OF_BRAND.get(brand, frozenset())


def brand_named(value: str) -> Brand | None:
    """The brand a stored or reported name stands for ("visa"); None for a name with no rules here
    (a gateway may report brands outside this list), so the default code length and side apply."""
    try:
        return Brand(value)
    except ValueError:
        return None


def cvv_length(brand: Brand | None) -> int:
    """American Express prints a 4-digit code on the front; every other brand a 3-digit one."""
    return 4 if brand is Brand.AMEX else 3


def cvv_side(brand: Brand | None) -> str:
    """Where the card prints its security code, as the prompts name it: "front" or "back"."""
    return "front" if brand is Brand.AMEX else "back"


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
    """Validate a card number (ASCII digits only) against length, Luhn, brand and its lengths."""
    if not ASCII_DIGITS.fullmatch(digits):
        return CardNumberCheck(
            None, "", CardNumberProblem.CHECKSUM if digits else CardNumberProblem.TOO_SHORT
        )
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


MAX_EXPIRY_YEARS_AHEAD = 20


class ExpiryProblem(StrEnum):
    FORMAT = "format"
    BAD_MONTH = "bad_month"
    EXPIRED = "expired"
    TOO_FAR = "too_far"


def check_expiry(month: int | None, year: int | None, now: float) -> str | None:
    """None when valid: a real month, not past its last day, at most 20 years ahead; else the problem."""
    if month is None or year is None:
        return ExpiryProblem.FORMAT.value
    if not 1 <= month <= 12:
        return ExpiryProblem.BAD_MONTH.value
    today = datetime.fromtimestamp(now, UTC)
    if (year, month) < (today.year, today.month):
        return ExpiryProblem.EXPIRED.value
    if year > today.year + MAX_EXPIRY_YEARS_AHEAD:
        return ExpiryProblem.TOO_FAR.value
    return None


def mask(brand: Brand | str | None, last4: str) -> str:
    """The only way a card is ever shown: brand and last four digits."""
    known = {b.value: b for b in Brand}
    name = BRAND_DISPLAY[known[str(brand)]] if str(brand) in known else "Card"
    return f"{name} ending {last4[-4:]}"
