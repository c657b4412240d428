"""The dialog engine: a pure function from (state, event, clock) to (state, actions, notices).

No I/O and no clock reads: the service executes the actions (vault, gateway) and feeds
their results back as events; replies are phrased from the notices and the new state.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from fractions import Fraction

from ..pci.cards import brand_named, check_expiry, cvv_length
from .events import (
    AccountKeyed,
    Action,
    CancelPayment,
    CardKeyed,
    CardTokenized,
    Charge,
    ChargeUnanswered,
    Event,
    GatewayRefused,
    GatewayUnavailable,
    KeepTypedCard,
    NextActionCompleted,
    Notice,
    NoticeKind,
    PaymentMethodProvided,
    PaymentMethodRejected,
    PaymentOutcome,
    RefreshPayment,
    Tick,
    TokenizationFailed,
    Tokenize,
    UserTurn,
    WipeVault,
)
from .state import (
    CardEntry,
    CardSummary,
    Channel,
    Field,
    Limits,
    Phase,
    Presets,
    ReceiptOffer,
    SessionState,
)
from .turns import ContinueOnWeb, FieldFailed
from .understanding import Intent, Question, Understood

TYPED_FIELDS_COMPLETE = frozenset({"number", "expiry", "cvv"})


@dataclass(frozen=True)
class Transition:
    state: SessionState
    actions: tuple[Action, ...] = ()
    notices: tuple[Notice, ...] = ()


def new_session(
    session_id: str,
    channel: Channel,
    presets: Presets,
    limits: Limits,
    now: float,
    *,
    awaiting_account: bool = False,
) -> SessionState:
    """A fresh session with the merchant's presets already filled in; `awaiting_account` when the
    channel does not know yet which account is paid (the account reference is asked first)."""
    return SessionState(
        session_id=session_id,
        channel=channel,
        presets=presets,
        limits=limits,
        created_at=now,
        updated_at=now,
        expires_at=now + limits.ttl_seconds,
        name=presets.customer_name,
        amount=presets.fixed_amount,  # in a partial payment the payer chooses how much
        locale=presets.locale or limits.default_locale,
        awaiting_account=awaiting_account,
    )


def step(state: SessionState, event: Event, now: float) -> Transition:
    """Apply one event. Terminal sessions never change; idle sessions expire first."""
    if state.phase in _TERMINAL_PHASES:
        if state.receipt is ReceiptOffer.OFFERED:
            return _on_receipt_offer(state, event, now)
        if isinstance(event, Tick):
            return Transition(state)
        return Transition(state, notices=(Notice(NoticeKind.ALREADY_CLOSED),))
    if now >= state.expires_at:
        return _expire(state)
    if state.awaiting_account and not _taken_before_the_account(event):
        return _account_first(state, event, now)
    match event:
        case Tick():
            return Transition(state)
        case UserTurn(understood=understood):
            return _on_user_turn(state, understood, now)
        case PaymentMethodProvided():
            return _on_payment_method(state, event, now)
        case PaymentMethodRejected(code=code, message=message):
            return _invalid(_Work(_touch(state, now)), Field.PAYMENT_METHOD, code, message).done()
        case CardTokenized(payment_method_id=pm, card=card):
            return _on_tokenized(state, pm, card)
        case TokenizationFailed(code=code, message=message):
            work = _Work(state.evolve(card=None, typed_card_fields=()))
            work.act(WipeVault())
            return _invalid(work, Field.CARD_NUMBER, code, message).done()
        case PaymentOutcome():
            return _on_payment_outcome(state, event)
        case GatewayUnavailable(message=message):
            return Transition(state, notices=(Notice(NoticeKind.GATEWAY_UNAVAILABLE, text=message),))
        case ChargeUnanswered(message=message):
            return _on_charge_unanswered(state, message)
        case GatewayRefused(code=code, message=message):
            return _on_gateway_refused(state, code, message)
        case CardKeyed():
            return _on_card_keyed(state, event, now)
        case AccountKeyed():
            return _on_account_keyed(state, event, now)
        case FieldFailed(field=on, reason=reason):
            return _on_field_failed(state, on, reason.value, now)
        case ContinueOnWeb():
            return _on_continue_on_web(state, now)
        case NextActionCompleted():
            if state.phase is Phase.REQUIRES_ACTION and state.payment is not None:
                return Transition(_touch(state, now), actions=(RefreshPayment(state.payment.id),))
            return Transition(state)
    raise TypeError(f"unknown event {type(event).__name__}")  # pragma: no cover


_TERMINAL_PHASES = frozenset({Phase.COMPLETED, Phase.FAILED, Phase.CANCELLED, Phase.EXPIRED})


@dataclass
class _Work:
    """Accumulates one transition; local to a single `step` call."""

    state: SessionState
    actions: list[Action] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    changed: bool = False

    def act(self, action: Action) -> None:
        self.actions.append(action)

    def notice(
        self, kind: NoticeKind, on: Field | None = None, code: str | None = None, text: str | None = None
    ) -> None:
        self.notices.append(Notice(kind, on, code, text))

    def done(self) -> Transition:
        return Transition(self.state, tuple(self.actions), tuple(self.notices))


def _touch(state: SessionState, now: float, **changes: object) -> SessionState:
    """The state seen at `now` (its idle timeout starts again), with `changes` in the same copy."""
    return state.evolve(updated_at=now, expires_at=now + state.limits.ttl_seconds, **changes)


def _wipe_card(state: SessionState) -> SessionState:
    return state.evolve(card=None, payment_method_id=None, typed_card_fields=())


def _expire(state: SessionState) -> Transition:
    actions: list[Action] = [WipeVault()]
    if state.phase is Phase.REQUIRES_ACTION and state.payment is not None:
        actions.append(CancelPayment(state.payment.id))
    return Transition(
        state.evolve(phase=Phase.EXPIRED, typed_card_fields=()), tuple(actions), (Notice(NoticeKind.EXPIRED),)
    )


def _cancel(state: SessionState) -> Transition:
    actions: list[Action] = [WipeVault()]
    if state.phase is Phase.REQUIRES_ACTION and state.payment is not None:
        actions.append(CancelPayment(state.payment.id))
    return Transition(
        state.evolve(phase=Phase.CANCELLED, typed_card_fields=()),
        tuple(actions),
        (Notice(NoticeKind.CANCELLED),),
    )


def _restart(state: SessionState) -> Transition:
    actions: list[Action] = [WipeVault()]
    if state.phase is Phase.REQUIRES_ACTION and state.payment is not None:
        actions.append(CancelPayment(state.payment.id))
    fresh = _wipe_card(state).evolve(
        phase=Phase.ACTIVE,
        name=state.presets.customer_name,
        amount=state.presets.fixed_amount,
        payment=None,
        # Tries at the account stay: starting over must not make room for guessing more references.
        field_attempts=tuple(kv for kv in state.field_attempts if kv[0] == Field.ACCOUNT.value),
        awaiting_change=False,
        pending_amount=None,
    )
    return Transition(fresh, tuple(actions), (Notice(NoticeKind.RESTARTED),))


def _fail(work: _Work, kind: NoticeKind, on: Field | None = None) -> _Work:
    work.state = work.state.evolve(phase=Phase.FAILED, typed_card_fields=())
    work.act(WipeVault())
    work.notice(kind, on)
    return work


def _invalid(work: _Work, on: Field, code: str, text: str | None = None) -> _Work:
    """Count an invalid attempt on `on`; the last allowed one ends the session as failed."""
    attempts = dict(work.state.field_attempts)
    attempts[on.value] = attempts.get(on.value, 0) + 1
    work.state = work.state.evolve(field_attempts=tuple(sorted(attempts.items())))
    if attempts[on.value] >= work.state.limits.max_field_attempts:
        return _fail(work, NoticeKind.TOO_MANY_ATTEMPTS, on)
    work.notice(NoticeKind.INVALID, on, code, text)
    return work


# ---------------------------------------------------------------- user turns


def _count_turn(state: SessionState, now: float) -> tuple[SessionState, Transition | None]:
    """Every input from the payer keeps the session alive and counts against `max_turns`."""
    state = _touch(state, now, turns=state.turns + 1)
    if state.turns > state.limits.max_turns:
        return state, _fail(_Work(state), NoticeKind.TOO_MANY_TURNS).done()
    return state, None


def _on_user_turn(state: SessionState, understood: Understood, now: float) -> Transition:
    state, ended = _count_turn(state, now)
    if ended is not None:
        return ended
    if understood.language and understood.language != state.locale and state.presets.locale is None:
        # A payer who writes plainly in the other language is answered in it from this turn on.
        state = state.evolve(locale=understood.language)
    if understood.has(Intent.CANCEL):
        return _cancel(state)
    if understood.has(Intent.RESTART):
        return _restart(state)
    if state.awaiting_account:  # nothing is taken before the account, whose presets decide what is asked
        return Transition(state, notices=(Notice(NoticeKind.HELP, Field.ACCOUNT),))
    if state.phase is Phase.REQUIRES_ACTION and state.payment is not None:
        return Transition(state, actions=(RefreshPayment(state.payment.id),))
    if state.payment is not None and state.payment.status == "processing":
        return Transition(state, actions=(RefreshPayment(state.payment.id),))
    expecting = state.current_field
    if state.pending_amount is not None:
        confirmed = _on_pending_amount(state, understood)
        if confirmed is not None:
            return confirmed
        state = state.evolve(pending_amount=None)
    question = understood.question
    # "The full amount" answers how much where a part may be paid, whatever else it seems to ask.
    fills = understood.fills_anything or (state.presets.partial and understood.has(Intent.PAY_IN_FULL))
    if (understood.has(Intent.HELP) or question is Question.OTHER) and not fills:
        return Transition(state, notices=(Notice(NoticeKind.HELP, expecting),))
    if question is not None and not fills:
        # Answered from the session's facts; no attempt counted, nothing collected changes.
        return Transition(state, notices=(_answer(state, understood, question, expecting),))

    work = _Work(state)
    if understood.card_typed_in_secure_form:
        work.notice(NoticeKind.USE_SECURE_FORM)
    _apply_name(work, understood, expecting)
    _apply_amount(work, understood, expecting)
    _apply_share(work, understood, expecting)
    if state.card_entry is CardEntry.TYPED:
        _apply_typed_card(work, understood, expecting, now)
    _apply_part_choice(work, understood)
    _apply_change_requests(work, understood)
    if work.state.phase is not Phase.ACTIVE:
        return work.done()
    # "Can I pay only 25?" where the merchant allows a part: the amount taken is the answer.
    stated = understood.amount is not None or understood.share is not None
    answered = question is Question.PARTIAL and state.presets.partial and stated
    if question is not None and question is not Question.OTHER and not answered:
        work.notices.append(_answer(work.state, understood, question, expecting))
    if expecting is Field.CONFIRMATION and not work.changed and not work.notices:
        _confirmation_answer(work, understood)
    elif work.changed and work.state.awaiting_change:
        work.state = work.state.evolve(awaiting_change=False)
    if not work.changed and not work.notices and not work.actions:
        kind = (
            NoticeKind.GREETING
            if understood.intents & {Intent.GREETING, Intent.PAY}
            else NoticeKind.NOT_UNDERSTOOD
        )
        work.notice(kind, expecting)
    return work.done()


def _apply_name(work: _Work, understood: Understood, expecting: Field | None) -> None:
    fact = understood.name
    if fact is None:
        return
    if fact.value is not None:
        if fact.value != work.state.name:
            work.state = work.state.evolve(name=fact.value)
            work.notice(NoticeKind.ACCEPTED, Field.NAME)
        work.changed = True
    elif fact.problem and expecting is Field.NAME and not understood.card_typed_in_secure_form:
        _invalid(work, Field.NAME, fact.problem)


def _answer(state: SessionState, understood: Understood, question: Question, on: Field | None) -> Notice:
    return Notice(NoticeKind.ANSWER, on, question.value, understood.question_detail)


def _on_pending_amount(state: SessionState, understood: Understood) -> Transition | None:
    """The bot asked "Did you mean $50.00?": a yes takes it, a no asks for the amount again."""
    pending = state.pending_amount
    if understood.has(Intent.AFFIRM) and understood.amount is None:
        assert pending is not None
        problem = _outside_allowed(state, pending)
        if problem is not None:  # the reading meant is not an amount this session can take
            work = _Work(state.evolve(pending_amount=None))
            _refuse_amount(work, problem, state.current_field)
            return work.done()
        done = state.evolve(amount=pending, pending_amount=None)
        return Transition(done, notices=(Notice(NoticeKind.ACCEPTED, Field.AMOUNT),))
    if understood.has(Intent.DENY) and understood.amount is None:
        again = state.evolve(pending_amount=None, amount=None if state.amount == pending else state.amount)
        return Transition(again, notices=(Notice(NoticeKind.AMOUNT_NOT_TAKEN, Field.AMOUNT),))
    return None


def _apply_amount(work: _Work, understood: Understood, expecting: Field | None) -> None:
    fact = understood.amount
    if fact is None or work.state.phase is not Phase.ACTIVE:
        return
    fixed = work.state.presets.fixed_amount
    if fixed is not None:
        if fact.minor != fixed or fact.problem is not None:
            work.notice(NoticeKind.AMOUNT_LOCKED)
        return
    if fact.problem == "ambiguous" and fact.minor is not None:
        # Separators that read two ways ("50,00" in English): ask back, never guess; no attempt.
        work.state = work.state.evolve(pending_amount=fact.minor)
        work.notice(NoticeKind.CONFIRM_AMOUNT, Field.AMOUNT)
        return
    if fact.minor is None:
        _refuse_amount(work, fact.problem or "unreadable", expecting, fact.currency)
        return
    problem = _outside_allowed(work.state, fact.minor)
    if problem is not None:
        _refuse_amount(work, problem, expecting)
        return
    if fact.minor != work.state.amount:
        work.state = work.state.evolve(amount=fact.minor)
        work.notice(NoticeKind.ACCEPTED, Field.AMOUNT)
    work.changed = True


def _outside_allowed(state: SessionState, minor: int) -> str | None:
    """Why an amount the payer stated cannot be charged in this session, or None when it can."""
    presets = state.presets
    if presets.partial:
        assert presets.amount is not None and presets.partial_minimum is not None
        if minor > presets.amount:
            return "over_due"
        if minor < presets.partial_minimum:
            return "under_minimum"
    if minor > state.limits.max_amount:
        return "over_max"
    return None


def _refuse_amount(work: _Work, code: str, expecting: Field | None, text: str | None = None) -> None:
    """An amount that cannot be taken: a counted try when the bot asked for it, else just said."""
    if expecting is Field.AMOUNT:
        _invalid(work, Field.AMOUNT, code, text)
    else:
        work.notice(NoticeKind.INVALID, Field.AMOUNT, code, text)


def _apply_share(work: _Work, understood: Understood, expecting: Field | None) -> None:
    """ "Half", "a third", "25%": of what is due, where the merchant allows a part (rounded to the
    nearest cent, half up, then held to minimum..due like any stated amount; the payer's yes at
    the confirmation, which names the amount, is still what pays). Without a part to pay, a
    share is said back: a fixed amount stays fixed, and an open amount has nothing to take it of."""
    share, state = understood.share, work.state
    if share is None or understood.amount is not None or state.phase is not Phase.ACTIVE:
        return
    if state.presets.fixed_amount is not None:
        if share != 1:
            work.notice(NoticeKind.AMOUNT_LOCKED)
        return
    due = state.presets.amount
    if not state.presets.partial or due is None:
        _refuse_amount(work, "share_without_due", expecting)
        return
    minor = math.floor(due * share + Fraction(1, 2))
    problem = "not_positive" if minor <= 0 else _outside_allowed(state, minor)
    if problem is not None:
        _refuse_amount(work, problem, expecting)
        return
    if minor != state.amount:
        work.state = state.evolve(amount=minor)
        work.notice(NoticeKind.ACCEPTED, Field.AMOUNT)
    work.changed = True


def _apply_part_choice(work: _Work, understood: Understood) -> None:
    """Where the merchant allows a part: "the full amount" takes what is due; "only part of it"
    asks how much (the range is in the question). A stated amount or share wins over either."""
    state = work.state
    stated = understood.amount is not None or understood.share is not None
    if not state.presets.partial or stated or state.phase is not Phase.ACTIVE:
        return
    if understood.has(Intent.PAY_IN_FULL):
        if state.amount != state.presets.amount:
            work.state = state.evolve(amount=state.presets.amount)
            work.notice(NoticeKind.ACCEPTED, Field.AMOUNT)
        work.changed = True
    elif understood.has(Intent.PAY_PART):
        work.state = state.evolve(amount=None)
        work.notice(NoticeKind.ANSWER, Field.AMOUNT, Question.PARTIAL.value)
        work.changed = True


def _apply_typed_card(work: _Work, understood: Understood, expecting: Field | None, now: float) -> None:
    number, expiry, cvv = understood.card_number, understood.expiry, understood.cvv
    if number is None and expiry is None and cvv is None:
        return
    keep: list[str] = []
    state = work.state
    brand: str | None = state.card.brand if state.card and "number" in state.typed_fields else None
    if state.payment_method_id is not None and state.card is not None:
        brand = state.card.brand
    if number is not None:
        if number.problem is not None or number.brand is None:
            _invalid(work, Field.CARD_NUMBER, number.problem or "unknown_brand")
            return
        # A new card number replaces whatever card was there, and whatever was typed for it.
        card = CardSummary(brand=number.brand, last4=number.last4)
        work.state = work.state.evolve(card=card, payment_method_id=None, typed_card_fields=())
        work.act(WipeVault())
        brand = number.brand
        keep.append("number")
        work.notice(NoticeKind.ACCEPTED, Field.CARD_NUMBER)
        work.changed = True
    has_number = "number" in keep or "number" in work.state.typed_fields
    if expiry is not None and work.state.phase is Phase.ACTIVE:
        problem = "format" if expiry.unreadable else check_expiry(expiry.month, expiry.year, now)
        if not has_number:
            work.notice(NoticeKind.NUMBER_FIRST, Field.EXPIRY)
        elif problem is not None:
            _invalid(work, Field.EXPIRY, problem)
        else:
            card = work.state.card or CardSummary(brand=brand or "unknown", last4="")
            work.state = work.state.evolve(
                card=CardSummary(card.brand, card.last4, expiry.month, expiry.year)
            )
            keep.append("expiry")
            work.notice(NoticeKind.ACCEPTED, Field.EXPIRY)
            work.changed = True
    if cvv is not None and work.state.phase is Phase.ACTIVE:
        if not has_number or brand is None:
            work.notice(NoticeKind.NUMBER_FIRST, Field.CVV)
        elif not cvv.all_digits or cvv.length != cvv_length(brand_named(brand)):
            _invalid(work, Field.CVV, "length", str(cvv_length(brand_named(brand))))
        else:
            keep.append("cvv")
            work.changed = True
    if keep and work.state.phase is Phase.ACTIVE:
        work.act(KeepTypedCard(tuple(keep)))
        fields = work.state.typed_fields | set(keep)
        work.state = work.state.evolve(typed_card_fields=tuple(sorted(fields)))
        if fields >= TYPED_FIELDS_COMPLETE:
            work.act(Tokenize())


def _on_receipt_offer(state: SessionState, event: Event, now: float) -> Transition:
    """The payer's answer to "Would you like a receipt by email?": an address (checked by code),
    a no, or something else, asked again. The payment is done: nothing here touches it, and the
    offer lapses with the session's idle time."""
    if now >= state.expires_at:
        lapsed = state.evolve(receipt=ReceiptOffer.DECLINED)
        return Transition(
            lapsed, notices=() if isinstance(event, Tick) else (Notice(NoticeKind.ALREADY_CLOSED),)
        )
    if not isinstance(event, UserTurn):
        return Transition(state)
    understood = event.understood
    email = understood.email
    if email is None and not understood.intents & {Intent.DENY, Intent.CANCEL}:
        # Nothing for the receipt: the closed session says so, and asks again; nothing is saved, so
        # a flood of repeated yeses after the payment writes nothing.
        kind = NoticeKind.HELP if understood.has(Intent.HELP) else NoticeKind.ALREADY_CLOSED
        return Transition(state, notices=(Notice(kind, Field.RECEIPT_EMAIL),))
    state = state.evolve(updated_at=now, turns=state.turns + 1)
    if understood.language and understood.language != state.locale and state.presets.locale is None:
        state = state.evolve(locale=understood.language)
    if email is not None and email.value is not None:
        taken = state.evolve(receipt=ReceiptOffer.REQUESTED, receipt_email=email.value)
        return Transition(taken, notices=(Notice(NoticeKind.RECEIPT_REQUESTED),))
    if email is not None:
        work = _Work(state)
        attempts = dict(state.field_attempts)
        attempts[Field.RECEIPT_EMAIL.value] = attempts.get(Field.RECEIPT_EMAIL.value, 0) + 1
        work.state = state.evolve(field_attempts=tuple(sorted(attempts.items())))
        if attempts[Field.RECEIPT_EMAIL.value] >= state.limits.max_field_attempts:
            work.state = work.state.evolve(receipt=ReceiptOffer.DECLINED)
            work.notice(NoticeKind.RECEIPT_GIVEN_UP)
        else:
            work.notice(NoticeKind.INVALID, Field.RECEIPT_EMAIL, email.problem)
        return work.done()
    declined = state.evolve(receipt=ReceiptOffer.DECLINED)
    return Transition(declined, notices=(Notice(NoticeKind.RECEIPT_DECLINED),))


