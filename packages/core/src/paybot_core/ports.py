"""The core's ports: small protocols that adapters implement (embedded, AWS, Stripe)."""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from .conversation.state import AccountDue, CardSummary, Channel, PaymentRecord, SessionState
from .conversation.understanding import UnderstandingContext, Understood
from .merchant.events import MerchantEvent
from .merchant.records import EventQuery, Page, PaymentEntry, PaymentQuery


@dataclass(frozen=True)
class CardDetails:
    """Raw card data on its way to the gateway's tokenization; exists for one call only."""

    number: str
    exp_month: int
    exp_year: int
    cvc: str

    def __repr__(self) -> str:
        return f"CardDetails(number=****{self.number[-4:]}, exp=**/**, cvc=***)"

    __str__ = __repr__


@dataclass(frozen=True)
class PaymentRequest:
    idempotency_key: str
    amount: int
    currency: str
    payment_method_id: str
    session_id: str
    channel: Channel = Channel.WEB
    description: str | None = None
    reference: str | None = None

    @property
    def moto(self) -> bool:
        """Phone payments are mail-order/telephone-order: exempt from 3-D Secure."""
        return self.channel is Channel.VOICE


@dataclass(frozen=True)
class AuditEvent:
    """One masked record for the audit trail. Values are masked facts, never card data."""

    kind: str
    session_id: str
    at: float
    details: dict[str, str | int | float | bool | None] = field(default_factory=dict)


class SessionStore(Protocol):
    """Sessions with optimistic concurrency: every save names the version it read.

    `events` are the merchant events the change causes: written in the same transaction as the
    session (an outbox), so a saved change always has its events and an unsaved one has none.
    """

    def create(self, state: SessionState) -> SessionState: ...

    def load(self, session_id: str) -> SessionState | None:
        """The state with `version` set to the stored version, or None."""
        ...

    def save(
        self, state: SessionState, expected_version: int, events: Sequence[MerchantEvent] = ()
    ) -> SessionState:
        """Write if the stored version is still `expected_version`; else VersionConflictError."""
        ...

    def expired_session_ids(self, now: float, limit: int = 100) -> Sequence[str]:
        """Sessions past their expiry that are not yet in a terminal status (for the sweeper)."""
        ...

    def tidy(self) -> None:
        """Housekeeping the sweeper runs between turns, off every payer's turn (may do nothing)."""
        ...


class PaymentGateway(Protocol):
    """Stripe-shaped payments: payment methods and PaymentIntents with idempotency keys."""

    def create_payment_method(
        self, card: CardDetails, *, idempotency_key: str
    ) -> tuple[str, CardSummary]: ...

    def describe_payment_method(self, payment_method_id: str) -> CardSummary: ...

    def confirm_payment(self, request: PaymentRequest) -> PaymentRecord: ...

    def retrieve_payment(self, payment_intent_id: str) -> PaymentRecord: ...

    def cancel_payment(self, payment_intent_id: str) -> PaymentRecord: ...


@runtime_checkable
class LanguageModel(Protocol):
    """Understands redacted text and, optionally, rephrases a reply from masked facts."""

    def understand(self, text: str, context: UnderstandingContext) -> Understood: ...

    def phrase(self, draft: str, facts: dict[str, str]) -> str: ...


class Metrics(Protocol):
    """Counters a deployment reads as metrics (model tokens, completed payments); see metrics.py."""

    def add(self, name: str, value: int = 1) -> None: ...


class AuditLog(Protocol):
    def append(self, event: AuditEvent) -> None: ...


class AccountDirectory(Protocol):
    """The merchant's lookup of what is due, by the caller's number or an account reference."""

    def find_by_phone(self, phone: str) -> AccountDue | None:
        """The account registered for this E.164 number, or None."""
        ...

    def find_by_reference(self, reference: str) -> AccountDue | None:
        """The account with this reference (as typed, or its digits only from a keypad), or None."""
        ...


class WebhookEventLog(Protocol):
    """Which webhook events were already handled, so a redelivered event is acknowledged and skipped."""

    def claim(self, event_id: str, now: float) -> bool:
        """True the first time `event_id` is claimed; False for a duplicate."""
        ...

    def release(self, event_id: str) -> None:
        """Forget a claim whose handling failed, so the sender's retry is handled."""
        ...


@runtime_checkable
class KeepsWebhookEvents(Protocol):
    """A session store that keeps handled webhook ids itself (DynamoDB: on the sessions' table)."""

    def webhook_events(self) -> WebhookEventLog: ...


class SecretSource(Protocol):
    """Secret values by id (Secrets Manager), cached with a time to live so rotation applies."""

    def get(self, secret_id: str) -> str: ...


class KeypadDecryptor(Protocol):
    """Opens one encrypted stored keypad input (the phone channel's) into the keys pressed."""

    def decrypt(self, ciphertext: str) -> str: ...


class MerchantRecords(Protocol):
    """What the session store keeps for the merchant: links, events and payments, read back."""

    def session_id_for_link(self, token: str) -> str | None: ...

    def append_events(self, events: Sequence[MerchantEvent]) -> None:
        """Events that change no session (a receipt went out)."""
        ...

    def list_events(self, query: EventQuery) -> Page[MerchantEvent]: ...

    def list_payments(self, query: PaymentQuery) -> Page[PaymentEntry]: ...

    def get_payment(self, payment_id: str) -> PaymentEntry | None: ...


@dataclass(frozen=True)
class Delivery:
    """One event due at one webhook endpoint; `attempts` made so far."""

    endpoint: str
    event: MerchantEvent
    attempts: int


class WebhookOutbox(Protocol):
    """The outbox as the local dispatcher works it: per endpoint, each session's oldest undelivered
    event (so a session's events arrive in order), due when its retry time has come."""

    def due(
        self,
        endpoint: str,
        now: float,
        limit: int,
        lease_seconds: float,
        types: AbstractSet[str] | None = None,
    ) -> Sequence[Delivery]:
        """Claim up to `limit` due deliveries for `lease_seconds` (another dispatcher skips them).

        With `types`, the endpoint gets deliveries of events of those types only: an event of any
        other type is never handed to it, and costs it no delivery row and no write."""
        ...

    def delivered(self, delivery: Delivery, now: float) -> None: ...

    def retry_at(self, delivery: Delivery, at: float, error: str) -> None: ...

    def give_up(self, delivery: Delivery, error: str) -> None:
        """Past the retry window: stop trying this one, so the session's next event can go."""
        ...


@dataclass(frozen=True)
class OutgoingMessage:
    """A message to a payer: an email (subject, text and html) or an SMS (text only)."""

    to: str
    kind: str  # "email" | "sms"
    text: str
    subject: str | None = None
    html: str | None = None


class Messenger(Protocol):
    """Sends email and SMS to payers (links, receipts). Returns the provider's message id."""

    def send(self, message: OutgoingMessage) -> str: ...
