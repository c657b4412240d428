"""The one decline table: what a payer is told for each gateway decline or error code.

Codes are Stripe's (`failure_code` of a PaymentRecord, `code` of a CardValidationError); the
sandbox gateway uses the same ones. Both gateways fill `failure_message` from here and the
replies phrase a failed payment from here, so the API and the bot never disagree. Codes that
point at fraud or a lost card get the plain "declined": the payer is not told why.
"""

from __future__ import annotations

DECLINED = "Your card was declined."

_SENTENCES = {
    "card_declined": DECLINED,
    "generic_decline": DECLINED,
    "do_not_honor": DECLINED,
    "lost_card": DECLINED,
    "stolen_card": DECLINED,
    "fraudulent": DECLINED,
    "insufficient_funds": "Your card was declined for insufficient funds.",
    "card_velocity_exceeded": "Your card was declined for making repeated attempts too frequently.",
    "expired_card": "Your card has expired.",
    "incorrect_cvc": "Your card's security code is incorrect.",
    "invalid_cvc": "Your card's security code is invalid.",
    "incorrect_number": "Your card number is incorrect.",
    "invalid_number": "Your card number is incorrect.",
    "invalid_expiry_month": "Your card's expiration month is invalid.",
    "invalid_expiry_year": "Your card's expiration year is invalid.",
    "processing_error": "The card could not be processed because of an error at the bank.",
    "payment_intent_authentication_failure": "Your bank could not verify this payment.",
    "authentication_required": "Your bank asked to authenticate this payment; please use another card.",
    "canceled": "The payment was cancelled.",
}


def decline_sentence(code: str | None) -> str | None:
    """The sentence for `code`, or None when the table does not know it."""
    return _SENTENCES.get(code) if code else None


def known_codes() -> frozenset[str]:
    return frozenset(_SENTENCES)
