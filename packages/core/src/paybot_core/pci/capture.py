"""Pull card material out of a typed message before anything else reads it.

`capture_card_material` returns the text with every card number, expiry and security code
replaced by a placeholder, and a `CardCapture` holding what was typed. The capture lives in
memory for the current request only; the service seals what it keeps into the vault and
wipes the rest.

Context matters for short digit runs: "456" is a security code when the bot asked for one
and an amount when it asked for an amount, so the caller passes what it expects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from .cards import DEFAULT_ACCEPTED_BRANDS, Brand, CardNumberCheck, check_card_number, luhn_valid

PAN_PLACEHOLDER = "[card number]"
EXPIRY_PLACEHOLDER = "[expiry]"
CVV_PLACEHOLDER = "[security code]"


class Expecting(StrEnum):
    """The card field the conversation is waiting for, if any."""

    CARD_NUMBER = "card_number"
    EXPIRY = "expiry"
    CVV = "cvv"
    OTHER = "other"


@dataclass
class CardCapture:
    """Card material typed in one message. Mutable so that `wipe` can clear it."""

    number: str | None = None
    number_check: CardNumberCheck | None = None
    exp_month: int | None = None
    exp_year: int | None = None
    expiry_unreadable: bool = False
    cvv: str | None = None
    typed_number_seen: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def has_expiry(self) -> bool:
        return self.exp_month is not None and self.exp_year is not None

    def __enter__(self) -> CardCapture:
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Leaving the `with` block wipes the capture, whether the block returned or raised."""
        self.wipe()

    def wipe(self) -> None:
        """Drop every reference to typed values (best effort: Python strings are immutable)."""
        self.number = None
        self.cvv = None
        self.exp_month = None
        self.exp_year = None
        self.extra.clear()

    def __repr__(self) -> str:  # never print the values, even in a debugger or traceback
        return (
            f"CardCapture(number={'<set>' if self.number else None}, "
            f"expiry={'<set>' if self.has_expiry else None}, cvv={'<set>' if self.cvv else None})"
        )


# A digit run: digits with at most two spaces or dashes between them.
_DIGIT_RUN = re.compile(r"(?<![\d/])\d(?:[ \-]{0,2}\d)*(?![\d/])")
_GROUP_SPLIT = re.compile(r"[ \-]+")
_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for m in names
}
# MM/YY, M/YY, MM/YYYY, MM-YY (not part of a longer date such as 12/25/2026).
_EXPIRY_SEPARATED = re.compile(r"(?<![\d/\-])(\d{1,2})\s?[/\-]\s?(\d{4}|\d{2})(?![\d]|\s?[/\-]\s?\d)")
_EXPIRY_KEYWORD = re.compile(
    r"\b(?:exp(?:iry|ires?|iration)?(?:\s+date)?|valid\s+(?:thru|through|until)|good\s+thru)\b\.?\s*(?:is|on|:|-)?\s*"
    r"(\d{1,2})\s?[/\-]?\s?(\d{4}|\d{2})(?!\d)",
    re.IGNORECASE,
)
_EXPIRY_MONTH_NAME = re.compile(
    r"\b(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?,?\s+(\d{4}|\d{2})\b",
    re.IGNORECASE,
)
_CVV_KEYWORD = re.compile(
    r"\b(?:cvv2?|cvc2?|cid|csc|(?:security|verification|card|sec)\s+code)\b\s*(?:is|:|#|-|=)?\s*(\d{3,4})(?!\d)",
    re.IGNORECASE,
)
_ONLY_DIGITS = re.compile(r"[\d\s\-]+")
# A comma or period ends a number ("123, thanks") unless a digit follows ("1,250" or "50.00").
_LONE_SHORT_RUN = re.compile(r"(?<![\w$€£])(?<!\d[.,])(\d{3,4})(?![\w%]|[.,]\d)")


