"""Merchant events: what a session change means to the business, derived from the change itself.

The service computes the events of a save from the state it read and the state it writes, and
the store writes them in the same transaction as the session (an outbox): an event exists exactly
when its change was saved, whatever dies in between. Payloads carry masked facts and the
merchant's own presets, never a card number, a CVV, a name typed in a card field or a payer's words.
"""

from __future__ import annotations

import json
import string
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ..conversation.state import Phase, ReceiptOffer, SessionState
from ..ids import random_string


class EventType(StrEnum):
    PAYMENT_SUCCEEDED = "payment.succeeded"
    PAYMENT_FAILED = "payment.failed"
    SESSION_COMPLETED = "session.completed"
    SESSION_FAILED = "session.failed"
    SESSION_CANCELLED = "session.cancelled"
    SESSION_EXPIRED = "session.expired"
    RECEIPT_REQUESTED = "receipt.requested"  # the payer typed an address for the receipt
    RECEIPT_SENT = "receipt.sent"


_SESSION_ENDED = {
    Phase.COMPLETED: EventType.SESSION_COMPLETED,
    Phase.FAILED: EventType.SESSION_FAILED,
    Phase.CANCELLED: EventType.SESSION_CANCELLED,
    Phase.EXPIRED: EventType.SESSION_EXPIRED,
}
_PAYMENT_SETTLED = {"succeeded": EventType.PAYMENT_SUCCEEDED, "failed": EventType.PAYMENT_FAILED}


def new_event_id() -> str:
    """Letters only, like session ids: never a digit run a scanner could take for a card number."""
    return "evt_" + random_string(string.ascii_letters, 24)


@dataclass(frozen=True)
class MerchantEvent:
    """One event as stored and delivered. `data` is JSON-ready."""

    id: str
    type: EventType
    created: int  # unix seconds, as Stripe's `created`
    session_id: str
    data: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type.value, "created": self.created, "data": self.data}

    def body(self) -> bytes:
        """The exact bytes a webhook carries (and signs)."""
        return json.dumps(self.to_json(), separators=(",", ":"), ensure_ascii=False).encode()

    @classmethod
    def from_json(cls, raw: str | bytes, session_id: str) -> MerchantEvent:
        data = json.loads(raw)
        return cls(data["id"], EventType(data["type"]), int(data["created"]), session_id, data["data"])


def session_view(state: SessionState) -> dict[str, Any]:
    """The session as events and the payments list show it.

    `amount` is what the payer pays (or chose to pay); in a partial payment `partial` says what was
    due, the least the payer could pay and what stays due: all of it until a payment succeeds."""
    view: dict[str, Any] = {
        "id": state.session_id,
        "status": state.status.value,
        "reference": state.presets.reference,
        "description": state.presets.description,
        "amount": state.amount,
        "currency": state.currency,
        "locale": state.locale,
        "channel": state.channel.value,
        "metadata": dict(state.presets.metadata),
    }
    presets = state.presets
    if presets.partial and presets.amount is not None:
        paid = state.payment.amount if state.payment and state.payment.status == "succeeded" else 0
        view["partial"] = {
            "amountDue": presets.amount,
            "minimum": presets.partial_minimum,
            "amountRemaining": max(presets.amount - paid, 0),
        }
    return view


def payment_view(state: SessionState, created_at: float) -> dict[str, Any] | None:
    payment = state.payment
    if payment is None:
        return None
    return {
        "id": payment.id,
        "status": payment.status,
        "amount": payment.amount,
        "currency": payment.currency,
        "brand": payment.brand,
        "last4": payment.last4,
        "failureCode": payment.failure_code,
        "createdAt": int(created_at),
    }


def event(kind: EventType, state: SessionState, now: float, **extra: Any) -> MerchantEvent:
    data: dict[str, Any] = {"session": session_view(state), **extra}
    return MerchantEvent(new_event_id(), kind, int(now), state.session_id, data)


def events_for_change(
    before: SessionState | None, after: SessionState, now: float
) -> tuple[MerchantEvent, ...]:
    """The events one save causes, in the order they happened: a payment's outcome before the
    session's end. A re-read of a payment that did not change causes none, so a retried turn or a
    late Stripe webhook never invents a second `payment.succeeded`."""
    found: list[MerchantEvent] = []
    paid, was = after.payment, before.payment if before else None
    settled = _PAYMENT_SETTLED.get(paid.status) if paid else None
    if paid and settled and (was is None or (was.id, was.status) != (paid.id, paid.status)):
        found.append(event(settled, after, now, payment=payment_view(after, now)))
    ended = _SESSION_ENDED.get(after.phase)
    if ended and (before is None or before.phase != after.phase):
        found.append(event(ended, after, now, payment=payment_view(after, now)))
    requested = ReceiptOffer.REQUESTED
    if after.receipt is requested and (before is None or before.receipt is not requested):
        # The address itself stays in the session: the receipt sender reads it from there.
        found.append(event(EventType.RECEIPT_REQUESTED, after, now, receipt={"channel": "email"}))
    return tuple(found)