def _on_continue_on_web(state: SessionState, now: float) -> Transition:
    """A phone caller moves to the web with the session's payment link: from here it is a web session
    (its card goes through the secure form and is not charged as MOTO), anything keyed for a card is
    dropped, and it waits for the payer until the link expires, as a link the merchant sent would."""
    state, ended = _count_turn(state, now)
    if ended is not None:
        return ended
    if state.phase is not Phase.ACTIVE or state.link is None:
        return Transition(state, notices=(Notice(NoticeKind.PAYMENT_NEEDS_AUTHENTICATION),))
    web = _wipe_card(state).evolve(
        channel=Channel.WEB,
        presets=replace(state.presets, card_entry=CardEntry.SECURE),
        expires_at=max(state.expires_at, state.link.expires_at),
        awaiting_change=False,
    )
    return Transition(web, (WipeVault(),), (Notice(NoticeKind.CONTINUED_ON_WEB),))


def _taken_before_the_account(event: Event) -> bool:
    """What a session awaiting its account takes: the account, a failed try at it, words (to cancel,
    or to ask), and time."""
    if isinstance(event, FieldFailed):
        return event.field is Field.ACCOUNT
    return isinstance(event, (AccountKeyed, UserTurn, Tick))


def _account_first(state: SessionState, event: Event, now: float) -> Transition:
    """Anything else before the account is known is refused, unread: the account's presets decide what
    the session collects. The payer's input still counts as a turn."""
    if isinstance(event, (CardKeyed, FieldFailed, ContinueOnWeb)):
        state, ended = _count_turn(state, now)
        if ended is not None:
            return ended
    return Transition(state, notices=(Notice(NoticeKind.ACCOUNT_FIRST, Field.ACCOUNT),))


