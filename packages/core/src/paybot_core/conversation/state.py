"""The session as frozen dataclasses: what is stored between turns, and nothing card-secret.

Typed card fields are never here in plain form: only the vault's ciphertext (`sealed_card`)
and masked facts (`card`: brand, last 4, expiry).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from typing import Any

from pydantic import TypeAdapter


class Status(StrEnum):
    COLLECTING = "collecting"
    AWAITING_PAYMENT_METHOD = "awaiting_payment_method"
    CONFIRMING = "confirming"
    REQUIRES_ACTION = "requires_action"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"

    @property
    def terminal(self) -> bool:
        return self in _TERMINAL


_TERMINAL = frozenset({Status.COMPLETED, Status.FAILED, Status.CANCELLED, Status.EXPIRED})


class Field(StrEnum):
    ACCOUNT = "account"  # the account the payment is for, when the channel could not tell (the phone)
    NAME = "name"
    AMOUNT = "amount"
    CARD_NUMBER = "card_number"
    EXPIRY = "expiry"
    CVV = "cvv"
    PAYMENT_METHOD = "payment_method"
    CONFIRMATION = "confirmation"
    RECEIPT_EMAIL = "receipt_email"  # after the payment: where to send the receipt (or no)


TYPED_CARD_FIELDS = (Field.CARD_NUMBER, Field.EXPIRY, Field.CVV)


class CardEntry(StrEnum):
    SECURE = "secure"  # card details only through the secure form (a pm_... id)
    TYPED = "typed"  # card number, expiry and CVV typed into the conversation


class Channel(StrEnum):
    WEB = "web"
    VOICE = "voice"
    CLI = "cli"


class ReceiptOffer(StrEnum):
    """The receipt offered in the conversation after a successful payment, when no email was known."""

    NONE = "none"  # not offered: the merchant gave receiptEmail, or the channel cannot take one
    OFFERED = "offered"  # asked; the payer's next message answers it
    REQUESTED = "requested"  # the payer gave an address (`receipt_email`): the receipt goes there
    DECLINED = "declined"  # the payer said no, gave up, or did not answer in time


class Phase(StrEnum):
    """Where the session is; `Status` and the current field are derived from it and the data."""

    ACTIVE = "active"
    REQUIRES_ACTION = "requires_action"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


@dataclass(frozen=True)
class CardSummary:
    """Masked facts about a card: all that is ever shown or stored in plain form."""

    brand: str
    last4: str
    exp_month: int | None = None
    exp_year: int | None = None


@dataclass(frozen=True)
class PaymentRecord:
    """The latest payment attempt as the gateway reported it."""

    id: str
    status: str  # succeeded | failed | requires_action | processing
    amount: int
    currency: str
    brand: str | None = None
    last4: str | None = None
    failure_code: str | None = None
    failure_message: str | None = None
    client_secret: str | None = None


@dataclass(frozen=True)
class AccountDue:
    """What a merchant's customer owes, as the merchant's directory has it (`ports.AccountDirectory`)."""

    reference: str
    customer_name: str
    amount: int  # minor units
    currency: str


@dataclass(frozen=True)
class Presets:
    """What the merchant fixed when the session was created; the payer cannot change these."""

    amount: int | None = None
    currency: str = "usd"
    reference: str | None = None
    description: str | None = None
    customer_name: str | None = None
    card_entry: CardEntry = CardEntry.SECURE
    locale: str | None = None  # set by the merchant: the session speaks it and never switches
    # The merchant's own keys (merchant-api.md): returned with the payment and in every event.
    metadata: tuple[tuple[str, str], ...] = ()
    receipt_email: str | None = None
    # Partial payments (merchant-api.md `partial.minimum`): with it, `amount` is what is due and the
    # payer chooses how much of it to pay, at least this much; without it the amount is fixed.
    partial_minimum: int | None = None

    @property
    def partial(self) -> bool:
        return self.amount is not None and self.partial_minimum is not None

    def with_account(self, account: AccountDue) -> Presets:
        """These presets with what `account` owes: its amount, currency, reference and customer name."""
        return replace(
            self,
            amount=account.amount,
            currency=account.currency,
            reference=account.reference,
            customer_name=account.customer_name,
        )

    @property
    def fixed_amount(self) -> int | None:
        """The amount the payer cannot change: the preset one, unless the merchant allows a part."""
        return None if self.partial else self.amount


@dataclass(frozen=True)
class Limits:
    """Policy copied into the session at creation, so one session's rules never change mid-way."""

    max_amount: int = 1_000_000
    ttl_seconds: int = 900
    max_field_attempts: int = 3
    max_payment_attempts: int = 3
    max_turns: int = 60
    accepted_brands: tuple[str, ...] = ("visa", "mastercard", "amex", "discover")
    # PAYBOT_SUPPORT_CONTACT, quoted as given; empty: the catalogue's own words, in the session's language
    support_contact: str = ""
    default_locale: str = "en"  # PAYBOT_DEFAULT_LOCALE: a session's language when the merchant sets none


@dataclass(frozen=True)
class SealedCardRef:
    """The vault's ciphertext for the typed card fields collected so far."""

    blob: str
    expires_at: float


@dataclass(frozen=True)
class PaymentLink:
    """The payer's way into a merchant-created session: `/pay/{token}`, usable until `expires_at`."""

    token: str
    expires_at: float


