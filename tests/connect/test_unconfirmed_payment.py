"""Honest words after a failure that may have charged: never "nothing was charged".

The charge succeeds at the gateway, then saving the session fails (DynamoDB throttled, the
Lambda's store unreachable): the caller must hear that the payment could not be confirmed and
that an agent will check, and be put through to one, not told that nothing was charged (the
agent might then charge again).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from paybot_channels.connect.handler import respond
from paybot_core import (
    SessionState,
    Status,
    StoreUnavailableError,
)
from tests.conftest import Clock
from tests.connect.conftest import Phone, RecordingGateway, RecordingStore

CARD = "4242424242424242"


class StoreFailingAfterTheCharge(RecordingStore):
    """Saves everything except the state that records a payment: the charge happened, the save did not."""

    def save(self, state: SessionState, expected_version: int, *args: Any, **kwargs: Any) -> SessionState:
        if state.payment is not None:
            raise StoreUnavailableError("DynamoDB/KMS answered ThrottlingException.")
        return super().save(state, expected_version, *args, **kwargs)


class GatewayFailingAfterTheCharge(RecordingGateway):
    """Charges, then fails in a way paybot does not know (a bug, a lost answer)."""

    def confirm_payment(self, request):  # type: ignore[no-untyped-def]
        super().confirm_payment(request)
        raise RuntimeError("connection reset after the charge")


@pytest.mark.parametrize("failure", ["store", "unknown"])
def test_a_failure_after_the_charge_sends_the_caller_to_an_agent_without_saying_nothing_was_charged(
    failure: str, make_phone: Callable[..., Phone], clock: Clock
) -> None:
    store = StoreFailingAfterTheCharge() if failure == "store" else RecordingStore()
    gateway = (
        GatewayFailingAfterTheCharge(clock=clock) if failure == "unknown" else RecordingGateway(clock=clock)
    )
    phone = make_phone(store=store, gateway=gateway)

    call = phone.call(f"{CARD}#1230#123#1")

    assert len(gateway.requests) == 1, "the caller pressed 1 once and was charged once"
    assert call.outcome == "agent"
    pay = call.answers[-1]
    assert pay["result"] == "agent"
    assert "could not confirm the payment" in pay["say"].lower()
    assert "agent will check" in pay["say"].lower()
    said_after_pay = phone.said(call).split("Press 1 to pay")[-1].lower()
    assert "nothing was charged" not in said_after_pay
    assert "could not confirm the payment" in said_after_pay


class UnreachableProcessor(RecordingGateway):
    """Every confirmation times out at the processor: nothing known, each press a new request."""

    def confirm_payment(self, request):  # type: ignore[no-untyped-def]
        self.requests.append(request)
        from paybot_core import GatewayError

        raise GatewayError(
            "The payment processor did not answer in time.", code="gateway_timeout", retryable=True
        )


def test_presses_of_1_are_capped_when_the_processor_does_not_answer(
    make_phone: Callable[..., Phone], clock: Clock
) -> None:
    gateway = UnreachableProcessor(clock=clock)
    store = RecordingStore()
    phone = make_phone(store=store, gateway=gateway, max_payment_attempts=3)

    call = phone.call(f"{CARD}#1230#123#" + "1" * 8)

    assert len(gateway.requests) == 3, "three presses reach the processor, no more"
    assert len({r.idempotency_key for r in gateway.requests}) == 1, "each press resends the same charge"
    assert call.outcome == "agent"
    assert [a["result"] for a in call.answers[-3:]] == ["retry", "retry", "agent"]
    assert "could not confirm the payment" in call.answers[-1]["say"].lower()
    assert "nothing was charged" not in phone.said(call).split("Press 1 to pay")[-1].lower()
    # The cap is the session's, not the flow's: one more press of 1 (a flow that loops, a crafted
    # invocation) reaches no processor, and the session stays open for the charge's outcome.
    assert call.events[-1]["Details"]["Parameters"]["step"] == "pay"
    again = respond(phone.channel, call.events[-1])
    assert again["result"] == "agent" and len(gateway.requests) == 3
    state = phone.services.conversations.get(call.attributes["paybotSession"]).state
    assert state.payment_unconfirmed and state.status is Status.CONFIRMING


class MotoNotEnabled(RecordingGateway):
    """Refuses every confirmation as the Stripe adapter does for an account without MOTO: final."""

    def confirm_payment(self, request):  # type: ignore[no-untyped-def]
        self.requests.append(request)
        from paybot_core import GatewayError

        raise GatewayError(
            "The payment can't be taken this way right now; nothing was charged.",
            code="moto_not_enabled",
            retryable=False,
        )


class RawCardDataNotEnabled(RecordingGateway):
    """Refuses to tokenize, as the Stripe adapter does for an account without raw card data access."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tokenizations = 0

    def create_payment_method(self, card, *, idempotency_key):  # type: ignore[no-untyped-def]
        self.tokenizations += 1
        from paybot_core import GatewayError

        raise GatewayError(
            "The payment can't be taken this way right now; nothing was charged.",
            code="raw_card_data_not_enabled",
            retryable=False,
        )


def test_a_refused_tokenization_sends_the_caller_to_an_agent_not_back_to_the_card_number(
    make_phone: Callable[..., Phone], clock: Clock
) -> None:
    gateway = RawCardDataNotEnabled(clock=clock)
    store = RecordingStore()
    phone = make_phone(store=store, gateway=gateway)

    call = phone.call(f"{CARD}#1230#123#" * 3 + "1")

    assert gateway.tokenizations == 1 and gateway.requests == [], "asked once, never charged"
    assert call.outcome == "agent" and call.answers[-1]["result"] == "agent"
    said = call.answers[-1]["say"]
    assert "how the payment processor is set up" in said and "card number is incorrect" not in said.lower()


def test_a_refusal_no_retry_can_change_sends_the_caller_to_an_agent_at_the_first_press(
    make_phone: Callable[..., Phone], clock: Clock
) -> None:
    gateway = MotoNotEnabled(clock=clock)
    store = RecordingStore()
    phone = make_phone(store=store, gateway=gateway, max_payment_attempts=3)

    call = phone.call(f"{CARD}#1230#123#" + "1" * 8)

    assert len(gateway.requests) == 1, "one press, one request: the refusal is final"
    assert call.outcome == "agent" and call.answers[-1]["result"] == "agent"
    said = call.answers[-1]["say"]
    assert "how the payment processor is set up" in said and "would not change that" in said
    assert "try again" not in said.lower()
