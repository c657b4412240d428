"""`paybot chat`: a payment conversation in the terminal, typed card entry, sandbox gateway."""

from __future__ import annotations

from paybot_core.bootstrap import build
from paybot_core.conversation.state import CardEntry, Channel, Presets
from paybot_core.conversation.turns import Say
from paybot_core.settings import Settings


def run_chat(*, amount: int | None = None, reference: str | None = None) -> int:
    """Exit code 0 when the payment completed, 1 otherwise."""
    settings = Settings(
        allow_typed_card_entry=True, default_card_entry=CardEntry.TYPED, payment_gateway="sandbox"
    )
    services = build(settings)
    conversations = services.conversations
    reply = conversations.start(
        Presets(amount=amount, currency=settings.currency, reference=reference, card_entry=CardEntry.TYPED),
        Channel.CLI,
    )
    # Even as a hint, a full card number is never printed: say how to type the test card instead.
    print("paybot sandbox: pay with Stripe's test card (4242 typed four times, any future expiry, any CVC).")
    print("Type 'help' for the current step or 'cancel' to stop.")
    print(f"bot> {reply.text}")
    while not reply.state.status.terminal:
        try:
            message = input("you> ")
        except EOFError:
            print()
            return 1
        if not message.strip():
            continue
        reply = conversations.handle(reply.state.session_id, Say(message[:2000]))
        print(f"bot> {reply.text}")
    return 0 if reply.state.status.value == "completed" else 1