def capture_card_material(
    text: str,
    expecting: Expecting,
    *,
    typed_entry: bool,
    accepted_brands: frozenset[Brand] = DEFAULT_ACCEPTED_BRANDS,
) -> tuple[str, CardCapture]:
    """Return (redacted text, capture). With `typed_entry` False everything is redacted and dropped."""
    capture = CardCapture()
    text, number = _take_card_number(text, expecting)
    if number is not None:
        capture.typed_number_seen = True
        capture.number = number
        capture.number_check = check_card_number(number, accepted_brands)
    text = _take_expiry(text, expecting, capture)
    text = _take_cvv(text, expecting, capture, after_number=number is not None)
    if number is not None and len(number) >= 13:
        text = _redact_card_context_digits(text)
    if not typed_entry:
        seen = capture.typed_number_seen
        capture.wipe()
        capture.number_check = None
        capture.typed_number_seen = seen
    return text, capture


def _take_card_number(text: str, expecting: Expecting) -> tuple[str, str | None]:
    """Find the card number (valid or not) and replace it; leave trailing groups (expiry, CVV) in place."""
    for match in _DIGIT_RUN.finditer(text):
        groups = [g for g in _GROUP_SPLIT.split(match.group()) if g]
        total = sum(len(g) for g in groups)
        if total >= 13:
            pan_groups = _card_number_groups(groups)
            number = "".join(groups[:pan_groups])
            rest = " ".join(groups[pan_groups:])
            if sum(len(g) for g in groups[pan_groups:]) >= 13:  # more than an expiry and a code follow
                rest = PAN_PLACEHOLDER
            replacement = PAN_PLACEHOLDER + (" " + rest if rest else "")
            tail = _redact_further_numbers(text[match.end() :])
            return text[: match.start()] + replacement + tail, number
    if expecting is Expecting.CARD_NUMBER and _ONLY_DIGITS.fullmatch(text.strip() or "x"):
        # The bot asked for the card number and the payer typed only digits: a (short) attempt.
        return PAN_PLACEHOLDER, re.sub(r"\D", "", text)
    return text, None


def _redact_further_numbers(text: str) -> str:
    """Only the first card number of a message is taken, but a second one must not pass the guard."""

    def replace(match: re.Match[str]) -> str:
        digits = sum(len(g) for g in _GROUP_SPLIT.split(match.group()) if g)
        return PAN_PLACEHOLDER if digits >= 13 else match.group()

    return _DIGIT_RUN.sub(replace, text)


# Short digit groups that are money, not card material: "$50", "50 dollars", "50.00", "USD 50".
_SHORT_DIGITS = re.compile(
    r"(?<![\w$€£¥])(?<!\d[.,])\d{1,4}(?:\s?[/\-]\s?\d{1,4})?(?![\w%]|[.,]\d)"
    r"(?!\s*(?:dollars?|bucks|usd|eur|euros?|pounds?|gbp|cad|aud|cents?|pence)\b)",
    re.IGNORECASE,
)
_CURRENCY_BEFORE = re.compile(r"(?:usd|eur|gbp|cad|aud)\s*$", re.IGNORECASE)
CARD_DETAIL_PLACEHOLDER = "[card detail]"


def _redact_card_context_digits(text: str) -> str:
    """In a message that carries a card number, every other short digit group is card material.

    A second card's expiry and code, or a code typed twice, cannot be told from other numbers by
    their shape, so nothing short and numeric passes the guard next to a card number unless it is
    plainly money ("$50", "50 dollars", "50.00"). At worst the bot asks for such a number again.
    """

    def replace(match: re.Match[str]) -> str:
        if _CURRENCY_BEFORE.search(text[: match.start()]):
            return match.group()
        return CARD_DETAIL_PLACEHOLDER

    return _SHORT_DIGITS.sub(replace, text)


