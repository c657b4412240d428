"""localstripe (a third-party Stripe API emulator) with its quirks worked around, run as a script.

    python tests/support/localstripe_server.py --port PORT

paybot's Stripe adapter is written against Stripe's documented behaviour; localstripe differs in places,
so this wrapper patches localstripe (never the adapter) before serving:

1. It pickles its whole store to /tmp/localstripe.pickle on every write and reloads it at start, so
   parallel or successive test servers would share state: disk persistence is switched off.
2. It ignores `Idempotency-Key`: a retried POST creates a second object. Stripe replays the first
   answer for the same key (and refuses a different body with 400 idempotency_error, and a concurrent
   use with 409): an aiohttp middleware does the same here.
3. `PaymentIntent` refuses the `description` parameter and ignores `payment_method_options`: both are
   accepted, and `card.moto = true` skips 3-D Secure as on a MOTO-enabled Stripe account.
4. `PaymentMethod` takes only 16-digit numbers and 3-digit codes, skips the Luhn check and calls every
   card "visa": cards are checked as Stripe does (Luhn, brand, length, expiry, 4-digit Amex codes), with
   402 `card_error`s coded incorrect_number / invalid_expiry_month / invalid_expiry_year / invalid_cvc.
5. Stripe's decline test cards (…0002, …9995, …0069, …0127, …0119) are declined only when attached to a
   customer: here they decline at charge time with Stripe's codes (card_declined + decline_code
   insufficient_funds, expired_card, incorrect_cvc, processing_error).
6. A declined confirmation answers 402 with `type: invalid_request_error` and no PaymentIntent: it answers
   `type: card_error` with `decline_code` and the `payment_intent` object, as Stripe does.
7. It listens on `::` only; here it listens on 127.0.0.1.
"""

from __future__ import annotations

# ruff: noqa: E402, E501, I001  (imports follow the sys.path fix; patch signatures mirror localstripe's)

import argparse
import os
import sys

# Run as a script, this file's folder is first on sys.path; drop it so `localstripe` is the package.
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

import asyncio
import hashlib
import json
import sys

from aiohttp import web
from localstripe import resources, server
from localstripe.errors import UserError

# ---------------------------------------------------------------- 1. no disk persistence

resources.Store.dump_to_disk = lambda self: None  # type: ignore[method-assign]
resources.Store.try_load_from_disk = lambda self: None  # type: ignore[method-assign]

# ---------------------------------------------------------------- 2. idempotency keys

_REPLAYS: dict[str, tuple[str, int, bytes, str]] = {}
_IN_FLIGHT: set[str] = set()


def _stripe_error(status: int, body: dict, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        status=status,
        body=json.dumps({"error": body}).encode(),
        content_type="application/json",
        headers=headers,
    )


@web.middleware
async def idempotency_middleware(request: web.Request, handler):  # type: ignore[no-untyped-def]
    key = request.headers.get("Idempotency-Key")
    if request.method != "POST" or not key:
        return await handler(request)
    body = await request.read()
    fingerprint = hashlib.sha256(request.path.encode() + b"\n" + body).hexdigest()
    if key in _REPLAYS:
        stored_fingerprint, status, payload, content_type = _REPLAYS[key]
        if stored_fingerprint != fingerprint:
            return _stripe_error(
                400,
                {
                    "type": "idempotency_error",
                    "message": (
                        "Keys for idempotent requests can only be used with the same parameters they were first used with."
                    ),
                },
            )
        return web.Response(
            status=status,
            body=payload,
            content_type=content_type,
            headers={"Idempotent-Replayed": "true", "Idempotency-Key": key},
        )
    if key in _IN_FLIGHT:
        return _stripe_error(
            409,
            {
                "type": "invalid_request_error",
                "code": "idempotency_key_in_use",
                "message": "There is currently another in-progress request using this key.",
            },
            {"Stripe-Should-Retry": "true"},
        )
    _IN_FLIGHT.add(key)
    try:
        response = await handler(request)
        if isinstance(response, web.Response) and response.body is not None and response.status < 500:
            payload = response.body if isinstance(response.body, bytes) else bytes(response.body)  # type: ignore[arg-type]
            _REPLAYS[key] = (fingerprint, response.status, payload, response.content_type)
            response.headers["Idempotency-Key"] = key
        return response
    finally:
        _IN_FLIGHT.discard(key)


# ---------------------------------------------------------------- 3. PaymentIntent parameters, MOTO

_original_pi_init = resources.PaymentIntent.__init__


def _pi_init(self, *args, description=None, payment_method_options=None, **kwargs):  # type: ignore[no-untyped-def]
    _original_pi_init(self, *args, **kwargs)
    self.description = description
    self.payment_method_options = payment_method_options or {}
    card_options = self.payment_method_options.get("card") or {}
    self._moto = str(card_options.get("moto", "")).lower() == "true"


resources.PaymentIntent.__init__ = _pi_init  # type: ignore[method-assign]
_original_confirm = resources.PaymentIntent._confirm


def _confirm(self, on_failure_now):  # type: ignore[no-untyped-def]
    if getattr(self, "_moto", False):  # MOTO payments are exempt from 3-D Secure
        self._authentication_failed = False
        self._create_charge(on_failure_now=on_failure_now)
        return
    _original_confirm(self, on_failure_now)


resources.PaymentIntent._confirm = _confirm  # type: ignore[method-assign]

