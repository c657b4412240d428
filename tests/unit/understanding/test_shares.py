"""A share of what is due ("half", "two thirds", "25%", "la mitad"): read as a fraction, never as
money, and never as a name. The engine turns it into an amount only where a part may be paid."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paybot_core.conversation.state import Field
from paybot_core.conversation.understanding import UnderstandingContext
from paybot_core.understanding import understand


def _context(locale: str, expecting: Field = Field.AMOUNT) -> UnderstandingContext:
    return UnderstandingContext(expecting=expecting, currency="usd", amount_preset=False, locale=locale)


@pytest.mark.parametrize(
    ("locale", "message", "share"),
    [
        ("en", "half", Fraction(1, 2)),
        ("en", "I'll pay half now", Fraction(1, 2)),
        ("en", "Half of it please", Fraction(1, 2)),
        ("en", "can I do a third today?", Fraction(1, 3)),
        ("en", "two thirds", Fraction(2, 3)),
        ("en", "one quarter for now", Fraction(1, 4)),
        ("en", "three quarters of the bill", Fraction(3, 4)),
        ("en", "25%", Fraction(1, 4)),
        ("en", "pay 40 percent", Fraction(2, 5)),
        ("en", "fifty per cent", Fraction(1, 2)),
        ("en", "12.5 %", Fraction(1, 8)),
        ("es", "la mitad", Fraction(1, 2)),
        ("es", "puedo pagar la mitad", Fraction(1, 2)),
        ("es", "un tercio por ahora", Fraction(1, 3)),
        ("es", "dos tercios", Fraction(2, 3)),
        ("es", "tres cuartas partes", Fraction(3, 4)),
        ("es", "el 30%", Fraction(3, 10)),
        ("es", "veinte por ciento", Fraction(1, 5)),
    ],
)
def test_a_share_is_read_as_a_fraction_and_its_numbers_are_no_amount(
    locale: str, message: str, share: Fraction
) -> None:
    understood = understand(message, _context(locale))
    assert understood.share == share
    assert understood.amount is None  # "two thirds" is not $2, "25%" is not $25


@given(st.integers(min_value=1, max_value=100), st.sampled_from(["%", " %", " percent", " per cent"]))
def test_no_percentage_is_ever_money(number: int, mark: str) -> None:
    understood = understand(f"I can pay {number}{mark}", _context("en"))
    assert understood.amount is None and understood.share == Fraction(number, 100)


@pytest.mark.parametrize(
    ("locale", "message"),
    [
        ("en", "this is my third try"),
        ("en", "not half"),
        ("es", "no la mitad"),
    ],
)
def test_what_is_no_share(locale: str, message: str) -> None:
    assert understand(message, _context(locale)).share is None


@pytest.mark.parametrize(
    ("locale", "message"),
    [
        ("en", "half"),
        ("en", "Half"),
        ("en", "everything"),
        ("en", "partial"),
        ("en", "full"),
        ("es", "mitad"),
        ("es", "la mitad"),
        ("es", "todo"),
        ("es", "parte"),
    ],
)
def test_a_word_that_answers_how_much_is_never_a_name(locale: str, message: str) -> None:
    understood = understand(message, _context(locale, expecting=Field.NAME))
    assert understood.name is None or understood.name.value is None
