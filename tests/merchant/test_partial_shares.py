"""A share of what is due ("half", "a third", "25%", "la mitad") where the merchant allows a part: code
works out the amount from what is due (to the cent, half up) and holds it to minimum..due like any
stated amount; the confirmation names it and only the payer's yes pays. Without a part to pay, a share
takes nothing: a fixed amount stays fixed, an open amount asks for the amount itself."""

from __future__ import annotations

import pytest

from paybot_core import CardEntry, Presets, Say, Services, Status

DUE, MINIMUM = 12_000, 2_000


def start(services: Services, locale: str = "en", name: str | None = "Jane Doe", due: int = DUE) -> str:
    presets = Presets(
        amount=due, partial_minimum=MINIMUM, locale=locale, customer_name=name, card_entry=CardEntry.TYPED
    )
    return services.conversations.start(presets).state.session_id


@pytest.mark.parametrize(
    ("locale", "message", "amount"),
    [
        ("en", "half", 6_000),
        ("en", "I'll pay half of it now", 6_000),
        ("en", "a third please", 4_000),
        ("en", "two thirds", 8_000),
        ("en", "three quarters for now", 9_000),
        ("en", "25%", 3_000),
        ("en", "can I pay 50 percent?", 6_000),
        ("es", "la mitad", 6_000),
        ("es", "quiero pagar un tercio", 4_000),
        ("es", "tres cuartos", 9_000),
        ("es", "el 25 %", 3_000),
        ("es", "cuarenta por ciento", 4_800),
    ],
)
def test_a_share_of_what_is_due_becomes_that_amount(
    services: Services, locale: str, message: str, amount: int
) -> None:
    reply = services.conversations.handle(start(services, locale), Say(message))
    assert reply.state.amount == amount and reply.state.status is Status.COLLECTING
    assert reply.state.field_attempts == ()


def test_a_share_that_does_not_come_out_even_is_rounded_to_the_cent(services: Services) -> None:
    sid = start(services, due=10_000)  # a third of $100.00
    assert services.conversations.handle(sid, Say("a third")).state.amount == 3_333
    sid = start(services, due=10_001)  # half of $100.01 is 50.005: half up
    assert services.conversations.handle(sid, Say("half")).state.amount == 5_001


@pytest.mark.parametrize(
    ("message", "said"),
    [
        ("10%", "smallest part you can pay is $20.00"),
        ("a quarter of 5%", "smallest part you can pay is $20.00"),  # the percentage is read first
        ("150 percent", "more than the $120.00 due"),
    ],
)
def test_a_share_outside_the_range_is_refused_and_never_clamped(
    services: Services, message: str, said: str
) -> None:
    reply = services.conversations.handle(start(services), Say(message))
    assert reply.state.amount is None and said in reply.text


def test_the_confirmation_names_the_amount_worked_out_and_only_yes_pays(services: Services) -> None:
    conversations = services.conversations
    sid = start(services, name=None)
    for message in ("Ana Ruiz", "two thirds", "5555 5555 5555 4444", "04/31", "737"):
        reply = conversations.handle(sid, Say(message))
    assert reply.state.status is Status.CONFIRMING
    assert "$80.00" in reply.text and "$40.00" in reply.text  # paid now, and still due
    assert conversations.handle(sid, Say("yes")).state.status is Status.COMPLETED


def test_a_share_word_at_the_name_question_is_the_amount_not_a_name(services: Services) -> None:
    reply = services.conversations.handle(start(services, name=None), Say("half"))
    assert reply.state.name is None and reply.state.amount == 6_000


def test_with_a_fixed_amount_a_share_is_told_the_amount_is_fixed(services: Services) -> None:
    sid = services.conversations.start(Presets(amount=DUE, customer_name="Jane Doe")).state.session_id
    reply = services.conversations.handle(sid, Say("can I pay half?"))
    assert reply.state.amount == DUE and "has to be paid in full" in reply.text


@pytest.mark.parametrize(("locale", "message"), [("en", "half"), ("en", "30%"), ("es", "la mitad")])
def test_with_an_open_amount_a_share_asks_for_the_amount_itself(
    services: Services, locale: str, message: str
) -> None:
    sid = services.conversations.start(Presets(customer_name="Jane Doe", locale=locale)).state.session_id
    reply = services.conversations.handle(sid, Say(message))
    assert reply.state.amount is None and reply.state.current_field is not None
    assert "$50.00" in reply.text  # the example of an amount itself
