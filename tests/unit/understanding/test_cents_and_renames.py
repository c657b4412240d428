"""Two classes found by reading real payers' answers.

- Cents after a plain number: "son 350 con 75 centavos" was taken as $0.75 (only the cents were
  marked as money). The cents make the number before them money: $350.75.
- "change the name to Sara Connor": the new name is in the sentence; it was cleared and asked again.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paybot_core.conversation.state import Field
from paybot_core.conversation.understanding import UnderstandingContext
from paybot_core.understanding import understand


def _context(locale: str, expecting: Field = Field.AMOUNT, name: str | None = None) -> UnderstandingContext:
    return UnderstandingContext(
        expecting=expecting, currency="usd", amount_preset=False, locale=locale, name=name
    )


@given(
    whole=st.integers(min_value=1, max_value=9_999),
    cents=st.integers(min_value=1, max_value=99),
    form=st.sampled_from(
        [
            ("en", "{w} and {c} cents"),
            ("en", "it's {w} and {c} cents"),
            ("es", "son {w} con {c} centavos"),
            ("es", "{w} y {c} centavos"),
        ]
    ),
    expecting=st.sampled_from([Field.AMOUNT, Field.NAME, Field.CARD_NUMBER]),
)
def test_cents_after_a_plain_number_belong_to_it(
    whole: int, cents: int, form: tuple[str, str], expecting: Field
) -> None:
    locale, template = form
    amount = understand(template.format(w=whole, c=cents), _context(locale, expecting)).amount
    assert amount is not None and amount.minor == whole * 100 + cents


@pytest.mark.parametrize(("locale", "message"), [("en", "75 cents"), ("es", "cincuenta centavos")])
def test_cents_alone_are_still_cents(locale: str, message: str) -> None:
    amount = understand(message, _context(locale)).amount
    assert amount is not None and amount.minor in (75, 50)


@pytest.mark.parametrize(
    ("locale", "message", "name"),
    [
        ("en", "actually can you change the name to Sara Connor", "Sara Connor"),
        ("en", "please update my name to María José Ruiz", "María José Ruiz"),
        ("en", "change the name on the card to Li Wei", "Li Wei"),
        ("es", "cambia el nombre de la tarjeta a Luz Mar", "Luz Mar"),
        ("es", "cambia el nombre a Ana Ruiz por favor", "Ana Ruiz"),
        ("es", "quiero corregir mi nombre a José Pérez", "José Pérez"),
    ],
)
def test_a_rename_in_one_sentence_gives_the_new_name(locale: str, message: str, name: str) -> None:
    understood = understand(message, _context(locale, Field.CONFIRMATION, name="Sarah Connor"))
    assert understood.name is not None and understood.name.value == name
