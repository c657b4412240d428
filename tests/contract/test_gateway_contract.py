"""One contract for every PaymentGateway: the embedded sandbox, and Stripe (its SDK against localstripe)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from paybot_core.adapters.sandbox_gateway import SandboxGateway
from paybot_core.conversation.state import Channel
from paybot_core.errors import CardValidationError, PaymentIntentMissingError, PaymentMethodError
from paybot_core.ports import CardDetails, PaymentGateway, PaymentRequest
from tests.support.localstripe_emulator import stripe_client


@pytest.fixture(params=["sandbox", "stripe"])
def gateway(request: pytest.FixtureRequest) -> Iterator[PaymentGateway]:
    if request.param == "sandbox":
        yield SandboxGateway()
    else:
        request.applymarker(pytest.mark.stripe)
        from paybot_core.adapters.stripe_gateway import StripeGateway

        yield StripeGateway(stripe_client(request.getfixturevalue("localstripe_url")))


def key() -> str:
    return f"ses_{uuid.uuid4().hex}:charge:1"


def card(number: str, cvc: str = "123") -> CardDetails:
    return CardDetails(number, 12, 2030, cvc)


def pay(
    gateway: PaymentGateway,
    number: str,
    *,
    channel: Channel = Channel.WEB,
    idempotency_key: str | None = None,
    amount: int = 5000,
):
    pm, _ = gateway.create_payment_method(
        card(number, "1234" if number.startswith("37") else "123"), idempotency_key=key()
    )
    request = PaymentRequest(
        idempotency_key or key(), amount, "usd", pm, "ses_contract", channel=channel, reference="INV-1"
    )
    return gateway.confirm_payment(request)


@pytest.mark.parametrize(
    ("number", "brand"),
    [("4242424242424242", "visa"), ("5555555555554444", "mastercard"), ("378282246310005", "amex")],
)
def test_tokenizing_a_card_gives_a_payment_method_with_masked_facts(gateway, number, brand) -> None:
    pm, summary = gateway.create_payment_method(
        card(number, "1234" if brand == "amex" else "123"), idempotency_key=key()
    )
    assert pm.startswith("pm_")
    assert (summary.brand, summary.last4, summary.exp_month, summary.exp_year) == (
        brand,
        number[-4:],
        12,
        2030,
    )
    assert gateway.describe_payment_method(pm) == summary


@pytest.mark.parametrize(
    ("number", "code"), [("4242424242424241", "incorrect_number"), ("1234567812345678", "incorrect_number")]
)
def test_an_invalid_card_is_refused_on_tokenization(gateway, number, code) -> None:
    with pytest.raises(CardValidationError) as caught:
        gateway.create_payment_method(card(number), idempotency_key=key())
    assert caught.value.code == code
    assert number not in str(caught.value)


def test_an_unknown_payment_method_is_refused(gateway) -> None:
    with pytest.raises(PaymentMethodError):
        gateway.describe_payment_method("pm_unknownunknown")


def test_a_good_card_is_charged_once_per_idempotency_key(gateway) -> None:
    pm, _ = gateway.create_payment_method(card("4242424242424242"), idempotency_key=key())
    request = PaymentRequest(key(), 5000, "usd", pm, "ses_contract")
    first = gateway.confirm_payment(request)
    again = gateway.confirm_payment(request)
    assert (first.status, first.amount, first.currency, first.last4) == ("succeeded", 5000, "usd", "4242")
    assert again.id == first.id
    assert gateway.retrieve_payment(first.id) == first


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("4000000000000002", "card_declined"),
        ("4000000000009995", "insufficient_funds"),
        ("4000000000000069", "expired_card"),
        ("4000000000000127", "incorrect_cvc"),
        ("4000000000000119", "processing_error"),
    ],
)
def test_declines_carry_stripes_code_and_a_plain_sentence(gateway, number, code) -> None:
    record = pay(gateway, number)
    assert record.status == "failed"
    assert record.failure_code == code
    assert record.failure_message and record.failure_message.endswith(".")
    assert gateway.retrieve_payment(record.id).failure_code == code


def test_a_3ds_card_needs_action_on_the_web_and_can_be_cancelled(gateway) -> None:
    record = pay(gateway, "4000002500003155")
    assert record.status == "requires_action"
    assert record.client_secret and record.client_secret.startswith(record.id)
    cancelled = gateway.cancel_payment(record.id)
    assert cancelled.status == "failed"
    assert cancelled.failure_code in ("canceled", "payment_intent_authentication_failure")


def test_a_3ds_card_on_the_phone_is_moto_and_succeeds(gateway) -> None:
    assert pay(gateway, "4000002500003155", channel=Channel.VOICE).status == "succeeded"


def test_cancelling_a_succeeded_payment_leaves_it_succeeded(gateway) -> None:
    record = pay(gateway, "4242424242424242")
    assert gateway.cancel_payment(record.id).status == "succeeded"


def test_an_unknown_payment_is_missing_alike_on_every_gateway(gateway) -> None:
    for call in (gateway.retrieve_payment, gateway.cancel_payment):
        with pytest.raises(PaymentIntentMissingError) as raised:
            call("pi_unknownunknown")
        assert (raised.value.code, str(raised.value), raised.value.retryable) == (
            "resource_missing",
            "No such payment intent.",
            False,
        )