def _on_account_keyed(state: SessionState, keyed: AccountKeyed, now: float) -> Transition:
    """An account reference, as looked up by the service: not found (or a card number keyed there) is
    a failed try like any field's; found, the account's presets fill the session, which goes on as if
    it had been created with them."""
    state, ended = _count_turn(state, now)
    if ended is not None:
        return ended
    if not state.awaiting_account:  # already known: nothing changes
        return Transition(state, notices=(Notice(NoticeKind.NOT_UNDERSTOOD, state.current_field),))
    if keyed.account is None:
        return _invalid(_Work(state), Field.ACCOUNT, keyed.problem or "not_found").done()
    presets = state.presets.with_account(keyed.account)
    found = state.evolve(
        presets=presets, awaiting_account=False, name=presets.customer_name, amount=presets.fixed_amount
    )
    return Transition(found, notices=(Notice(NoticeKind.ACCOUNT_FOUND),))


def _on_field_failed(state: SessionState, on: Field, reason: str, now: float) -> Transition:
    """A try the channel saw fail (nothing keyed, a key that is no choice): counted like any other."""
    state, ended = _count_turn(state, now)
    if ended is not None:
        return ended
    if state.phase is not Phase.ACTIVE:
        return Transition(state, notices=(Notice(NoticeKind.PAYMENT_NEEDS_AUTHENTICATION),))
    return _invalid(_Work(state), on, reason).done()


