"""`paybot chat`: a payment conversation in the terminal, typed card entry, sandbox gateway.

Card fields are read like a password (`getpass`: nothing is echoed) when the terminal is
interactive. 3-D Secure is played out here as the sandbox's bank page is on the web: the payer
types `approve` or `decline`, the sandbox gateway records the outcome, and the session reads it
back from the gateway, never from what was typed.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable

from paybot_core import (
    TYPED_CARD_FIELDS,
    CardEntry,
    Channel,
    NextActionDone,
    Presets,
    Reply,
    Say,
    Services,
    Settings,
    Status,
    build,
)

from .errors import UsageError

# The card steps, whose answers are read without echo.
_SECRET_FIELDS = frozenset(TYPED_CARD_FIELDS)
_APPROVE = frozenset({"approve", "approved", "a", "yes", "y"})
_DECLINE = frozenset({"decline", "declined", "fail", "d", "no", "n"})

Reader = Callable[[str, bool], str]


def read_line(prompt: str, secret: bool) -> str:
    """One line from the payer; without echo for card fields when stdin is a terminal."""
    if secret and sys.stdin.isatty():
        return getpass.getpass(prompt)
    return input(prompt)


def chat_settings() -> Settings:
    """The environment's settings, with typed entry and the sandbox gateway this command runs on."""
    return Settings(
        allow_typed_card_entry=True, default_card_entry=CardEntry.TYPED, payment_gateway="sandbox"
    )


def check_options(settings: Settings, amount: int | None, currency: str | None) -> str:
    """The API's rules for a preset amount and currency; the currency to use. UsageError otherwise."""
    if amount is not None and not 0 < amount <= settings.max_amount:
        raise UsageError(
            f"--amount must be a whole number of minor units from 1 to {settings.max_amount} "
            f"(PAYBOT_MAX_AMOUNT), not {amount}"
        )
    chosen = (currency or settings.currency).strip().lower()
    if not (len(chosen) == 3 and chosen.isascii() and chosen.isalpha()):
        raise UsageError(f"--currency must be a 3-letter ISO 4217 code such as usd, not {currency!r}")
    return chosen


def run_chat(
    *,
    amount: int | None = None,
    currency: str | None = None,
    reference: str | None = None,
    read: Reader = read_line,
) -> int:
    """Exit code 0 when the payment completed, 1 otherwise."""
    settings = chat_settings()
    chosen_currency = check_options(settings, amount, currency)
    services = build(settings)
    reply = services.conversations.start(
        Presets(amount=amount, currency=chosen_currency, reference=reference, card_entry=CardEntry.TYPED),
        Channel.CLI,
    )
    # Even as a hint, a full card number is never printed: say how to type the test card instead.
    print("paybot sandbox: pay with Stripe's test card (4242 typed four times, any future expiry, any CVC).")
    print(
        "Card details are not shown as you type them. Type 'help' for the current step or 'cancel' to stop."
    )
    print(f"bot> {reply.text}")
    while not reply.state.status.terminal:
        try:
            if reply.state.status is Status.REQUIRES_ACTION:
                reply = _bank_check(services, reply, read)
                continue
            message = read("you> ", reply.state.current_field in _SECRET_FIELDS)
        except EOFError:
            print()
            return 1
        if not message.strip():
            continue
        reply = services.conversations.handle(reply.state.session_id, Say(message[:2000]))
        print(f"bot> {reply.text}")
    return 0 if reply.state.status is Status.COMPLETED else 1


def _bank_check(services: Services, reply: Reply, read: Reader) -> Reply:
    """The sandbox's 3-D Secure page, in words: approve or decline, then the session looks."""
    sandbox, payment = services.sandbox, reply.state.payment
    if sandbox is None or payment is None:  # not reachable with this command's settings
        return services.conversations.handle(reply.state.session_id, NextActionDone())
    answer = read("bank> Sandbox 3-D Secure check: type approve or decline: ", False).strip().lower()
    if answer not in _APPROVE | _DECLINE:
        if answer == "cancel":
            reply = services.conversations.handle(reply.state.session_id, Say("cancel"))
            print(f"bot> {reply.text}")
        else:
            print("bank> Please type approve or decline.")
        return reply
    sandbox.authenticate(payment.id, approve=answer in _APPROVE)
    reply = services.conversations.handle(reply.state.session_id, NextActionDone())
    print(f"bot> {reply.text}")
    return reply
