"""The one decline table: what a payer is told for each gateway decline or error code.

Codes are Stripe's (`failure_code` of a PaymentRecord, `code` of a CardValidationError); the
sandbox gateway uses the same ones. Both gateways fill `failure_message` from here and the
replies phrase a failed payment from here, so the API and the bot never disagree. Codes that
point at fraud or a lost card get the plain "declined": the payer is not told why. The bot says
the sentence in the session's language; `failure_message` in the API is always the English one,
as Stripe's is.
"""

from __future__ import annotations

DECLINED = "Your card was declined."
# Refusals of the request itself that no retry changes (the engine ends the session on them).
_SET_UP = (
    "The payment can't be taken this way right now because of how the payment processor is set up; "
    "nothing was charged."
)
# Same idempotency key, other details: the key's first request may have charged, so no "nothing".
_SENT_BEFORE = (
    "This payment was already sent to the payment processor with other details, so I can't send it "
    "again; it may have gone through, so please check before paying again."
)

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
    "raw_card_data_not_enabled": _SET_UP,
    "moto_not_enabled": _SET_UP,
    "gateway_configuration": _SET_UP,
    "idempotency_error": _SENT_BEFORE,
}


DECLINED_ES = "Su tarjeta fue rechazada."
_SET_UP_ES = (
    "El pago no se puede hacer de esta forma ahora por cómo está configurado el procesador de pagos; "
    "no se cobró nada."
)
_SENT_BEFORE_ES = (
    "Este pago ya se envió al procesador de pagos con otros datos, así que no puedo enviarlo de nuevo; "
    "puede que se haya realizado: compruébelo antes de pagar otra vez."
)

_SENTENCES_ES = {
    "card_declined": DECLINED_ES,
    "generic_decline": DECLINED_ES,
    "do_not_honor": DECLINED_ES,
    "lost_card": DECLINED_ES,
    "stolen_card": DECLINED_ES,
    "fraudulent": DECLINED_ES,
    "insufficient_funds": "Su tarjeta fue rechazada por fondos insuficientes.",
    "card_velocity_exceeded": "Su tarjeta fue rechazada por demasiados intentos seguidos.",
    "expired_card": "Su tarjeta está vencida.",
    "incorrect_cvc": "El código de seguridad de su tarjeta es incorrecto.",
    "invalid_cvc": "El código de seguridad de su tarjeta no es válido.",
    "incorrect_number": "El número de su tarjeta es incorrecto.",
    "invalid_number": "El número de su tarjeta es incorrecto.",
    "invalid_expiry_month": "El mes de vencimiento de su tarjeta no es válido.",
    "invalid_expiry_year": "El año de vencimiento de su tarjeta no es válido.",
    "processing_error": "No se pudo procesar la tarjeta por un error del banco.",
    "payment_intent_authentication_failure": "Su banco no pudo verificar este pago.",
    "authentication_required": "Su banco pidió autenticar este pago; use otra tarjeta, por favor.",
    "canceled": "El pago se canceló.",
    "raw_card_data_not_enabled": _SET_UP_ES,
    "moto_not_enabled": _SET_UP_ES,
    "gateway_configuration": _SET_UP_ES,
    "idempotency_error": _SENT_BEFORE_ES,
}
_BY_LOCALE = {"en": _SENTENCES, "es": _SENTENCES_ES}


def decline_sentence(code: str | None, locale: str = "en") -> str | None:
    """The sentence for `code` in `locale` ("en", "es"), or None when the table does not know it."""
    return _BY_LOCALE.get(locale, _SENTENCES).get(code) if code else None


def known_codes(locale: str = "en") -> frozenset[str]:
    return frozenset(_BY_LOCALE[locale])