def _on_card_keyed(state: SessionState, keyed: CardKeyed, now: float) -> Transition:
    """Keyed card fields, checked in the order they are asked for; the first problem is counted as
    a failed try on its field and nothing is kept. A complete card is kept and tokenized at once."""
    state, ended = _count_turn(state, now)
    if ended is not None:
        return ended
    work = _Work(state)
    if state.phase is not Phase.ACTIVE:
        work.notice(NoticeKind.PAYMENT_NEEDS_AUTHENTICATION)
        return work.done()
    if state.card_entry is not CardEntry.TYPED:
        work.notice(NoticeKind.USE_SECURE_FORM)
        return work.done()
    number, expiry, cvv = keyed.number, keyed.expiry, keyed.cvv
    if number is not None and (number.problem is not None or number.brand is None):
        return _invalid(work, Field.CARD_NUMBER, number.problem or "unknown_brand").done()
    if expiry is not None:
        problem = "format" if expiry.unreadable else check_expiry(expiry.month, expiry.year, now)
        if problem is not None:
            return _invalid(work, Field.EXPIRY, problem).done()
    brand = number.brand if number is not None else (state.card.brand if state.card else None)
    if cvv is not None:
        if brand is None:
            work.notice(NoticeKind.NUMBER_FIRST, Field.CVV)
            return work.done()
        expected = cvv_length(brand_named(brand))
        if not cvv.all_digits or cvv.length != expected:
            return _invalid(work, Field.CVV, "length", str(expected)).done()
    card = state.card if state.payment_method_id is None else None
    if number is not None:
        card = CardSummary(brand=number.brand or "unknown", last4=number.last4)
        work.state = _wipe_card(work.state)  # a new number is a new card
        work.act(WipeVault())
        work.notice(NoticeKind.ACCEPTED, Field.CARD_NUMBER)
    if expiry is not None:
        base = card or CardSummary(brand=brand or "unknown", last4="")
        card = CardSummary(base.brand, base.last4, expiry.month, expiry.year)
        work.notice(NoticeKind.ACCEPTED, Field.EXPIRY)
    work.state = work.state.evolve(card=card, awaiting_change=False)
    if keyed.complete:
        work.state = work.state.evolve(typed_card_fields=tuple(sorted(TYPED_FIELDS_COMPLETE)))
        work.act(KeepTypedCard(tuple(sorted(TYPED_FIELDS_COMPLETE))))
        work.act(Tokenize())
    return work.done()


