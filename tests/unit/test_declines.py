"""One decline table: the gateway's failure message and the bot's sentence come from the same entry."""

from __future__ import annotations

import pytest

from paybot_core.adapters.sandbox_gateway import TEST_CARD_OUTCOMES
from paybot_core.bootstrap import Services
from paybot_core.conversation.state import CardEntry, Presets
from paybot_core.conversation.turns import Confirm, KeyedCard
from paybot_core.declines import DECLINED, decline_sentence, known_codes

DECLINING = {
    number: outcome.split(":", 1)[1]
    for number, outcome in TEST_CARD_OUTCOMES.items()
    if outcome.startswith("decline:")
}


def test_every_code_the_sandbox_declines_with_has_a_sentence() -> None:
    assert DECLINING and set(DECLINING.values()) <= known_codes()


@pytest.mark.parametrize(("number", "code"), sorted(DECLINING.items()))
def test_the_reply_says_what_the_payment_record_says(services: Services, number: str, code: str) -> None:
    conv = services.conversations
    sid = conv.start(
        Presets(amount=5000, customer_name="Jane Doe", card_entry=CardEntry.TYPED)
    ).state.session_id
    conv.handle(sid, KeyedCard(number=number, expiry="1230", cvv="123"))
    reply = conv.handle(sid, Confirm())
    payment = reply.state.payment
    assert payment is not None and payment.failure_code == code
    assert payment.failure_message == decline_sentence(code)
    assert reply.said.startswith(decline_sentence(code) or "")


def test_fraud_and_lost_cards_are_told_only_declined() -> None:
    assert {decline_sentence(c) for c in ("fraudulent", "lost_card", "stolen_card", "do_not_honor")} == {
        DECLINED
    }
    assert decline_sentence("no_such_code") is None and decline_sentence(None) is None


def test_every_code_has_a_sentence_in_every_language() -> None:
    assert known_codes("es") == known_codes("en")
    spanish = decline_sentence("insufficient_funds", "es")
    assert spanish == "Su tarjeta fue rechazada por fondos insuficientes."
