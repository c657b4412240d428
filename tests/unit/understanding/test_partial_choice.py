"""Where the merchant allows a part (`partial`), what the understanding reads from the payer: the whole
("the full amount", "todo"), a part ("una parte"), and never an amount of one from the Spanish article."""

from __future__ import annotations

import pytest

from paybot_core.conversation.state import Field
from paybot_core.conversation.understanding import Intent, UnderstandingContext
from paybot_core.understanding import understand


def _context(locale: str) -> UnderstandingContext:
    return UnderstandingContext(expecting=Field.AMOUNT, currency="usd", amount_preset=False, locale=locale)


@pytest.mark.parametrize(
    ("locale", "message", "intent"),
    [
        ("en", "the full amount", Intent.PAY_IN_FULL),
        ("en", "I'll pay it all", Intent.PAY_IN_FULL),
        ("en", "in full please", Intent.PAY_IN_FULL),
        ("en", "the total", Intent.PAY_IN_FULL),
        ("en", "actually only part of it", Intent.PAY_PART),
        ("en", "just some of it for now", Intent.PAY_PART),
        ("es", "todo", Intent.PAY_IN_FULL),
        ("es", "el total", Intent.PAY_IN_FULL),
        ("es", "quiero pagar el monto completo", Intent.PAY_IN_FULL),
        ("es", "mejor todo", Intent.PAY_IN_FULL),
        ("es", "en realidad solo una parte", Intent.PAY_PART),
        ("es", "pago parcial por ahora", Intent.PAY_PART),
    ],
)
def test_the_whole_or_a_part(locale: str, message: str, intent: Intent) -> None:
    understood = understand(message, _context(locale))
    assert intent in understood.intents and understood.amount is None
    assert Intent.CHANGE_AMOUNT not in understood.intents


@pytest.mark.parametrize(
    ("locale", "message"),
    [("en", "not all of it"), ("en", "cancel everything"), ("es", "cancelar todo"), ("es", "no todo")],
)
def test_a_negated_or_other_clause_is_neither(locale: str, message: str) -> None:
    intents = understand(message, _context(locale)).intents
    assert not intents & {Intent.PAY_IN_FULL, Intent.PAY_PART}


@pytest.mark.parametrize("message", ["una parte", "un pago de 50", "quiero pagar una parte"])
def test_the_spanish_article_is_never_an_amount_of_one(message: str) -> None:
    context = _context("es")
    amount = understand(message, context).amount
    assert amount is None or amount.minor != 100
    assert understand("un dólar", context).amount.minor == 100  # type: ignore[union-attr]
