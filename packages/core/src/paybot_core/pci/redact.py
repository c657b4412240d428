"""Redaction of card data from free text (log records, audit details): the recogniser's, re-exported.

Any run of 13 or more digits, in any script and with any separators, is replaced, valid or
not: data-loss scanners treat such runs as card numbers, and a mistyped card number is still
somebody's card number. See `recogniser` for what else counts.
"""

from __future__ import annotations

from .recogniser import REDACTED_NUMBER, contains_card_number, find_card_numbers, redact_text

__all__ = ["REDACTED_NUMBER", "contains_card_number", "find_card_numbers", "redact_text"]
