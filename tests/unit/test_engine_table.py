"""Every (phase, field, event) the engine handles, stepped and checked against the rules that hold for all.

The other engine tests pin what each pair does; this table proves none is missed: the sample events
cover every type in `Event`, the states every `Phase` and, while active, every `Field`, and each pair
is stepped both within the session's time and after it expired.
"""

from __future__ import annotations

import typing

import pytest

from paybot_core.conversation.engine import new_session, step
from paybot_core.conversation.events import (
    AccountKeyed,
    CardKeyed,
    CardTokenized,
    Charge,
    ChargeUnanswered,
    Event,
    GatewayRefused,
    GatewayUnavailable,
    KeepTypedCard,
    NextActionCompleted,
    NoticeKind,
    PaymentMethodProvided,
    PaymentMethodRejected,
    PaymentOutcome,
    Tick,
    TokenizationFailed,
    Tokenize,
    UserTurn,
    WipeVault,
)
from paybot_core.conversation.state import (
    AccountDue,
    CardEntry,
    CardSummary,
    Channel,
    Field,
    Limits,
    PaymentLink,
    PaymentRecord,
    Phase,
    Presets,
    ReceiptOffer,
    SessionState,
)
from paybot_core.conversation.turns import ContinueOnWeb, FailureReason, FieldFailed
from paybot_core.conversation.understanding import (
    AmountFact,
    CardNumberFact,
    CvvFact,
    EmailFact,
    ExpiryFact,
    Intent,
    NameFact,
    Understood,
)

NOW = 1781524800.0  # 2026-06-15
VISA = CardSummary("visa", "4242", 12, 2030)


def session(
    amount: int | None = 5000, entry: CardEntry = CardEntry.SECURE, **changes: object
) -> SessionState:
    state = new_session("ses_test", Channel.WEB, Presets(amount=amount, card_entry=entry), Limits(), NOW)
    return state.evolve(**changes)


def confirming(**changes: object) -> SessionState:
    return session(name="Jane Doe", payment_method_id="pm_x", card=VISA, **changes)


TERMINAL = {Phase.COMPLETED, Phase.FAILED, Phase.CANCELLED, Phase.EXPIRED}


def record(status: str) -> PaymentRecord:
    code = "card_declined" if status == "failed" else None
    return PaymentRecord("pi_1", status, 5000, "usd", "visa", "4242", failure_code=code)


def said(*intents: Intent, **facts: object) -> UserTurn:
    return UserTurn(Understood(intents=frozenset(intents), **facts))  # type: ignore[arg-type]


# A phone call from a number no account has: the session asks for the account first.
AWAITING_ACCOUNT = new_session(
    "ses_call",
    Channel.VOICE,
    Presets(card_entry=CardEntry.TYPED, locale="es"),
    Limits(),
    NOW,
    awaiting_account=True,
)
ACCOUNT = AccountDue("DEMO-1001", "Jane Doe", 5000, "usd")

STATES: dict[str, SessionState] = {
    "active/account": AWAITING_ACCOUNT,
    "active/account, one try left": AWAITING_ACCOUNT.evolve(field_attempts=(("account", 2),)),
    "active/name": session(amount=None),
    "active/amount": session(amount=None, name="Jane Doe"),
    "active/payment_method": session(name="Jane Doe"),
    "active/card_number": session(entry=CardEntry.TYPED, name="Jane Doe"),
    "active/expiry": session(
        entry=CardEntry.TYPED,
        name="Jane Doe",
        card=CardSummary("visa", "4242"),
        typed_card_fields=("number",),
    ),
    "active/cvv": session(
        entry=CardEntry.TYPED, name="Jane Doe", card=VISA, typed_card_fields=("expiry", "number")
    ),
    "active/confirmation": confirming(),
    "active/confirmation, processor silent": confirming(charges_unanswered=2),
    "active/confirmation, charging stopped": confirming(charges_unanswered=3),
    "requires_action": confirming(phase=Phase.REQUIRES_ACTION, payment=record("requires_action")),
    **{phase.value: confirming(phase=phase, payment=record("succeeded")) for phase in TERMINAL},
    # Paid, and asked where the receipt should go (merchant-api.md, Receipts).
    "completed/receipt_email": confirming(
        phase=Phase.COMPLETED, payment=record("succeeded"), receipt=ReceiptOffer.OFFERED
    ),
}

