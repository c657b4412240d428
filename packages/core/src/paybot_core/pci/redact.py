"""Redaction of card-like digit runs from free text.

Any run of 13 or more digits (single spaces or dashes between them) is replaced, valid or
not: data-loss scanners treat such runs as card numbers, and a mistyped card number is
still somebody's card number.
"""

from __future__ import annotations

import re

from .cards import luhn_valid

# 13+ digits, each optionally separated by one or two spaces or dashes.
LONG_DIGIT_RUN = re.compile(r"\d(?:[ \-]{0,2}\d){12,}")
REDACTED_NUMBER = "[redacted card number]"


def redact_text(text: str) -> str:
    """Replace every run of 13+ digits with a placeholder."""
    return LONG_DIGIT_RUN.sub(REDACTED_NUMBER, text)


def find_card_numbers(text: str) -> list[str]:
    """Luhn-valid 13-19 digit sequences inside digit runs of `text` (for leak checks and tests).

    A run may hold a card number plus more digits (an expiry typed without a space), so every
    window of every run is tried, as data-loss scanners do.
    """
    found: list[str] = []
    for match in LONG_DIGIT_RUN.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        hit = _first_luhn_window(digits)
        if hit:
            found.append(hit)
    return found


def _first_luhn_window(digits: str) -> str | None:
    for size in range(min(len(digits), 19), 12, -1):
        for start in range(len(digits) - size + 1):
            window = digits[start : start + size]
            if len(set(window)) > 1 and luhn_valid(window):
                return window
    return None


def contains_card_number(text: str) -> bool:
    return bool(find_card_numbers(text))