@dataclass(frozen=True)
class SessionState:
    session_id: str
    channel: Channel
    presets: Presets
    limits: Limits
    created_at: float
    updated_at: float
    expires_at: float
    phase: Phase = Phase.ACTIVE
    name: str | None = None
    amount: int | None = None
    card: CardSummary | None = None
    payment_method_id: str | None = None
    typed_card_fields: tuple[str, ...] = ()  # which of "number", "expiry", "cvv" the vault holds
    sealed_card: SealedCardRef | None = None  # written by the service, never by the engine
    payment: PaymentRecord | None = None
    payment_attempts: int = 0
    # Presses of "yes" the processor left unanswered since its last answer (the same idempotency key
    # each time, so never a second charge); at `max_payment_attempts` no more are sent.
    charges_unanswered: int = 0
    field_attempts: tuple[tuple[str, int], ...] = ()
    turns: int = 0
    awaiting_change: bool = False  # the payer said "no" at confirmation; we asked what to change
    pending_amount: int | None = None  # an amount read two ways, asked back ("Did you mean $50.00?")
    locale: str = "en"  # the language the session speaks now ("en" | "es")
    link: PaymentLink | None = None
    receipt: ReceiptOffer = ReceiptOffer.NONE
    receipt_email: str | None = None  # typed by the payer after the payment (the merchant's is a preset)
    # Created before the channel knew which account is paid (a caller from an unknown number): the
    # account reference is asked first, and the account's presets fill the session once it is found.
    awaiting_account: bool = False
    version: int = 0

    @property
    def currency(self) -> str:
        return self.presets.currency

    @property
    def card_entry(self) -> CardEntry:
        return self.presets.card_entry

    @property
    def amount_left(self) -> int | None:
        """In a partial payment, what stays due after the amount chosen (or paid); None otherwise."""
        due = self.presets.amount
        if not self.presets.partial or due is None or self.amount is None:
            return None
        return max(due - self.amount, 0)

    @property
    def typed_fields(self) -> frozenset[str]:
        return frozenset(self.typed_card_fields)

    def attempts_on(self, on: Field) -> int:
        return dict(self.field_attempts).get(on.value, 0)

    @property
    def payment_unconfirmed(self) -> bool:
        """The processor left the allowed number of charges unanswered: none more is sent, and whether
        one went through is for someone to check (a webhook may still bring its outcome)."""
        return self.charges_unanswered >= self.limits.max_payment_attempts

    @property
    def current_field(self) -> Field | None:
        """What the bot asks for now; None in a terminal status (but for the receipt offered after a
        payment, `receipt_email`) and while awaiting 3-D Secure."""
        if self.phase is Phase.COMPLETED and self.receipt is ReceiptOffer.OFFERED:
            return Field.RECEIPT_EMAIL
        if self.phase is not Phase.ACTIVE:
            return None
        if self.awaiting_account:
            return Field.ACCOUNT
        if self.name is None:
            return Field.NAME
        if self.amount is None:
            return Field.AMOUNT
        if self.payment_method_id is None:
            if self.presets.card_entry is CardEntry.SECURE:
                return Field.PAYMENT_METHOD
            have = self.typed_card_fields
            if "number" not in have:
                return Field.CARD_NUMBER
            if "expiry" not in have:
                return Field.EXPIRY
            return Field.CVV
        return Field.CONFIRMATION

    @property
    def status(self) -> Status:
        if self.phase is not Phase.ACTIVE:
            return _PHASE_STATUS[self.phase]
        current = self.current_field
        if current is Field.PAYMENT_METHOD:
            return Status.AWAITING_PAYMENT_METHOD
        if current is Field.CONFIRMATION:
            return Status.CONFIRMING
        return Status.COLLECTING

    def evolve(self, **changes: Any) -> SessionState:
        """A copy with `changes` applied.

        Copies the instance's dict rather than calling `dataclasses.replace`, which reads every field
        by name and runs `__init__` again: the engine evolves a state several times a turn, and
        `replace` was the largest single cost of a turn in profiles. The two agree because
        SessionState has no `__post_init__` (keep it so, or go back to `replace`).
        """
        if not _SESSION_FIELDS.issuperset(changes):
            unknown = changes.keys() - _SESSION_FIELDS
            raise TypeError(f"SessionState has no field {', '.join(sorted(unknown))}")
        copy = object.__new__(SessionState)
        vars(copy).update(vars(self), **changes)
        return copy


@dataclass(frozen=True)
class StoredSession:
    """A session as the store returns it: its state and the version to save against."""

    state: SessionState
    version: int = field(default=0)


_SESSION_FIELDS = frozenset(f.name for f in fields(SessionState))
# Outside the active phase the status is the phase's own (one value each, same names).
_PHASE_STATUS = {phase: Status(phase.value) for phase in Phase if phase is not Phase.ACTIVE}
_ADAPTER: TypeAdapter[SessionState] = TypeAdapter(SessionState)


def state_to_json(state: SessionState) -> bytes:
    """Serialise for a store. Holds masked facts and ciphertext only.

    Fields at their default are left out (no nulls, no copy of the default limits in every
    session; a DynamoDB item stays within one write unit), and reading fills them back in. So
    the defaults above are part of the stored format: changing one changes what every stored
    session that left it out means. Full records (as older versions wrote) read the same.
    """
    # The adapter's core serializer and validator directly: every turn loads and saves a state, and
    # `dump_json`/`validate_json` only forward their arguments (a fifth of the call's time).
    result: bytes = _ADAPTER.serializer.to_json(state, exclude_defaults=True)
    return result


def state_from_json(data: bytes | str) -> SessionState:
    state: SessionState = _ADAPTER.validator.validate_json(data)
    return state


def state_to_dict(state: SessionState) -> dict[str, Any]:
    result: dict[str, Any] = _ADAPTER.dump_python(state, mode="json")
    return result


def state_from_dict(data: dict[str, Any]) -> SessionState:
    return _ADAPTER.validate_python(data)