def _apply_change_requests(work: _Work, understood: Understood) -> None:
    if work.state.phase is not Phase.ACTIVE or _CHANGE_REQUESTS.isdisjoint(understood.intents):
        return
    state = work.state
    has_card = state.card is not None or state.payment_method_id is not None or bool(state.typed_card_fields)
    if understood.has(Intent.CHANGE_CARD) and understood.card_number is None and has_card:
        work.state = _wipe_card(state)
        work.act(WipeVault())
        work.notice(NoticeKind.CARD_CLEARED)
        work.changed = True
    if understood.has(Intent.CHANGE_NAME) and understood.name is None and state.name is not None:
        work.state = work.state.evolve(name=None)
        work.changed = True
    if understood.has(Intent.CHANGE_AMOUNT) and understood.amount is None:
        if state.presets.fixed_amount is not None:
            work.notice(NoticeKind.AMOUNT_LOCKED)
        elif state.amount is not None:
            work.state = work.state.evolve(amount=None)
            work.changed = True


_CHANGE_REQUESTS = frozenset({Intent.CHANGE_CARD, Intent.CHANGE_NAME, Intent.CHANGE_AMOUNT})


def _confirmation_answer(work: _Work, understood: Understood) -> None:
    state = work.state
    if understood.has(Intent.AFFIRM) and state.awaiting_change:
        # A yes to "what would you like to change?" keeps everything as it is; it is not the yes to
        # pay, which only the confirmation question asks for, so that question comes again.
        work.state = state.evolve(awaiting_change=False)
        work.notice(NoticeKind.NOTHING_TO_CHANGE)
    elif understood.has(Intent.AFFIRM) and state.payment_unconfirmed:
        work.notice(NoticeKind.PAYMENT_UNCONFIRMED)  # no charge is sent again: someone must check first
    elif understood.has(Intent.AFFIRM):
        assert state.amount is not None and state.payment_method_id is not None
        key = f"{state.session_id}:payment:{state.payment_attempts + 1}"
        work.act(Charge(key, state.amount, state.currency, state.payment_method_id))
    elif understood.has(Intent.DENY):
        work.state = state.evolve(awaiting_change=True)
        work.notice(NoticeKind.ASK_WHAT_TO_CHANGE)
    else:
        work.notice(NoticeKind.NEED_YES_OR_NO)


