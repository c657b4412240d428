"""What one message means, as the engine consumes it: intents and candidate field values.

Produced by a `LanguageModel` (rules or Bedrock) from redacted text, plus the PCI guard's
masked facts about typed card material. Nothing here holds a card number or a CVV.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

from .state import Channel, Field


class Intent(StrEnum):
    CANCEL = "cancel"
    RESTART = "restart"
    HELP = "help"
    AFFIRM = "affirm"
    DENY = "deny"
    CHANGE_CARD = "change_card"
    CHANGE_NAME = "change_name"
    CHANGE_AMOUNT = "change_amount"
    GREETING = "greeting"
    PAY = "pay"  # states the wish to pay; fills nothing
    PAY_IN_FULL = "pay_in_full"  # "the full amount", "todo": where a part may be paid, all that is due
    PAY_PART = "pay_part"  # "only part of it", "una parte": where a part may be paid, asks how much


class Question(StrEnum):
    """What a payer asks; answered from the session's facts without counting an attempt."""

    AMOUNT_OWED = "amount_owed"
    PURPOSE = "purpose"
    SECURITY = "security"
    WHY_FIELD = "why_field"
    PAYMENT_METHODS = "payment_methods"  # detail: the card or brand asked about, if any
    OTHER_METHOD = "other_method"  # bank transfer, PayPal...: the answer is no; detail: which
    PARTIAL = "partial"
    PERSON = "person"
    COLLECTED = "collected"
    OTHER = "other"  # a question of no kind we know: explained like help


@dataclass(frozen=True)
class NameFact:
    value: str | None = None
    problem: str | None = None  # invalid_characters | too_long | too_short


@dataclass(frozen=True)
class AmountFact:
    """An amount in the session's minor units, or the problem with what was written.

    problem: not_positive | too_many_decimals | unreadable | negative | other_currency (with
    `currency`, what the payer wrote) | ambiguous (with `minor`, the likelier reading, to confirm).
    """

    minor: int | None = None
    problem: str | None = None
    currency: str | None = None


@dataclass(frozen=True)
class CardNumberFact:
    brand: str | None
    last4: str
    problem: str | None  # a CardNumberProblem value, or None when valid


@dataclass(frozen=True)
class ExpiryFact:
    month: int | None
    year: int | None
    unreadable: bool = False


@dataclass(frozen=True)
class CvvFact:
    length: int
    all_digits: bool = True


@dataclass(frozen=True)
class EmailFact:
    """An email address a message gives (found by code, never a model), or `problem`: invalid | several."""

    value: str | None = None
    problem: str | None = None


@dataclass(frozen=True)
class Understood:
    intents: frozenset[Intent] = frozenset()
    name: NameFact | None = None
    amount: AmountFact | None = None
    # A share of what is due ("half", "25%"): the engine makes it an amount where a part may be paid.
    share: Fraction | None = None
    card_number: CardNumberFact | None = None
    expiry: ExpiryFact | None = None
    cvv: CvvFact | None = None
    card_typed_in_secure_form: bool = False
    question: Question | None = None
    question_detail: str | None = None
    language: str | None = None  # the message's language when it is plainly one ("en", "es")
    email: EmailFact | None = None  # read only when the bot asked for the receipt's address

    def has(self, intent: Intent) -> bool:
        return intent in self.intents

    @property
    def fills_anything(self) -> bool:
        return not (
            self.name is None
            and self.amount is None
            and self.share is None
            and self.card_number is None
            and self.expiry is None
            and self.cvv is None
        )


@dataclass(frozen=True)
class UnderstandingContext:
    """What a language model may know about the conversation: no card data, no secrets."""

    expecting: Field | None
    currency: str
    amount_preset: bool
    locale: str = "en"  # the session's language
    name: str | None = None  # the name collected so far, so "Jon, not John" can be read
    session_id: str = ""  # for usage accounting only; never sent to a model
    channel: Channel = Channel.WEB
    extra: dict[str, str] = field(default_factory=dict)
