"""From the core's Reply to the API's ChatResponse, as the JSON object the client receives.

The body is built as a plain dict under the wire names and serialised once by pydantic-core
(`to_json`), not by building the `schemas.ChatResponse` models and dumping them: validating eight
nested models the code has just filled from a typed state, and then running their serializer
callbacks, was several times the cost of the dict. The models stay the declared schema (OpenAPI,
`response_model`); `tests/api/test_chat_body.py` checks, over whole conversations in every status,
that each body is exactly what the models would produce for it.
"""

from __future__ import annotations

from typing import Any

from pydantic_core import to_json

from paybot_core import Field, ReceiptOffer, Reply, SessionState, Settings, Status

__all__ = ["chat_body", "json_bytes"]


def chat_body(reply: Reply, settings: Settings) -> dict[str, Any]:
    """The ChatResponse object (camelCase keys): every key present, None as null, but inside
    `collected` (and its card) the unknown keys are absent, as chat-api.md says."""
    state = reply.state
    status = state.status
    current = state.current_field
    return {
        "sessionId": state.session_id,
        "response": reply.text,
        "status": status.value,
        # A terminal session asks for no field (chat-api.md); the receipt's question has its own key.
        "currentField": current.value if current is not None and not status.terminal else None,
        "collected": _collected(state),
        "payment": _payment(state),
        "cardEntry": _card_entry(current, settings),
        "nextAction": _next_action(state, status),
        "locale": state.locale,
        "receipt": state.receipt.value if state.receipt is not ReceiptOffer.NONE else None,
    }


def json_bytes(body: dict[str, Any]) -> bytes:
    """Compact UTF-8 JSON, byte for byte what pydantic's `model_dump_json` writes."""
    return to_json(body)


def _known(**values: Any) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def _collected(state: SessionState) -> dict[str, Any]:
    card = state.card
    shown = None
    if card is not None and card.last4:
        shown = _known(brand=card.brand, last4=card.last4, expMonth=card.exp_month, expYear=card.exp_year)
    return _known(
        name=state.name,
        amount=state.amount,
        currency=state.currency,
        reference=state.presets.reference,
        card=shown,
    )


def _payment(state: SessionState) -> dict[str, Any] | None:
    p = state.payment
    if p is None:
        return None
    return {
        "id": p.id,
        "status": p.status,
        "amount": p.amount,
        "currency": p.currency,
        "brand": p.brand,
        "last4": p.last4,
        "failureCode": p.failure_code,
        "failureMessage": p.failure_message,
    }


def _card_entry(current: Field | None, settings: Settings) -> dict[str, Any] | None:
    if current is not Field.PAYMENT_METHOD:
        return None
    if settings.payment_gateway == "stripe":
        return {"mode": "stripe", "publishableKey": settings.stripe_publishable_key}
    return {"mode": "sandbox", "publishableKey": None}


def _next_action(state: SessionState, status: Status) -> dict[str, Any] | None:
    if status is Status.REQUIRES_ACTION and state.payment and state.payment.client_secret:
        return {"type": "use_stripe_sdk", "clientSecret": state.payment.client_secret}
    return None
