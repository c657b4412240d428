"""The typed turns: what a channel may hand `ConversationService.handle`.

A channel turns its own events into one of these and nothing else: the web route a message or a
payment method id, the phone's keypad a keyed card, an account reference or a menu choice, the
terminal a line of text.
Only `Say` carries free text, so only `Say` passes through the PCI guard and the understanding; a
`KeyedCard` reaches the vault and the gateway as the digits that were keyed, never as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .state import Field


@dataclass(frozen=True)
class Say:
    """Free text from the payer. Raw: it may hold card data, and only the PCI guard reads it."""

    text: str

    def __repr__(self) -> str:  # never the text, even in a traceback
        return f"Say(<{len(self.text)} chars>)"


@dataclass(frozen=True)
class KeyedCard:
    """Card fields keyed in (the phone's keypad), digits only, as the payer pressed them.

    `expiry` is month then year, MMYY or MMYYYY. A card with all three fields is tokenized within
    the turn; a partial one is only checked (the engine answers and counts a failed try) and
    nothing of it is kept: the channel holds its own encrypted copy until it sends the whole card.
    """

    number: str | None = None
    expiry: str | None = None
    cvv: str | None = None

    @property
    def complete(self) -> bool:
        return self.number is not None and self.expiry is not None and self.cvv is not None

    def expiry_month_year(self) -> tuple[int, int] | None:
        """(month, year) of the keyed expiry, or None when it is not MMYY or MMYYYY digits."""
        keys = self.expiry or ""
        if not (keys.isascii() and keys.isdigit()) or len(keys) not in (4, 6):
            return None
        year = int(keys[2:])
        return int(keys[:2]), year + 2000 if year < 100 else year

    def __repr__(self) -> str:  # which fields, never their digits
        given = [name for name in ("number", "expiry", "cvv") if getattr(self, name) is not None]
        return f"KeyedCard(<{', '.join(given) or 'nothing'}>)"


@dataclass(frozen=True)
class KeyedAccount:
    """An account reference keyed in (the phone's keypad), as pressed: the service looks it up in the
    merchant's accounts. Keys meant for a card may land here too, so a card number is recognised and
    refused before any lookup, and the keys are never printed."""

    reference: str

    def __repr__(self) -> str:
        return f"KeyedAccount(<{len(self.reference)} keys>)"


@dataclass(frozen=True)
class UsePaymentMethod:
    """A payment method made by the secure card form (a `pm_...` id): no card data here."""

    payment_method_id: str


@dataclass(frozen=True)
class Confirm:
    """The payer's explicit yes to the payment as summarised (the phone's "press 1")."""


@dataclass(frozen=True)
class ChangeCard:
    """Forget the card given so far and ask for another."""


@dataclass(frozen=True)
class Cancel:
    """End the session without paying."""


class FailureReason(StrEnum):
    TIMEOUT = "timeout"  # nothing was keyed
    NO_CHOICE = "no_choice"  # a key that is not one of the menu's choices


@dataclass(frozen=True)
class FieldFailed:
    """A try at `field` failed before reaching paybot (a keypad timeout, a key that is no choice).

    The engine counts it like any invalid answer: the last allowed try ends the session.
    """

    field: Field
    reason: FailureReason


@dataclass(frozen=True)
class NextActionDone:
    """The payer's browser says 3-D Secure is done; the engine asks the gateway, never trusts it."""


@dataclass(frozen=True)
class ContinueOnWeb:
    """The phone caller asked for the payment link by SMS, to finish on the web: the same session
    goes on as a web one (secure card form, not MOTO), and whatever was keyed for a card is dropped."""


Turn = (
    Say
    | KeyedCard
    | KeyedAccount
    | UsePaymentMethod
    | Confirm
    | ChangeCard
    | Cancel
    | FieldFailed
    | NextActionDone
    | ContinueOnWeb
)
TURN_TYPES: tuple[type, ...] = (
    Say,
    KeyedCard,
    KeyedAccount,
    UsePaymentMethod,
    Confirm,
    ChangeCard,
    Cancel,
    FieldFailed,
    NextActionDone,
    ContinueOnWeb,
)
