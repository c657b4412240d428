"""What drives the engine (events in) and what it asks the service to do (actions out)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .state import AccountDue, CardSummary, Field, PaymentRecord
from .turns import ContinueOnWeb, FieldFailed
from .understanding import CardNumberFact, CvvFact, ExpiryFact, Understood

# ---------------------------------------------------------------- events


@dataclass(frozen=True)
class UserTurn:
    understood: Understood


@dataclass(frozen=True)
class PaymentMethodProvided:
    """A pm_... from the secure form, described by the gateway (masked facts only)."""

    payment_method_id: str
    card: CardSummary


@dataclass(frozen=True)
class PaymentMethodRejected:
    code: str
    message: str


@dataclass(frozen=True)
class CardTokenized:
    payment_method_id: str
    card: CardSummary


@dataclass(frozen=True)
class TokenizationFailed:
    code: str
    message: str


@dataclass(frozen=True)
class PaymentOutcome:
    record: PaymentRecord
    new_attempt: bool  # a fresh charge (counts an attempt) rather than a re-read of one


@dataclass(frozen=True)
class GatewayUnavailable:
    """The gateway could not give an answer; nothing is known to be charged."""

    message: str


@dataclass(frozen=True)
class ChargeUnanswered:
    """A charge went to the processor and no answer came back: it may have gone through. Sending it
    again is safe (the same idempotency key), a bounded number of times."""

    message: str


@dataclass(frozen=True)
class GatewayRefused:
    """The gateway refused the request and says repeating it cannot succeed (the processor's set-up,
    such as an account gate, or a request it will never accept): the attempt ends here, rather than
    the payer being asked to try again, and again, for the same refusal."""

    code: str
    message: str


@dataclass(frozen=True)
class NextActionCompleted:
    """The payer's browser says 3-D Secure is done; the engine asks the gateway, never trusts it."""


@dataclass(frozen=True)
class CardKeyed:
    """Card fields keyed in one go (`turns.KeyedCard`), as masked facts: the digits stay in the
    service's capture. A complete card is kept and tokenized; a partial one is only checked."""

    number: CardNumberFact | None
    expiry: ExpiryFact | None
    cvv: CvvFact | None
    complete: bool


@dataclass(frozen=True)
class AccountKeyed:
    """An account reference keyed in (`turns.KeyedAccount`), as the service found it: the account, or
    why not (`not_found`; `card_number`: a card number, refused unread and never looked up)."""

    account: AccountDue | None
    problem: str | None = None


@dataclass(frozen=True)
class Tick:
    """No input: only lets time act (expiry) when a session is read."""


Event = (
    UserTurn
    | PaymentMethodProvided
    | PaymentMethodRejected
    | CardTokenized
    | TokenizationFailed
    | PaymentOutcome
    | GatewayUnavailable
    | ChargeUnanswered
    | GatewayRefused
    | NextActionCompleted
    | CardKeyed
    | AccountKeyed
    | FieldFailed
    | ContinueOnWeb
    | Tick
)

# ---------------------------------------------------------------- actions


@dataclass(frozen=True)
class KeepTypedCard:
    """Seal these typed fields from this message's capture into the vault, alongside earlier ones."""

    fields: tuple[str, ...]


@dataclass(frozen=True)
class Tokenize:
    """All typed fields are in the vault: exchange them for a payment method, then wipe them."""


@dataclass(frozen=True)
class WipeVault:
    pass


@dataclass(frozen=True)
class Charge:
    idempotency_key: str
    amount: int
    currency: str
    payment_method_id: str


@dataclass(frozen=True)
class RefreshPayment:
    payment_intent_id: str


@dataclass(frozen=True)
class CancelPayment:
    payment_intent_id: str


Action = KeepTypedCard | Tokenize | WipeVault | Charge | RefreshPayment | CancelPayment

# ---------------------------------------------------------------- notices (what the reply mentions)


class NoticeKind(StrEnum):
    GREETING = "greeting"
    ACCEPTED = "accepted"  # detail: field
    INVALID = "invalid"  # detail: field, code
    AMOUNT_LOCKED = "amount_locked"
    AMOUNT_OVER_MAX = "amount_over_max"
    USE_SECURE_FORM = "use_secure_form"
    HELP = "help"
    NOT_UNDERSTOOD = "not_understood"
    ASK_WHAT_TO_CHANGE = "ask_what_to_change"
    NEED_YES_OR_NO = "need_yes_or_no"
    NOTHING_TO_CHANGE = "nothing_to_change"  # a yes to "what would you like to change?": asked again
    CARD_CLEARED = "card_cleared"
    NUMBER_FIRST = "number_first"
    ACCOUNT_FOUND = "account_found"  # the account keyed in was found: its presets fill the session
    ACCOUNT_FIRST = "account_first"  # nothing else is taken before the account is known
    PAYMENT_SUCCEEDED = "payment_succeeded"
    PAYMENT_FAILED = "payment_failed"  # detail: code, text
    PAYMENT_NEEDS_AUTHENTICATION = "payment_needs_authentication"
    PAYMENT_PROCESSING = "payment_processing"
    GATEWAY_UNAVAILABLE = "gateway_unavailable"
    # The processor left the last allowed charge unanswered: no more are sent; someone checks.
    PAYMENT_UNCONFIRMED = "payment_unconfirmed"
    PAYMENT_NOT_POSSIBLE = "payment_not_possible"  # detail: code, text (a refusal no retry changes)
    TOO_MANY_ATTEMPTS = "too_many_attempts"  # detail: field
    TOO_MANY_PAYMENT_ATTEMPTS = "too_many_payment_attempts"
    TOO_MANY_TURNS = "too_many_turns"
    CANCELLED = "cancelled"
    RESTARTED = "restarted"
    EXPIRED = "expired"
    ALREADY_CLOSED = "already_closed"
    PAYMENT_METHOD_REJECTED = "payment_method_rejected"  # detail: code, text
    ANSWER = "answer"  # a question answered; code: the Question, text: its detail
    CONFIRM_AMOUNT = "confirm_amount"  # "Did you mean $50.00?" (state.pending_amount)
    AMOUNT_NOT_TAKEN = "amount_not_taken"  # the payer said no to the amount we read back
    CONTINUED_ON_WEB = "continued_on_web"  # the phone caller took the link by SMS
    RECEIPT_OFFERED = "receipt_offered"  # after the payment: "Would you like a receipt by email?"
    RECEIPT_REQUESTED = "receipt_requested"  # the address taken; the receipt goes out after the save
    RECEIPT_DECLINED = "receipt_declined"
    RECEIPT_GIVEN_UP = "receipt_given_up"  # too many addresses that were none


@dataclass(frozen=True)
class Notice:
    kind: NoticeKind
    field: Field | None = None
    code: str | None = None
    text: str | None = None