# ---------------------------------------------------------------- gateway results


def _on_payment_method(state: SessionState, event: PaymentMethodProvided, now: float) -> Transition:
    work = _Work(_touch(state, now))
    if state.phase is Phase.REQUIRES_ACTION:
        work.notice(NoticeKind.PAYMENT_NEEDS_AUTHENTICATION)
        return work.done()
    card = event.card
    if card.brand not in state.limits.accepted_brands:
        return _invalid(work, Field.PAYMENT_METHOD, "brand_not_accepted").done()
    if card.exp_month is not None and check_expiry(card.exp_month, card.exp_year, now) is not None:
        return _invalid(work, Field.PAYMENT_METHOD, "expired_card").done()
    work.state = work.state.evolve(
        payment_method_id=event.payment_method_id, card=card, typed_card_fields=(), awaiting_change=False
    )
    work.act(WipeVault())
    work.notice(NoticeKind.ACCEPTED, Field.PAYMENT_METHOD)
    return work.done()


def _on_tokenized(state: SessionState, payment_method_id: str, card: CardSummary) -> Transition:
    known = state.card
    summary = CardSummary(
        brand=card.brand or (known.brand if known else "unknown"),
        last4=card.last4 or (known.last4 if known else ""),
        exp_month=card.exp_month or (known.exp_month if known else None),
        exp_year=card.exp_year or (known.exp_year if known else None),
    )
    new_state = state.evolve(payment_method_id=payment_method_id, card=summary, typed_card_fields=())
    return Transition(new_state, (WipeVault(),))