NUMBER = CardNumberFact("visa", "4242", None)
EVENTS: dict[str, Event] = {
    "yes": said(Intent.AFFIRM),
    "no": said(Intent.DENY),
    "cancel": said(Intent.CANCEL),
    "restart": said(Intent.RESTART),
    "help": said(Intent.HELP),
    "change card": said(Intent.CHANGE_CARD),
    "nothing understood": said(),
    "a name": said(name=NameFact("Ann Lee")),
    "an email": said(email=EmailFact("jane@example.com")),
    "not an email": said(email=EmailFact(problem="invalid")),
    "an amount": said(amount=AmountFact(2500)),
    "a typed card": said(card_number=NUMBER, expiry=ExpiryFact(12, 2030), cvv=CvvFact(3)),
    "a card in the secure form": said(card_typed_in_secure_form=True),
    "payment method": PaymentMethodProvided("pm_2", VISA),
    "payment method rejected": PaymentMethodRejected("card_declined", "declined"),
    "tokenized": CardTokenized("pm_3", VISA),
    "tokenization failed": TokenizationFailed("incorrect_number", "incorrect"),
    **{
        f"payment {s}": PaymentOutcome(record(s), new_attempt=True)
        for s in ("succeeded", "failed", "requires_action", "processing")
    },
    "gateway unavailable": GatewayUnavailable("down"),
    "charge unanswered": ChargeUnanswered("timeout"),
    "account found": AccountKeyed(ACCOUNT),
    "account not found": AccountKeyed(None, "not_found"),
    "card number at the account prompt": AccountKeyed(None, "card_number"),
    "keypad timeout at the account": FieldFailed(Field.ACCOUNT, FailureReason.TIMEOUT),
    "gateway refused": GatewayRefused("moto_not_enabled", "not enabled"),
    "3-D Secure done": NextActionCompleted(),
    "keyed card": CardKeyed(NUMBER, ExpiryFact(12, 2030), CvvFact(3), complete=True),
    "keyed number": CardKeyed(NUMBER, None, None, complete=False),
    "keyed bad number": CardKeyed(CardNumberFact("visa", "4241", "checksum"), None, None, complete=False),
    "keypad timeout": FieldFailed(Field.CARD_NUMBER, FailureReason.TIMEOUT),
    "continue on web": ContinueOnWeb(),
    "tick": Tick(),
}
PAYER_INPUTS = (UserTurn, CardKeyed, AccountKeyed, FieldFailed, ContinueOnWeb)


def test_the_table_covers_every_event_type_phase_and_field() -> None:
    assert {type(e) for e in EVENTS.values()} == set(typing.get_args(Event))
    assert {s.phase for s in STATES.values()} == set(Phase)
    asked = {s.current_field for s in STATES.values() if s.phase is Phase.ACTIVE or s.current_field}
    assert asked == set(Field)


PAIRS = [(s, e) for s in STATES for e in EVENTS]