# ---------------------------------------------------------------- 4. card validation as Stripe does it


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _brand(digits: str) -> tuple[str, set[int]] | None:
    if digits[:2] in ("34", "37"):
        return "amex", {15}
    if digits.startswith("6011") or digits[:2] == "65" or 644 <= int(digits[:3]) <= 649:
        return "discover", {16, 19}
    if 51 <= int(digits[:2]) <= 55 or 2221 <= int(digits[:4]) <= 2720:
        return "mastercard", {16}
    if digits.startswith("4"):
        return "visa", {13, 16, 19}
    return None


def _card_error(code: str, message: str, param: str) -> UserError:
    err = UserError(402, message, {"code": code, "param": param})
    err.body["error"]["type"] = "card_error"
    return err


_original_pm_init = resources.PaymentMethod.__init__


def _pm_init(self, type=None, billing_details=None, card=None, sepa_debit=None, metadata=None, **kwargs):  # type: ignore[no-untyped-def]
    if (
        type != "card"
        or not isinstance(card, dict)
        or set(card) != {"number", "exp_month", "exp_year", "cvc"}
    ):
        return _original_pm_init(
            self,
            type=type,
            billing_details=billing_details,
            card=card,
            sepa_debit=sepa_debit,
            metadata=metadata,
            **kwargs,
        )
    number = str(card["number"]).replace(" ", "")
    brand = _brand(number) if number.isdigit() and len(number) >= 13 else None
    if brand is None or not _luhn(number) or len(number) not in brand[1]:
        raise _card_error("incorrect_number", "Your card number is incorrect.", "number")
    month, year = int(card["exp_month"]), int(card["exp_year"])
    year = year + 2000 if year < 100 else year
    if not 1 <= month <= 12:
        raise _card_error("invalid_expiry_month", "Your card's expiration month is invalid.", "exp_month")
    import time

    now = time.gmtime()
    if (year, month) < (now.tm_year, now.tm_mon) or year > now.tm_year + 50:
        raise _card_error("invalid_expiry_year", "Your card's expiration year is invalid.", "exp_year")
    cvc = str(card["cvc"])
    if not (cvc.isdigit() and len(cvc) == (4 if brand[0] == "amex" else 3)):
        raise _card_error("invalid_cvc", "Your card's security code is invalid.", "cvc")
    # localstripe's own checks want 16 digits and 3-digit codes: build with a stand-in, then set the real facts.
    _original_pm_init(
        self,
        type="card",
        billing_details=billing_details,
        metadata=metadata,
        card={"number": "4242424242424242", "exp_month": month, "exp_year": year, "cvc": "123"},
    )
    self._card_number = number
    self.card["last4"] = number[-4:]
    self.card["brand"] = brand[0]
    self.card["fingerprint"] = resources.fingerprint(number)
    return None


resources.PaymentMethod.__init__ = _pm_init  # type: ignore[method-assign]

# ---------------------------------------------------------------- 5. declines at charge time, Stripe's codes

DECLINES = {
    "4000000000000002": ("card_declined", "generic_decline", "Your card was declined."),
    "4000000000009995": ("card_declined", "insufficient_funds", "Your card has insufficient funds."),
    "4000000000000069": ("expired_card", None, "Your card has expired."),
    "4000000000000127": ("incorrect_cvc", None, "Your card's security code is incorrect."),
    "4000000000000119": (
        "processing_error",
        None,
        "An error occurred while processing your card. Try again in a little bit.",
    ),
    "4000000000000341": ("card_declined", "generic_decline", "Your card was declined."),
}
_original_charging_declined = resources.PaymentMethod._charging_is_declined


def _charging_is_declined(self):  # type: ignore[no-untyped-def]
    return getattr(self, "_card_number", None) in DECLINES or _original_charging_declined(self)


resources.PaymentMethod._charging_is_declined = _charging_is_declined  # type: ignore[method-assign]


def _set_auth_failure(self):  # type: ignore[no-untyped-def]
    method = resources.PaymentMethod._api_retrieve(self.payment_method)
    code, decline, message = DECLINES.get(getattr(method, "_card_number", ""), DECLINES["4000000000000002"])
    self.status = "failed"
    self.failure_code = code
    self.failure_message = message
    self._decline_code = decline


resources.Charge._set_auth_failure = _set_auth_failure  # type: ignore[method-assign]
_original_last_error = resources.PaymentIntent.last_payment_error


def _last_payment_error(self):  # type: ignore[no-untyped-def]
    error = _original_last_error.fget(self)
    if error and self.latest_charge is not None and getattr(self.latest_charge, "_decline_code", None):
        error = {**error, "decline_code": self.latest_charge._decline_code, "type": "card_error"}
    return error


resources.PaymentIntent.last_payment_error = property(_last_payment_error)  # type: ignore[assignment]

# ---------------------------------------------------------------- 6. declined confirmation: 402 card_error


def _report_failure(self):  # type: ignore[no-untyped-def]
    resources.schedule_webhook(resources.Event("payment_intent.payment_failed", self))
    charge = self.latest_charge
    contents = {"code": charge.failure_code, "charge": charge.id, "payment_intent": self._export()}
    if getattr(charge, "_decline_code", None):
        contents["decline_code"] = charge._decline_code
    err = UserError(402, charge.failure_message, contents)
    err.body["error"]["type"] = "card_error"
    raise err


resources.PaymentIntent._report_failure = _report_failure  # type: ignore[method-assign]

# ---------------------------------------------------------------- 7. serve on IPv4 loopback


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    app = server.app
    app.middlewares.insert(0, idempotency_middleware)
    asyncio.set_event_loop(asyncio.new_event_loop())
    web.run_app(app, host="127.0.0.1", port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main(sys.argv[1:])