def _on_charge_unanswered(state: SessionState, message: str) -> Transition:
    """A charge the processor did not answer: counted, and after the allowed number none is sent again
    (whether one went through is for someone to check: the session stays open for its outcome)."""
    state = state.evolve(charges_unanswered=state.charges_unanswered + 1)
    if state.payment_unconfirmed:
        return Transition(state, notices=(Notice(NoticeKind.PAYMENT_UNCONFIRMED),))
    return Transition(state, notices=(Notice(NoticeKind.GATEWAY_UNAVAILABLE, text=message),))


def _on_gateway_refused(state: SessionState, code: str, message: str) -> Transition:
    """A refusal no retry can change ends the session: every later "yes" would get the same answer
    (and, on the phone, each press would be one more request to the processor)."""
    work = _Work(_wipe_card(state).evolve(phase=Phase.FAILED))
    work.act(WipeVault())
    work.notice(NoticeKind.PAYMENT_NOT_POSSIBLE, code=code, text=message)
    return work.done()


def _on_payment_outcome(state: SessionState, event: PaymentOutcome) -> Transition:
    record = event.record
    attempts = state.payment_attempts + (1 if event.new_attempt else 0)
    work = _Work(state.evolve(payment=record, payment_attempts=attempts, charges_unanswered=0))
    if record.status == "succeeded":
        work.state = work.state.evolve(phase=Phase.COMPLETED, typed_card_fields=())
        work.act(WipeVault())
        work.notice(NoticeKind.PAYMENT_SUCCEEDED)
        # No address for the receipt: ask for one on the web (a keypad cannot type it).
        if state.presets.receipt_email is None and state.channel is Channel.WEB:
            work.state = work.state.evolve(receipt=ReceiptOffer.OFFERED)
            work.notice(NoticeKind.RECEIPT_OFFERED)
    elif record.status == "requires_action":
        work.state = work.state.evolve(phase=Phase.REQUIRES_ACTION)
        work.notice(NoticeKind.PAYMENT_NEEDS_AUTHENTICATION)
    elif record.status == "processing":
        work.state = work.state.evolve(phase=Phase.ACTIVE)
        work.notice(NoticeKind.PAYMENT_PROCESSING)
    else:
        work.state = _wipe_card(work.state).evolve(phase=Phase.ACTIVE)
        work.act(WipeVault())
        if attempts >= state.limits.max_payment_attempts:
            return _fail(work, NoticeKind.TOO_MANY_PAYMENT_ATTEMPTS).done()
        work.notice(NoticeKind.PAYMENT_FAILED, code=record.failure_code, text=record.failure_message)
    return work.done()