def _card_number_groups(groups: list[str]) -> int:
    """How many leading groups form the card number.

    "4242424242424242 1227 123" is a number, an expiry and a code typed in one go: prefer the
    longest prefix that is 13-19 digits and Luhn-valid; otherwise the longest prefix of at most
    19 digits (an invalid attempt); a single over-long group is taken whole.
    """
    best_valid = best_any = 0
    count = 0
    for index, group in enumerate(groups, start=1):
        count += len(group)
        if count > 19:
            break
        if count >= 13:
            best_any = index
            if luhn_valid("".join(groups[:index])):
                best_valid = index
    return best_valid or best_any or 1


def _year(raw: str) -> int:
    return 2000 + int(raw) if len(raw) == 2 else int(raw)


# "4242424242424242 1227 123": right after a card number, four digits are an MMYY expiry.
_MMYY_AFTER_NUMBER = re.compile(re.escape(PAN_PLACEHOLDER) + r"\s+(0[1-9]|1[0-2])(\d{2})(?!\d)")


def _take_expiry(text: str, expecting: Expecting, capture: CardCapture) -> str:
    if capture.number is not None:
        match = _MMYY_AFTER_NUMBER.search(text)
        if match:
            capture.exp_month, capture.exp_year = int(match.group(1)), _year(match.group(2))
            return text[: match.start(1)] + EXPIRY_PLACEHOLDER + text[match.end(2) :]
    for pattern in (_EXPIRY_KEYWORD, _EXPIRY_SEPARATED):
        match = pattern.search(text)
        if match:
            capture.exp_month, capture.exp_year = int(match.group(1)), _year(match.group(2))
            return text[: match.start()] + EXPIRY_PLACEHOLDER + text[match.end() :]
    match = _EXPIRY_MONTH_NAME.search(text)
    if match and (expecting is Expecting.EXPIRY or capture.number is not None):
        capture.exp_month, capture.exp_year = _MONTHS[match.group(1).lower()], _year(match.group(2))
        return text[: match.start()] + EXPIRY_PLACEHOLDER + text[match.end() :]
    if expecting is Expecting.EXPIRY:
        stripped = text.strip()
        mmyy = re.fullmatch(r"(\d{2})\s?(\d{2}|\d{4})", stripped) or re.fullmatch(
            r"(\d)\s(\d{2}|\d{4})", stripped
        )
        if mmyy:
            capture.exp_month, capture.exp_year = int(mmyy.group(1)), _year(mmyy.group(2))
            return EXPIRY_PLACEHOLDER
        if re.search(r"\d", stripped) and _ONLY_DIGITS.fullmatch(re.sub(r"[/.]", " ", stripped)):
            # Digits that are no expiry we can read: an attempt, and redacted all the same.
            capture.expiry_unreadable = True
            return EXPIRY_PLACEHOLDER
    return text


def _take_cvv(text: str, expecting: Expecting, capture: CardCapture, *, after_number: bool) -> str:
    match = _CVV_KEYWORD.search(text)
    if match:
        capture.cvv = match.group(1)
        # The first labelled code is taken; a second ("cvv 123, I mean cvv 124") must not pass either.
        return (
            text[: match.start()] + CVV_PLACEHOLDER + _CVV_KEYWORD.sub(CVV_PLACEHOLDER, text[match.end() :])
        )
    if expecting is Expecting.CVV:
        stripped = text.strip()
        if re.fullmatch(r"\d{1,8}", stripped):
            capture.cvv = stripped
            return CVV_PLACEHOLDER
    if after_number:
        # A number, then an expiry, then three or four digits: the code, typed without a label.
        tail = text.split(PAN_PLACEHOLDER, 1)[1]
        lone = _LONE_SHORT_RUN.search(tail)
        if lone:
            capture.cvv = lone.group(1)
            start = text.index(PAN_PLACEHOLDER) + len(PAN_PLACEHOLDER) + lone.start()
            return text[:start] + CVV_PLACEHOLDER + text[start + len(lone.group(1)) :]
    return text
