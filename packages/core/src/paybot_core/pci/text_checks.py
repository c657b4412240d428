"""Checks of text that a person or a merchant gives and paybot keeps or shows.

- `holds_card_data`: merchant presets, metadata and ids are refused (400 naming the key, never
  the value) when the recogniser finds card data in them in any form, base64 or hex included.
- `name_problem`: a name is letters. A digit of any Unicode category (circled, superscript,
  fullwidth, another script's) or a name made only of number words ("four nine two nine",
  "cuatro-nueve") is no name, and could be a card number on its way into the store; nor is a token
  that decodes to one (a digit-free base64 of a card number is all letters).
"""

from __future__ import annotations

import re
import unicodedata

from . import words
from .encodings import holds_encoded_card_data
from .recogniser import canonical, may_hold_card_data, redact

# Marks a name may hold between its letters: spaces, apostrophes, hyphens, periods.
_NAME_PUNCTUATION = frozenset(" '’-.")
_WORDS = re.compile(r"[a-z]+")
_NUMBER_LIKE = words.NUMBER_WORDS | frozenset(words.REPEAT) | words.INNER_ZERO | words.JOINERS


def holds_card_data(text: str) -> bool:
    """Whether the recogniser finds a card number (any form, split or not) or a labelled code."""
    return (may_hold_card_data(text) and redact(canonical(text)).changed) or holds_encoded_card_data(text)


def name_problem(name: str) -> str | None:
    """None for a name of letters; else "invalid_characters" (digits of any kind, symbols, number words)."""
    for ch in name:
        category = unicodedata.category(ch)
        if ch in _NAME_PUNCTUATION or category.startswith("L") or category.startswith("M"):
            continue
        return "invalid_characters"  # N* (any digit or number form), symbols, controls, ...
    canon = canonical(name).text
    if any(ch.isdigit() for ch in canon):  # spelled digits: "four-nine-two-nine", "cuatro nueve"
        return "invalid_characters"
    tokens = _WORDS.findall(canon)
    if tokens and all(t in _NUMBER_LIKE for t in tokens):  # "Seven", "Twenty"
        return "invalid_characters"
    if holds_encoded_card_data(name):
        return "invalid_characters"
    return None
