"""The embedded payment gateway: Stripe test mode's behaviour for Stripe's test cards.

PaymentMethods and PaymentIntents are kept in SQLite (a file shared by every server process
on the machine, or memory), so idempotency holds across processes and restarts, and the
records outlive a crash for reconciliation. A payment method keeps only masked facts and the
outcome its test number scripts: never the card number or the CVC.
"""

from __future__ import annotations

import re
import sqlite3
import string
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..conversation.state import CardSummary, PaymentRecord
from ..declines import decline_sentence
from ..errors import CardValidationError, GatewayError, PaymentIntentMissingError, PaymentMethodError
from ..ids import random_string
from ..pci.cards import Brand, check_card_number, check_expiry, cvv_length
from ..pci.files import private_file
from ..ports import CardDetails, PaymentRequest

# Stripe's documented test numbers and what they do; any other valid card succeeds.
TEST_CARD_OUTCOMES: dict[str, str] = {
    "4000000000000002": "decline:card_declined",
    "4000000000009995": "decline:insufficient_funds",
    "4000000000000069": "decline:expired_card",
    "4000000000000127": "decline:incorrect_cvc",
    "4000000000000119": "decline:processing_error",
    "4000002500003155": "authenticate",
    "4000000000003220": "authenticate",
}
_ID_ALPHABET = string.ascii_letters + string.digits
_DIGIT_RUN = re.compile("[0-9]{6}")


def new_id(prefix: str) -> str:
    """Stripe-like ids that never hold a run of digits long enough to look like a card number."""
    while True:
        candidate = random_string(_ID_ALPHABET, 24)
        if _DIGIT_RUN.search(candidate) is None:
            return f"{prefix}_{candidate}"


_SCHEMA = """
CREATE TABLE IF NOT EXISTS payment_methods (
    id TEXT PRIMARY KEY, idempotency_key TEXT UNIQUE, brand TEXT NOT NULL, last4 TEXT NOT NULL,
    exp_month INTEGER NOT NULL, exp_year INTEGER NOT NULL, outcome TEXT NOT NULL, created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS payment_intents (
    id TEXT PRIMARY KEY, idempotency_key TEXT NOT NULL UNIQUE, session_id TEXT NOT NULL,
    amount INTEGER NOT NULL, currency TEXT NOT NULL, payment_method TEXT NOT NULL,
    status TEXT NOT NULL, failure_code TEXT, client_secret TEXT NOT NULL, moto INTEGER NOT NULL,
    created REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS payment_intents_session ON payment_intents (session_id);
"""
# A used idempotency key inserts nothing and returns no row (NULL keys never conflict).
_INSERT_METHOD = (
    "INSERT INTO payment_methods VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id"
)
_INSERT_INTENT = (
    "INSERT INTO payment_intents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id"
)


@dataclass(frozen=True)
class SandboxIntent:
    id: str
    session_id: str
    amount: int
    currency: str
    status: str  # Stripe's: succeeded | requires_action | requires_payment_method | canceled
    failure_code: str | None
    last4: str
    brand: str
    client_secret: str


