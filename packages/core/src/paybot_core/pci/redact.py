"""Redaction of card data from free text (log records, audit details): the recogniser's, re-exported.

Any run of 13 or more digits, in any script and with any separators, is replaced, valid or
not: data-loss scanners treat such runs as card numbers, and a mistyped card number is still
somebody's card number. See `recogniser` for what else counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from .recogniser import REDACTED_NUMBER, contains_card_number, find_card_numbers, redact_text

__all__ = ["REDACTED_NUMBER", "CleanTextMemo", "contains_card_number", "find_card_numbers", "redact_text"]

T = TypeVar("T")

# 16 characters is less than any encoding of a 13-digit number takes (base64 18, base32 21, hex 26,
# `encodings`): a shorter text that the recogniser finds clean holds no card data in any form.
MAX_REMEMBERED_LENGTH = 15


class CleanTextMemo:
    """`redact_text` for texts that recur, such as the audit's enum values and masked card facts
    ("visa 4242", "collecting"): each is read by the whole recogniser once, then recognised here.

    It remembers only texts the recogniser returned unchanged (found clean) and shorter than 16
    characters, so it never holds card data: a text with a card number or a code in it is redacted,
    hence never remembered, and a text too short to encode one cannot hide one in base64 or hex.
    Longer texts (ids, free text) are rarely repeated and always go to `redact_text`. The answer is
    `redact_text`'s whatever the memo holds (`redact_text` depends on its argument only).
    Bounded: when full it starts again empty (one `set.clear`, atomic, so no lock is needed).
    """

    __slots__ = ("_capacity", "_clean")

    def __init__(self, capacity: int = 4096) -> None:
        self._capacity = capacity
        self._clean: set[str] = set()

    def __call__(self, text: str) -> str:
        if text in self._clean:
            return text
        result = redact_text(text)
        if len(text) <= MAX_REMEMBERED_LENGTH and result == text:
            if len(self._clean) >= self._capacity:
                self._clean.clear()
            self._clean.add(text)
        return result

    def redact_values(self, values: Mapping[str, T]) -> dict[str, T | str]:
        """`values` sorted by key, every string value redacted (a remembered one without a call)."""
        clean = self._clean
        return {
            key: value if not isinstance(value, str) or value in clean else self(value)
            for key, value in sorted(values.items())
        }

    def __len__(self) -> int:
        return len(self._clean)

    def __contains__(self, text: object) -> bool:
        return text in self._clean
