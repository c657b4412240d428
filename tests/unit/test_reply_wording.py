"""Reply wording a payer reads: one question at a time, counts that agree with their number."""

from __future__ import annotations

import re

import pytest

from paybot_core.bootstrap import Services
from paybot_core.conversation.state import CardEntry, Presets
from paybot_core.conversation.turns import Say

TYPED = Presets(amount=5000, card_entry=CardEntry.TYPED)


@pytest.mark.parametrize("refusal", ["no", "not yet", "nope"])
def test_no_at_confirmation_asks_one_question(services: Services, refusal: str) -> None:
    conv = services.conversations
    sid = conv.start(TYPED).state.session_id
    conv.handle(sid, Say("Jane Doe 4242 4242 4242 4242 12/29 123"))
    reply = conv.handle(sid, Say(refusal))
    assert reply.text.count("?") == 1, reply.text
    assert "Shall I make the payment" not in reply.text


def test_counts_of_tries_left_agree_with_their_number(services: Services) -> None:
    conv = services.conversations
    sid = conv.start(TYPED).state.session_id
    conv.handle(sid, Say("Jane Doe"))
    said = []
    for _ in range(2):  # declined twice: two, then one payment try left
        conv.handle(sid, Say("4000 0000 0000 0002 12/29 123"))
        said.append(conv.handle(sid, Say("yes")).text)
    conv2 = services.conversations.start(TYPED).state.session_id
    conv.handle(conv2, Say("Jane Doe"))
    for _ in range(2):  # two bad card numbers: two, then one field try left
        said.append(conv.handle(conv2, Say("4242 4242 4242 4241")).text)
    counts = [m for text in said for m in re.findall(r"\((\d+) (\w+) left", text)]
    assert counts == [("2", "tries"), ("1", "try"), ("2", "tries"), ("1", "try")], said
    assert not any("attempts left" in text for text in said)


def test_the_tries_left_aside_is_one_sentence_of_its_own_in_every_language() -> None:
    """After a full stop, "(2 tries left.)" / "(Le quedan 2 intentos.)": capital first, stop inside."""
    from paybot_core.replies import en, es

    for catalogue in (en.MESSAGES, es.MESSAGES):
        for key in ("tries_left.one", "tries_left.many"):
            aside = catalogue[key].strip()
            assert aside.startswith("(") and aside.endswith(".)") and not aside[1].islower(), (key, aside)
