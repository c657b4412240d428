"""Stripe webhook events: the signature checked on the raw body, then only what paybot needs.

Stripe signs `<timestamp>.<raw body>` with HMAC-SHA256 under the endpoint's secret; the body must be
verified byte for byte as received (behind API Gateway, after base64-decoding it), before any parsing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..errors import WebhookSignatureError

PAYMENT_EVENTS = frozenset({"payment_intent.succeeded", "payment_intent.payment_failed"})
DEFAULT_TOLERANCE_SECONDS = 300


@dataclass(frozen=True)
class WebhookEvent:
    id: str
    type: str
    payment_intent_id: str | None = None
    session_id: str | None = None


def parse_event(
    payload: bytes, signature_header: str | None, secret: str, tolerance: int = DEFAULT_TOLERANCE_SECONDS
) -> WebhookEvent:
    """The verified event, or WebhookSignatureError (missing, malformed, stale or wrong signature)."""
    import stripe

    if not signature_header:
        raise WebhookSignatureError("The Stripe-Signature header is missing.")
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        raise WebhookSignatureError("The webhook body is not UTF-8.") from None
    try:
        stripe.WebhookSignature.verify_header(text, signature_header, secret, tolerance)
    except stripe.SignatureVerificationError:
        raise WebhookSignatureError("The webhook signature does not match its body.") from None
    try:
        data = json.loads(text)
        event_id, event_type = str(data["id"]), str(data["type"])
    except (ValueError, KeyError, TypeError):
        raise WebhookSignatureError("The webhook body is not a Stripe event.") from None
    obj = (data.get("data") or {}).get("object") or {}
    if event_type in PAYMENT_EVENTS and obj.get("object") == "payment_intent":
        metadata = obj.get("metadata") or {}
        return WebhookEvent(event_id, event_type, str(obj.get("id")), metadata.get("session_id"))
    return WebhookEvent(event_id, event_type)