@pytest.mark.parametrize(("state_name", "event_name"), PAIRS)
def test_rules_that_hold_for_every_pair(state_name: str, event_name: str) -> None:
    state, event = STATES[state_name], EVENTS[event_name]
    t = step(state, event, NOW)
    kinds = [n.kind for n in t.notices]

    assert t.state.sealed_card == state.sealed_card and t.state.version == state.version  # the service's
    if state.receipt is ReceiptOffer.OFFERED:  # paid: only the receipt's answer can change
        assert t.state.phase is Phase.COMPLETED and t.state.payment == state.payment and t.actions == ()
        assert t.state.receipt is not ReceiptOffer.NONE
        if t.state.receipt is ReceiptOffer.REQUESTED:
            assert event == EVENTS["an email"] and t.state.receipt_email == "jane@example.com"
        return
    if state.phase in TERMINAL:  # a closed session never changes
        assert t.state == state and t.actions == ()
        assert kinds == ([] if isinstance(event, Tick) else [NoticeKind.ALREADY_CLOSED])
        return
    for name, count in state.field_attempts:  # starting over clears the tries, but for the account's
        if event != EVENTS["restart"] or name == Field.ACCOUNT.value:
            assert t.state.attempts_on(Field(name)) >= count
    assert t.state.payment_attempts >= state.payment_attempts
    if t.state.phase in TERMINAL:  # whatever closed it, typed card data goes with it
        assert WipeVault() in t.actions and t.state.typed_card_fields == ()
    if any(isinstance(a, Charge) for a in t.actions):  # only the payer's yes to the summary charges
        assert state.current_field is Field.CONFIRMATION and event == EVENTS["yes"]
        assert not state.payment_unconfirmed  # and never once the processor left the cap unanswered
    if not isinstance(event, PaymentOutcome):  # only the processor's answer clears its silences
        assert t.state.charges_unanswered >= state.charges_unanswered
    if state.awaiting_account:  # nothing is taken before the account is known, and only it ends the wait
        _before_the_account(state, event, t)
    if any(isinstance(a, (KeepTypedCard, Tokenize)) for a in t.actions):
        assert state.card_entry is CardEntry.TYPED
    counted = isinstance(event, PAYER_INPUTS)
    assert t.state.turns == state.turns + (1 if counted else 0)


def _before_the_account(state: SessionState, event: Event, t: typing.Any) -> None:
    if t.state.awaiting_account:
        assert (t.state.amount, t.state.name, t.state.card, t.state.payment_method_id) == (None,) * 4
        assert t.state.presets == state.presets and t.state.typed_card_fields == ()
        assert all(isinstance(a, WipeVault) for a in t.actions)
        tried = isinstance(event, AccountKeyed) or event == EVENTS["keypad timeout at the account"]
        assert t.state.attempts_on(Field.ACCOUNT) == state.attempts_on(Field.ACCOUNT) + (1 if tried else 0)
        return
    assert event == EVENTS["account found"] and t.actions == ()
    assert t.state.presets == state.presets.with_account(ACCOUNT)
    assert (t.state.name, t.state.amount, t.state.currency) == ("Jane Doe", 5000, "usd")
    assert t.state.current_field is Field.CARD_NUMBER and t.state.locale == state.locale
    assert [n.kind for n in t.notices] == [NoticeKind.ACCOUNT_FOUND]


@pytest.mark.parametrize(
    ("state_name", "event_name"), [p for p in PAIRS if STATES[p[0]].phase not in TERMINAL]
)
def test_an_idle_session_expires_whatever_comes_next(state_name: str, event_name: str) -> None:
    state = STATES[state_name]
    t = step(state, EVENTS[event_name], state.expires_at)
    assert t.state.phase is Phase.EXPIRED and WipeVault() in t.actions
    assert [n.kind for n in t.notices] == [NoticeKind.EXPIRED] and t.state.typed_card_fields == ()


def test_a_phone_session_continued_on_the_web_drops_what_was_keyed_and_takes_the_secure_form() -> None:
    keyed = session(entry=CardEntry.TYPED, name="Jane Doe", card=VISA, typed_card_fields=("expiry", "number"))
    phone = keyed.evolve(channel=Channel.VOICE, link=PaymentLink("t" * 24, NOW + 86_400))
    t = step(phone, ContinueOnWeb(), NOW)
    assert t.state.channel is Channel.WEB and t.state.card_entry is CardEntry.SECURE
    assert t.state.card is None and t.state.typed_card_fields == () and WipeVault() in t.actions
    assert t.state.expires_at == NOW + 86_400 and t.state.current_field is Field.PAYMENT_METHOD
    assert t.state.amount == phone.amount and t.state.name == phone.name
