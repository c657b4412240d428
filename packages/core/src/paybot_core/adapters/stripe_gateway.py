"""Stripe as the payment gateway: PaymentIntents created and confirmed server-side.

- One request per charge: `POST /v1/payment_intents` with `confirm=true`, the `pm_...` from the secure
  form (or from raw-card tokenization), metadata carrying the session id, and, on the phone channel,
  `payment_method_options[card][moto]=true` (MOTO payments are exempt from 3-D Secure; Stripe must have
  enabled MOTO on the account).
- Idempotency: every POST carries the key the engine derived from the session id and attempt number,
  and every retry reuses it, so Stripe replays the first result instead of charging twice.
- Retries follow Stripe's advice: network errors, 409 (concurrent use of a key), 429 and 5xx are
  retried with the same key and a short backoff, all inside a total budget (7 s by default) that keeps
  a phone turn under Amazon Connect's 8 s Lambda limit; each request has an explicit timeout. The SDK's
  own retries are off (`max_network_retries=0`) so this budget is the only one.
- Raw card tokenization (`create_payment_method` with a card number) serves typed and phone entry and
  needs Stripe's raw card data API access (granted per account, with PCI SAQ D attestation). The web
  chat's secure form uses Stripe Elements instead and never sends card data to paybot.

Errors: declines become a failed `PaymentRecord` whose `failure_code` is Stripe's decline code and whose
message is a plain sentence; tokenization refusals raise `CardValidationError`; unknown payment methods
raise `PaymentMethodError`; anything else raises `GatewayError(retryable=...)`. No message ever holds
card data: Stripe's own messages never echo a number, and ours are fixed sentences.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import stripe

from ..conversation.state import CardSummary, PaymentRecord
from ..declines import DECLINED, decline_sentence
from ..errors import (
    CardValidationError,
    ConfigurationError,
    GatewayError,
    PaymentIntentMissingError,
    PaymentMethodError,
)
from ..ports import CardDetails, PaymentRequest

if TYPE_CHECKING:
    from ..ports import SecretSource
    from ..settings import Settings

log = logging.getLogger("paybot.stripe")

# Decline codes that say more than Stripe's umbrella "card_declined" and are shown as the failure code.
_SPECIFIC_DECLINES = frozenset(
    {
        "insufficient_funds",
        "lost_card",
        "stolen_card",
        "expired_card",
        "incorrect_cvc",
        "processing_error",
        "card_velocity_exceeded",
        "do_not_honor",
        "fraudulent",
        "authentication_required",
    }
)
_TOKENIZATION_CODES = frozenset(
    {
        "incorrect_number",
        "invalid_number",
        "invalid_expiry_month",
        "invalid_expiry_year",
        "invalid_cvc",
        "incorrect_cvc",
        "expired_card",
        "card_declined",
    }
)
# Stripe's refusals that say the account is not enabled for what paybot asked, nothing about the card:
# a configuration error (one clear log line, never retried, never "your card number is incorrect").
ACCOUNT_GATES = {
    "raw_card_data_not_enabled": (
        "Stripe refused raw card data: this Stripe account needs raw card data API access for phone and "
        "typed card entry (docs/deploy.md, Stripe prerequisites)"
    ),
    "moto_not_enabled": (
        "Stripe refused a MOTO payment: MOTO must be enabled on this Stripe account for the phone channel "
        "(docs/deploy.md, Stripe prerequisites)"
    ),
}
# GatewayError codes that mean paybot's set-up is wrong: no retry, no other card, can help.
CONFIGURATION_CODES = frozenset({"gateway_configuration", *ACCOUNT_GATES})
_RETRY_STATUSES = frozenset({409, 429})
_NOT_FOUND = "resource_missing"


class StripeGateway:
    """`PaymentGateway` on Stripe. `client` is a `stripe.StripeClient` (its HTTP client sets the timeouts)."""

    def __init__(
        self,
        client: stripe.StripeClient,
        *,
        api_key: Callable[[], str] | None = None,
        budget_seconds: float = 7.0,
        max_attempts: int = 4,
        backoff_seconds: float = 0.25,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self._api_key = api_key
        self.budget_seconds = budget_seconds
        self.max_attempts = max_attempts
        self.backoff_seconds = backoff_seconds
        self._sleep = sleep
        self._monotonic = monotonic

    # ------------------------------------------------------------- payment methods

    def create_payment_method(self, card: CardDetails, *, idempotency_key: str) -> tuple[str, CardSummary]:
        """Tokenize raw card data (typed and phone entry; needs Stripe's raw card data API access)."""
        params: Any = {
            "type": "card",
            "card": {
                "number": card.number,
                "exp_month": card.exp_month,
                "exp_year": card.exp_year,
                "cvc": card.cvc,
            },
        }
        try:
            method = self._call(lambda o: self.client.v1.payment_methods.create(params, o), idempotency_key)
        except stripe.CardError as err:
            raise _card_validation(err) from None
        except stripe.InvalidRequestError as err:
            if err.code in ACCOUNT_GATES:
                raise _account_gate(err) from None
            if (err.param or "").startswith("card") or (err.code or "") in _TOKENIZATION_CODES:
                raise _card_validation(err) from None
            raise _gateway_error(err) from None
        finally:
            params.clear()  # the request's only reference to the raw card fields
        return method.id, _summary(method)

    def describe_payment_method(self, payment_method_id: str) -> CardSummary:
        try:
            method = self._call(
                lambda o: self.client.v1.payment_methods.retrieve(payment_method_id, options=o)
            )
        except stripe.InvalidRequestError as err:
            if _is_missing(err):
                raise PaymentMethodError(
                    "That payment method is not known; please enter the card again."
                ) from None
            raise _gateway_error(err) from None
        if getattr(method, "type", "card") != "card" or getattr(method, "card", None) is None:
            raise PaymentMethodError("Only cards can be used here.", code="unsupported_payment_method")
        return _summary(method)

    # ------------------------------------------------------------- payment intents

    def confirm_payment(self, request: PaymentRequest) -> PaymentRecord:
        params: Any = {
            "amount": request.amount,
            "currency": request.currency,
            "payment_method": request.payment_method_id,
            "payment_method_types": ["card"],  # no redirect-based methods, so no return_url is needed
            "confirm": True,
            "metadata": {"session_id": request.session_id, "channel": request.channel},
            "expand": ["payment_method"],
        }
        if request.reference:
            params["metadata"]["reference"] = request.reference
        if request.description:
            params["description"] = request.description
        if request.moto:
            params["payment_method_options"] = {"card": {"moto": True}}
        try:
            intent = self._call(
                lambda o: self.client.v1.payment_intents.create(params, o), request.idempotency_key
            )
        except stripe.CardError as err:
            return _declined(err, request)
        except stripe.InvalidRequestError as err:
            if err.code in ACCOUNT_GATES:
                raise _account_gate(err) from None
            if _is_missing(err) and (err.param or "payment_method") == "payment_method":
                raise PaymentMethodError(
                    "That payment method is not known; please enter the card again."
                ) from None
            raise _gateway_error(err) from None
        return _record(intent)

    def retrieve_payment(self, payment_intent_id: str) -> PaymentRecord:
        try:
            intent = self._call(
                lambda o: self.client.v1.payment_intents.retrieve(
                    payment_intent_id, {"expand": ["payment_method"]}, o
                )
            )
        except stripe.InvalidRequestError as err:
            if _is_missing(err):
                raise PaymentIntentMissingError from None
            raise _gateway_error(err) from None
        return _record(intent)

    def cancel_payment(self, payment_intent_id: str) -> PaymentRecord:
        try:
            intent = self._call(
                lambda o: self.client.v1.payment_intents.cancel(
                    payment_intent_id, {"expand": ["payment_method"]}, o
                ),
                f"cancel:{payment_intent_id}",
            )
        except stripe.InvalidRequestError as err:
            if _is_missing(err):
                raise PaymentIntentMissingError from None
            return self.retrieve_payment(payment_intent_id)  # not cancelable (succeeded, already canceled)
        return _record(intent)

    # ------------------------------------------------------------- retries

    def _call(self, send: Callable[[Any], Any], idempotency_key: str | None = None) -> Any:
        """Send with the same idempotency key until success, a final answer, or the budget is spent."""
        options: dict[str, Any] = {}
        if idempotency_key is not None:
            options["idempotency_key"] = idempotency_key
        if self._api_key is not None:
            options["api_key"] = self._api_key()
        deadline = self._monotonic() + self.budget_seconds
        attempt = 0
        while True:
            attempt += 1
            started = self._monotonic()
            try:
                return send(options)
            except stripe.CardError:
                raise
            except stripe.StripeError as err:
                if isinstance(err, stripe.IdempotencyError):
                    raise GatewayError(
                        "This payment was already attempted with different details; please start again.",
                        code="idempotency_error",
                    ) from None
                if not _retryable(err):
                    if isinstance(err, stripe.InvalidRequestError):
                        raise
                    raise _gateway_error(err) from None
                delay = self._delay(err, attempt)
                took = self._monotonic() - started
                # Another attempt must fit: assume it may take as long as this one did.
                if attempt >= self.max_attempts or self._monotonic() + delay + max(took, 0.5) > deadline:
                    log.warning("stripe request gave up after %d attempt(s): %s", attempt, _describe(err))
                    raise _gateway_error(err, retryable=True) from None
                log.info("stripe request failed (%s); retrying with the same idempotency key", _describe(err))
                self._sleep(delay)

    def _delay(self, err: stripe.StripeError, attempt: int) -> float:
        retry_after = (err.headers or {}).get("retry-after") or (err.headers or {}).get("Retry-After")
        if retry_after:
            try:
                return min(float(retry_after), 2.0)
            except ValueError:
                pass
        return float(min(self.backoff_seconds * 2 ** (attempt - 1), 2.0))


# ---------------------------------------------------------------- mapping


def _retryable(err: stripe.StripeError) -> bool:
    if isinstance(err, stripe.APIConnectionError):
        return True  # timeouts and connection failures: the key makes a repeat safe
    headers = err.headers or {}
    should = headers.get("stripe-should-retry") or headers.get("Stripe-Should-Retry")
    if should in ("true", "false"):
        return should == "true"
    if isinstance(err, stripe.IdempotencyError):
        return False
    status = err.http_status or 0
    return status in _RETRY_STATUSES or status >= 500


def _is_missing(err: stripe.StripeError) -> bool:
    return err.code == _NOT_FOUND or err.http_status == 404


def _describe(err: stripe.StripeError) -> str:
    return f"{type(err).__name__} http={err.http_status} code={err.code}"


def _account_gate(err: stripe.StripeError) -> GatewayError:
    code = str(err.code)
    log.error("stripe_account_not_enabled code=%s: %s", code, ACCOUNT_GATES[code])
    return GatewayError(
        "The payment can't be taken this way right now because of how the payment processor is set up; "
        "nothing was charged.",
        code=code,
        retryable=False,
    )


def _gateway_error(err: stripe.StripeError, *, retryable: bool | None = None) -> GatewayError:
    if isinstance(err, stripe.AuthenticationError | stripe.PermissionError):
        log.error("stripe refused our credentials: %s", _describe(err))
        return GatewayError(
            "The payment processor is not set up correctly; nothing was charged.",
            code="gateway_configuration",
            retryable=False,
        )
    if isinstance(err, stripe.RateLimitError):
        return GatewayError(
            "The payment processor is busy right now; nothing was charged twice. Please try again.",
            code="rate_limited",
            retryable=True if retryable is None else retryable,
        )
    if isinstance(err, stripe.APIConnectionError):
        return GatewayError(
            "The payment processor did not answer in time; if the payment went through, it will not be "
            "charged twice. Please try again.",
            code="gateway_timeout",
            retryable=True if retryable is None else retryable,
        )
    if (err.http_status or 0) >= 500 or err.http_status == 409:
        return GatewayError(
            "The payment processor had a problem; nothing was charged twice. Please try again.",
            code="processing_error",
            retryable=True if retryable is None else retryable,
        )
    log.error("stripe rejected a request: %s", _describe(err))
    return GatewayError(
        "The payment processor rejected the request.",
        code=err.code or "invalid_request",
        retryable=bool(retryable),
    )


def _failure_code(code: str | None, decline_code: str | None) -> str:
    if code == "card_declined" and decline_code in _SPECIFIC_DECLINES:
        return str(decline_code)
    return code or "card_declined"


def _card_validation(err: stripe.StripeError) -> CardValidationError:
    decline = getattr(err.error, "decline_code", None) if err.error else None
    code = _failure_code(err.code or "incorrect_number", decline)
    if code == "invalid_number":
        code = "incorrect_number"
    return CardValidationError(code, decline_sentence(code) or "Your card details are not valid.")


def _declined(err: stripe.CardError, request: PaymentRequest) -> PaymentRecord:
    """A 402 on confirmation: Stripe puts the PaymentIntent (status requires_payment_method) in the error."""
    error = err.error
    intent = getattr(error, "payment_intent", None) if error else None
    if intent is not None:
        record = _record(intent)
        if record.status == "failed":
            return record
    code = _failure_code(err.code, getattr(error, "decline_code", None) if error else None)
    return PaymentRecord(
        id=getattr(intent, "id", None) or "pi_unknown",
        status="failed",
        amount=request.amount,
        currency=request.currency,
        failure_code=code,
        failure_message=decline_sentence(code) or DECLINED,
    )


def _summary(method: Any) -> CardSummary:
    card = method.card
    return CardSummary(str(card.brand), str(card.last4), int(card.exp_month), int(card.exp_year))


def _record(intent: Any) -> PaymentRecord:
    status = intent.status
    method = getattr(intent, "payment_method", None)
    brand = last4 = None
    if method is not None and not isinstance(method, str) and getattr(method, "card", None) is not None:
        brand, last4 = method.card.brand, method.card.last4
    failure_code = failure_message = None
    if status == "succeeded":
        mapped = "succeeded"
    elif status == "requires_action":
        mapped = "requires_action"
    elif status in ("processing", "requires_capture", "requires_confirmation"):
        mapped = "processing"
    else:  # requires_payment_method (declined or authentication failed), canceled
        mapped = "failed"
        error = getattr(intent, "last_payment_error", None)
        if error is not None:
            failure_code = _failure_code(getattr(error, "code", None), getattr(error, "decline_code", None))
        elif status == "canceled":
            failure_code = "canceled"
        else:
            failure_code = "card_declined"
        failure_message = decline_sentence(failure_code) or DECLINED
    return PaymentRecord(
        id=intent.id,
        status=mapped,
        amount=int(intent.amount),
        currency=str(intent.currency),
        brand=brand,
        last4=last4,
        failure_code=failure_code,
        failure_message=failure_message,
        client_secret=intent.client_secret if mapped == "requires_action" else None,
    )


def build_client(settings: Settings, api_key: str) -> stripe.StripeClient:
    """A StripeClient with explicit (connect, read) timeouts and the SDK's own retries off."""
    timeout = settings.stripe_timeout_seconds
    http_client = stripe.RequestsClient(timeout=(min(2.0, timeout), timeout))
    base = {"api": settings.stripe_api_base} if settings.stripe_api_base else None
    return stripe.StripeClient(api_key, http_client=http_client, max_network_retries=0, base_addresses=base)  # type: ignore[arg-type]


def build_from_settings(settings: Settings, secrets: SecretSource | None) -> StripeGateway:
    from .secrets import stripe_secret_key_provider

    if not (settings.stripe_secret_key or settings.stripe_secret_id):
        raise ConfigurationError("PAYBOT_PAYMENT_GATEWAY=stripe needs PAYBOT_STRIPE_SECRET_ID.")
    key = stripe_secret_key_provider(settings, secrets)
    return StripeGateway(build_client(settings, key()), api_key=key)