class SandboxGateway:
    def __init__(self, path: Path | None = None, *, clock: Callable[[], float] = time.time) -> None:
        if path is not None:
            private_file(path)  # 0600 in a 0700 dir; its WAL takes the same mode
        self._conn = sqlite3.connect(
            str(path) if path else ":memory:", timeout=10.0, isolation_level=None, check_same_thread=False
        )
        self._conn.execute("PRAGMA busy_timeout=10000")
        if path is not None:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(_SCHEMA)
        self._lock = threading.Lock()
        self._clock = clock

    def _now(self) -> float:
        return self._clock()

    # ------------------------------------------------------------- payment methods

    def create_payment_method(
        self, card: CardDetails, *, idempotency_key: str | None = None
    ) -> tuple[str, CardSummary]:
        check = check_card_number(card.number, frozenset(Brand))  # the processor takes every brand it knows
        if not check.ok or check.brand is None:
            raise CardValidationError("incorrect_number", "Your card number is incorrect.")
        if not 1 <= card.exp_month <= 12:
            raise CardValidationError("invalid_expiry_month", "Your card's expiration month is invalid.")
        if check_expiry(card.exp_month, card.exp_year, self._now()) is not None:
            raise CardValidationError("invalid_expiry_year", "Your card's expiration year is invalid.")
        expected_cvc = cvv_length(check.brand)
        if not (card.cvc.isdigit() and len(card.cvc) == expected_cvc):
            raise CardValidationError("invalid_cvc", "Your card's security code is invalid.")
        outcome = TEST_CARD_OUTCOMES.get(card.number, "succeed")
        summary = CardSummary(check.brand.value, check.last4, card.exp_month, card.exp_year)
        pm_id = new_id("pm")
        row = (
            pm_id,
            idempotency_key,
            summary.brand,
            summary.last4,
            card.exp_month,
            card.exp_year,
            outcome,
            self._now(),
        )
        with self._lock:
            # One statement, so atomic across processes without a transaction of its own: the key's
            # unique index lets exactly one insert in; a replay finds the winner's row (committed).
            if self._conn.execute(_INSERT_METHOD, row).fetchone() is None:
                pm_id = self._conn.execute(
                    "SELECT id FROM payment_methods WHERE idempotency_key = ?", (idempotency_key,)
                ).fetchone()[0]
        return pm_id, summary

    def describe_payment_method(self, payment_method_id: str) -> CardSummary:
        row = self._conn.execute(
            "SELECT brand, last4, exp_month, exp_year FROM payment_methods WHERE id = ?", (payment_method_id,)
        ).fetchone()
        if row is None:
            raise PaymentMethodError("That payment method is not known; please enter the card again.")
        return CardSummary(row[0], row[1], row[2], row[3])

    # ------------------------------------------------------------- payment intents

    def confirm_payment(self, request: PaymentRequest) -> PaymentRecord:
        with self._lock:
            method = self._conn.execute(
                "SELECT brand, last4, outcome FROM payment_methods WHERE id = ?", (request.payment_method_id,)
            ).fetchone()
            if method is None:  # a replay still answers as before; a new request needs a known method
                return self._replayed(request)
            brand, last4, outcome = method
            status, failure = _first_status(outcome, moto=request.moto)
            intent_id = new_id("pi")
            secret = f"{intent_id}_secret_{new_id('s')[2:]}"
            # Check-and-insert as one statement (see create_payment_method): at most one intent per key.
            inserted = self._conn.execute(
                _INSERT_INTENT,
                (
                    intent_id,
                    request.idempotency_key,
                    request.session_id,
                    request.amount,
                    request.currency,
                    request.payment_method_id,
                    status,
                    failure,
                    secret,
                    int(request.moto),
                    self._now(),
                ),
            ).fetchone()
            if inserted is None:
                return self._replayed(request)
        intent = SandboxIntent(
            intent_id,
            request.session_id,
            request.amount,
            request.currency,
            status,
            failure,
            last4,
            brand,
            secret,
        )
        return _record(intent)

    def _replayed(self, request: PaymentRequest) -> PaymentRecord:
        """The intent a used idempotency key made, if the parameters match (Stripe's rule)."""
        existing = self._intent_by_key(request.idempotency_key)
        if existing is None:
            raise PaymentMethodError("That payment method is not known; please enter the card again.")
        if (existing.amount, existing.currency) != (request.amount, request.currency):
            raise GatewayError(
                "Keys for idempotent requests can only be used with the same parameters.",
                code="idempotency_error",
            )
        return _record(existing)

    def retrieve_payment(self, payment_intent_id: str) -> PaymentRecord:
        intent = self.intent(payment_intent_id)
        if intent is None:
            raise PaymentIntentMissingError
        return _record(intent)

    def cancel_payment(self, payment_intent_id: str) -> PaymentRecord:
        with self._lock:  # one conditional UPDATE: atomic on its own
            self._conn.execute(
                "UPDATE payment_intents SET status = 'canceled' "
                "WHERE id = ? AND status IN ('requires_action', 'requires_payment_method')",
                (payment_intent_id,),
            )
        return self.retrieve_payment(payment_intent_id)

    def authenticate(self, payment_intent_id: str, *, approve: bool) -> PaymentRecord:
        """Sandbox stand-in for the bank's 3-D Secure page: approve or fail the challenge."""
        status, failure = (
            ("succeeded", None)
            if approve
            else ("requires_payment_method", "payment_intent_authentication_failure")
        )
        with self._lock:  # one conditional UPDATE: only an intent still awaiting the challenge moves
            self._conn.execute(
                "UPDATE payment_intents SET status = ?, failure_code = ? "
                "WHERE id = ? AND status = 'requires_action'",
                (status, failure, payment_intent_id),
            )
        return self.retrieve_payment(payment_intent_id)

    def list_intents(self, session_id: str) -> list[SandboxIntent]:
        rows = self._conn.execute(
            "SELECT pi.id FROM payment_intents pi WHERE session_id = ? ORDER BY created", (session_id,)
        ).fetchall()
        return [intent for (pid,) in rows if (intent := self.intent(pid)) is not None]

    # ------------------------------------------------------------- internals

    def _intent_by_key(self, key: str) -> SandboxIntent | None:
        row = self._conn.execute(
            "SELECT id FROM payment_intents WHERE idempotency_key = ?", (key,)
        ).fetchone()
        return self.intent(row[0]) if row else None

    def intent(self, intent_id: str) -> SandboxIntent | None:
        """The stored intent with its card's masked facts, or None."""
        row = self._conn.execute(
            "SELECT pi.id, pi.session_id, pi.amount, pi.currency, pi.status, pi.failure_code, pm.last4, "
            "pm.brand, "
            "pi.client_secret FROM payment_intents pi JOIN payment_methods pm ON pm.id = pi.payment_method "
            "WHERE pi.id = ?",
            (intent_id,),
        ).fetchone()
        return SandboxIntent(*row) if row else None


def _first_status(outcome: str, *, moto: bool) -> tuple[str, str | None]:
    if outcome.startswith("decline:"):
        return "requires_payment_method", outcome.split(":", 1)[1]
    if outcome == "authenticate" and not moto:  # MOTO payments are exempt from 3-D Secure
        return "requires_action", None
    return "succeeded", None


def _record(intent: SandboxIntent) -> PaymentRecord:
    if intent.status == "succeeded":
        status = "succeeded"
    elif intent.status == "requires_action":
        status = "requires_action"
    elif intent.status in ("processing",):
        status = "processing"
    else:
        status = "failed"
    code = intent.failure_code if status == "failed" else None
    if intent.status == "canceled" and code is None:
        code = "canceled"
    return PaymentRecord(
        id=intent.id,
        status=status,
        amount=intent.amount,
        currency=intent.currency,
        brand=intent.brand,
        last4=intent.last4,
        failure_code=code,
        failure_message=decline_sentence(code) if status == "failed" else None,
        client_secret=intent.client_secret if status == "requires_action" else None,
    )
