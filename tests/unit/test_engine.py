"""The dialog engine as a pure function: (state, event, now) -> (state, actions, notices)."""

from __future__ import annotations

import pytest

from paybot_core.conversation.engine import check_expiry, new_session, step
from paybot_core.conversation.events import (
    AccountKeyed,
    CancelPayment,
    CardKeyed,
    CardTokenized,
    Charge,
    ChargeUnanswered,
    GatewayRefused,
    GatewayUnavailable,
    KeepTypedCard,
    NextActionCompleted,
    NoticeKind,
    PaymentMethodProvided,
    PaymentOutcome,
    RefreshPayment,
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
    PaymentRecord,
    Phase,
    Presets,
    SessionState,
    Status,
)
from paybot_core.conversation.turns import FailureReason, FieldFailed
from paybot_core.conversation.understanding import (
    AmountFact,
    CardNumberFact,
    CvvFact,
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
    return state.evolve(**changes) if changes else state


def say(**facts: object) -> UserTurn:
    intents = facts.pop("intents", frozenset())
    return UserTurn(Understood(intents=frozenset(intents), **facts))  # type: ignore[arg-type]


def confirming(**changes: object) -> SessionState:
    return session(name="Jane Doe", payment_method_id="pm_x", card=VISA, **changes)


def kinds(transition) -> list[NoticeKind]:
    return [n.kind for n in transition.notices]


def test_fields_are_asked_in_order_skipping_presets() -> None:
    assert session(amount=None).current_field is Field.NAME
    assert session(amount=None, name="Jane").current_field is Field.AMOUNT
    assert session(name="Jane").current_field is Field.PAYMENT_METHOD
    assert session(name="Jane").status is Status.AWAITING_PAYMENT_METHOD
    typed = session(entry=CardEntry.TYPED, name="Jane")
    assert typed.current_field is Field.CARD_NUMBER
    assert typed.evolve(typed_card_fields=("number",)).current_field is Field.EXPIRY
    assert typed.evolve(typed_card_fields=("expiry", "number")).current_field is Field.CVV
    assert confirming().current_field is Field.CONFIRMATION and confirming().status is Status.CONFIRMING


def test_one_message_fills_several_fields() -> None:
    t = step(session(amount=None), say(name=NameFact("Jane Doe"), amount=AmountFact(5000)), NOW)
    assert (t.state.name, t.state.amount) == ("Jane Doe", 5000)
    assert t.state.current_field is Field.PAYMENT_METHOD


def test_typed_card_in_one_message_seals_then_tokenizes() -> None:
    turn = say(
        name=NameFact("Jane Doe"),
        card_number=CardNumberFact("visa", "4242", None),
        expiry=ExpiryFact(12, 2027),
        cvv=CvvFact(3),
    )
    t = step(session(entry=CardEntry.TYPED), turn, NOW)
    assert KeepTypedCard(("number", "expiry", "cvv")) in t.actions
    assert t.actions[-1] == Tokenize()
    after = step(t.state, CardTokenized("pm_tok", CardSummary("visa", "4242")), NOW)
    assert after.state.payment_method_id == "pm_tok"
    assert after.state.typed_card_fields == ()
    assert after.state.card == CardSummary("visa", "4242", 12, 2027)
    assert WipeVault() in after.actions
    assert after.state.status is Status.CONFIRMING


def test_cvv_length_follows_the_brand() -> None:
    amex = session(
        entry=CardEntry.TYPED,
        name="J D",
        card=CardSummary("amex", "0005", 12, 2029),
        typed_card_fields=("expiry", "number"),
    )
    wrong = step(amex, say(cvv=CvvFact(3)), NOW)
    assert wrong.state.attempts_on(Field.CVV) == 1 and kinds(wrong) == [NoticeKind.INVALID]
    right = step(amex, say(cvv=CvvFact(4)), NOW)
    assert Tokenize() in right.actions


@pytest.mark.parametrize(
    ("month", "year", "problem"),
    [
        (12, 2026, None),
        (6, 2026, None),
        (5, 2026, "expired"),
        (13, 2027, "bad_month"),
        (0, 2027, "bad_month"),
        (1, 2046, None),
        (1, 2047, "too_far"),
        (None, 2027, "format"),
    ],
)
def test_expiry_rule(month: int | None, year: int | None, problem: str | None) -> None:
    assert check_expiry(month, year, NOW) == problem


def test_three_invalid_attempts_fail_the_session_with_a_fallback() -> None:
    state = session(entry=CardEntry.TYPED, name="Jane")
    bad = say(card_number=CardNumberFact(None, "1234", "too_short"))
    for expected in (1, 2):
        t = step(state, bad, NOW)
        state = t.state
        assert state.attempts_on(Field.CARD_NUMBER) == expected and state.phase is Phase.ACTIVE
    t = step(state, bad, NOW)
    assert t.state.status is Status.FAILED
    assert kinds(t) == [NoticeKind.TOO_MANY_ATTEMPTS]


def test_help_counts_no_attempt() -> None:
    state = session(entry=CardEntry.TYPED, name="Jane")
    t = step(state, say(intents={Intent.HELP}), NOW)
    assert kinds(t) == [NoticeKind.HELP] and t.notices[0].field is Field.CARD_NUMBER
    assert t.state.field_attempts == ()


@pytest.mark.parametrize("phase_state", ["collecting", "confirming", "requires_action"])
def test_cancel_ends_any_live_session_and_wipes_the_vault(phase_state: str) -> None:
    payment = PaymentRecord("pi_1", "requires_action", 5000, "usd", client_secret="pi_1_secret_x")
    state = {
        "collecting": session(),
        "confirming": confirming(),
        "requires_action": confirming(phase=Phase.REQUIRES_ACTION, payment=payment),
    }[phase_state]
    t = step(state, say(intents={Intent.CANCEL}), NOW)
    assert t.state.status is Status.CANCELLED and t.state.current_field is None
    assert WipeVault() in t.actions
    assert (CancelPayment("pi_1") in t.actions) is (phase_state == "requires_action")


@pytest.mark.parametrize("status_phase", [Phase.COMPLETED, Phase.CANCELLED, Phase.FAILED, Phase.EXPIRED])
def test_a_terminal_session_never_changes_or_charges(status_phase: Phase) -> None:
    state = confirming(phase=status_phase)
    for event in (say(intents={Intent.AFFIRM}), say(intents={Intent.RESTART}), say(name=NameFact("Bob Ray"))):
        t = step(state, event, NOW)
        assert t.state == state and t.actions == ()
        assert kinds(t) == [NoticeKind.ALREADY_CLOSED]


def test_only_an_explicit_yes_charges_with_a_stable_key() -> None:
    state = confirming()
    assert not any(isinstance(a, Charge) for a in step(state, say(), NOW).actions)
    t = step(state, say(intents={Intent.AFFIRM}), NOW)
    assert t.actions == (Charge("ses_test:payment:1", 5000, "usd", "pm_x"),)
    again = step(state, say(intents={Intent.AFFIRM}), NOW + 1)
    assert again.actions == t.actions  # the same key whenever the same confirmation is retried


def test_no_at_confirmation_asks_what_to_change() -> None:
    t = step(confirming(), say(intents={Intent.DENY}), NOW)
    assert kinds(t) == [NoticeKind.ASK_WHAT_TO_CHANGE] and t.state.awaiting_change
    changed = step(t.state, say(intents={Intent.CHANGE_CARD}), NOW)
    assert changed.state.current_field is Field.PAYMENT_METHOD and changed.state.card is None


def test_a_yes_to_what_to_change_is_not_the_yes_to_pay() -> None:
    # "no wait", then "yes" to "What would you like to change?": nothing is charged; the
    # confirmation question comes again, and only a yes to it pays.
    asked = step(confirming(), say(intents={Intent.DENY}), NOW).state
    t = step(asked, say(intents={Intent.AFFIRM}), NOW)
    assert kinds(t) == [NoticeKind.NOTHING_TO_CHANGE] and not t.actions
    assert not t.state.awaiting_change and t.state.current_field is Field.CONFIRMATION
    paid = step(t.state, say(intents={Intent.AFFIRM}), NOW)
    assert [type(a).__name__ for a in paid.actions] == ["Charge"]


def test_corrections_before_payment() -> None:
    t = step(confirming(), say(name=NameFact("Jane Smith")), NOW)
    assert t.state.name == "Jane Smith" and t.state.status is Status.CONFIRMING
    free = confirming().evolve(presets=Presets(amount=None), amount=5000)
    t = step(free, say(amount=AmountFact(6000)), NOW)
    assert t.state.amount == 6000 and t.state.status is Status.CONFIRMING


def test_a_preset_amount_cannot_be_changed() -> None:
    t = step(confirming(), say(amount=AmountFact(100)), NOW)
    assert t.state.amount == 5000 and kinds(t) == [NoticeKind.AMOUNT_LOCKED]
    t = step(confirming(), say(intents={Intent.CHANGE_AMOUNT}), NOW)
    assert t.state.amount == 5000 and kinds(t) == [NoticeKind.AMOUNT_LOCKED]


def test_amount_over_the_maximum_is_refused() -> None:
    state = session(amount=None, name="Jane").evolve(limits=Limits(max_amount=10_000))
    t = step(state, say(amount=AmountFact(10_001)), NOW)
    assert t.state.amount is None and t.state.attempts_on(Field.AMOUNT) == 1


def test_restart_keeps_presets_and_payment_attempt_count() -> None:
    state = confirming(payment_attempts=1, field_attempts=(("name", 2),))
    t = step(state, say(intents={Intent.RESTART}), NOW)
    assert t.state.amount == 5000 and t.state.name is None and t.state.card is None
    assert t.state.payment_attempts == 1 and t.state.field_attempts == ()


def test_decline_returns_to_card_entry_until_attempts_run_out() -> None:
    declined = PaymentRecord("pi_1", "failed", 5000, "usd", failure_code="card_declined")
    t = step(confirming(), PaymentOutcome(declined, new_attempt=True), NOW)
    assert t.state.status is Status.AWAITING_PAYMENT_METHOD and t.state.payment_attempts == 1
    assert t.state.card is None and t.state.payment == declined
    last = step(confirming(payment_attempts=2), PaymentOutcome(declined, new_attempt=True), NOW)
    assert last.state.status is Status.FAILED


def test_three_d_secure_waits_then_reads_the_outcome_from_the_gateway() -> None:
    pending = PaymentRecord("pi_1", "requires_action", 5000, "usd", client_secret="pi_1_secret_x")
    t = step(confirming(), PaymentOutcome(pending, new_attempt=True), NOW)
    assert t.state.status is Status.REQUIRES_ACTION and t.state.current_field is None
    asked = step(t.state, NextActionCompleted(), NOW)
    assert asked.actions == (RefreshPayment("pi_1"),)
    paid = PaymentRecord("pi_1", "succeeded", 5000, "usd")
    done = step(asked.state, PaymentOutcome(paid, new_attempt=False), NOW)
    assert done.state.status is Status.COMPLETED and done.state.payment_attempts == 1


def test_gateway_outage_keeps_the_confirmation_open() -> None:
    t = step(confirming(), GatewayUnavailable("timeout"), NOW)
    assert t.state.status is Status.CONFIRMING and kinds(t) == [NoticeKind.GATEWAY_UNAVAILABLE]


@pytest.mark.parametrize(
    "state",
    [
        confirming(),  # the charge was refused
        session(
            entry=CardEntry.TYPED,
            name="Jane",
            card=CardSummary("visa", "4242", 12, 2030),
            typed_card_fields=("cvv", "expiry", "number"),
        ),  # tokenizing was refused
    ],
)
def test_a_refusal_no_retry_can_change_ends_the_session_instead_of_asking_again(state: SessionState) -> None:
    t = step(state, GatewayRefused("moto_not_enabled", "Stripe says no."), NOW)
    assert t.state.status is Status.FAILED and WipeVault() in t.actions
    assert t.state.payment_method_id is None and t.state.card is None and t.state.typed_card_fields == ()
    assert kinds(t) == [NoticeKind.PAYMENT_NOT_POSSIBLE]
    again = step(t.state, say(intents={Intent.AFFIRM}), NOW + 1)  # a later "yes" charges nothing
    assert again.actions == () and kinds(again) == [NoticeKind.ALREADY_CLOSED]


def test_idle_sessions_expire_and_wipe() -> None:
    state = session(entry=CardEntry.TYPED, name="Jane", typed_card_fields=("number",))
    later = NOW + Limits().ttl_seconds + 1
    t = step(state, Tick(), later)
    assert t.state.status is Status.EXPIRED and t.state.typed_card_fields == () and WipeVault() in t.actions
    assert step(state, Tick(), NOW + 10).state == state


def test_every_turn_extends_the_idle_timer() -> None:
    t = step(session(), say(), NOW + 600)
    assert t.state.expires_at == NOW + 600 + Limits().ttl_seconds


def test_turn_cap_ends_runaway_sessions() -> None:
    t = step(session(turns=Limits().max_turns), say(), NOW)
    assert t.state.status is Status.FAILED and kinds(t) == [NoticeKind.TOO_MANY_TURNS]


def test_payment_method_of_a_refused_brand_counts_an_attempt() -> None:
    jcb = PaymentMethodProvided("pm_j", CardSummary("jcb", "0505", 12, 2030))
    t = step(session(name="Jane"), jcb, NOW)
    assert t.state.payment_method_id is None and t.state.attempts_on(Field.PAYMENT_METHOD) == 1


def test_tokenization_failure_restarts_card_entry() -> None:
    state = session(entry=CardEntry.TYPED, name="Jane", typed_card_fields=("cvv", "expiry", "number"))
    t = step(state, TokenizationFailed("incorrect_number", "Your card number is incorrect."), NOW)
    assert t.state.current_field is Field.CARD_NUMBER and WipeVault() in t.actions


def test_secure_form_session_points_typed_numbers_to_the_form() -> None:
    t = step(session(name="Jane"), say(card_typed_in_secure_form=True), NOW)
    assert kinds(t) == [NoticeKind.USE_SECURE_FORM] and t.state.card is None


@pytest.mark.parametrize("reason", list(FailureReason))
@pytest.mark.parametrize("on", [Field.CARD_NUMBER, Field.EXPIRY, Field.CVV, Field.CONFIRMATION])
def test_a_try_that_failed_on_the_keypad_is_counted_and_the_last_one_fails_the_session(
    on: Field, reason: FailureReason
) -> None:
    state = session(entry=CardEntry.TYPED, name="Jane")
    for tries_left in (2, 1):
        t = step(state, FieldFailed(on, reason), NOW)
        assert kinds(t) == [NoticeKind.INVALID] and t.notices[0].code == reason.value
        assert t.state.attempts_on(on) == 3 - tries_left and t.state.phase is Phase.ACTIVE
        state = t.state
    t = step(state, FieldFailed(on, reason), NOW)
    assert t.state.status is Status.FAILED and WipeVault() in t.actions
    assert kinds(t) == [NoticeKind.TOO_MANY_ATTEMPTS] and t.notices[0].field is on


def keyed(
    number: CardNumberFact | None = None,
    expiry: ExpiryFact | None = None,
    cvv: CvvFact | None = None,
) -> CardKeyed:
    return CardKeyed(number, expiry, cvv, complete=None not in (number, expiry, cvv))


GOOD_NUMBER = CardNumberFact("visa", "4242", None)
GOOD_EXPIRY = ExpiryFact(12, 2030)


def test_a_complete_keyed_card_is_kept_and_tokenized_in_the_same_step() -> None:
    state = session(entry=CardEntry.TYPED, name="Jane")
    t = step(state, keyed(GOOD_NUMBER, GOOD_EXPIRY, CvvFact(3)), NOW)
    assert t.actions == (WipeVault(), KeepTypedCard(("cvv", "expiry", "number")), Tokenize())
    assert t.state.card == VISA and t.state.typed_fields == {"number", "expiry", "cvv"}
    assert kinds(t) == [NoticeKind.ACCEPTED, NoticeKind.ACCEPTED]


@pytest.mark.parametrize(
    ("card", "on", "code"),
    [
        (keyed(CardNumberFact("visa", "4241", "checksum")), Field.CARD_NUMBER, "checksum"),
        (keyed(CardNumberFact(None, "1234", None)), Field.CARD_NUMBER, "unknown_brand"),
        (keyed(expiry=ExpiryFact(1, 2024)), Field.EXPIRY, "expired"),
        (keyed(expiry=ExpiryFact(None, None, unreadable=True)), Field.EXPIRY, "format"),
        (keyed(GOOD_NUMBER, GOOD_EXPIRY, CvvFact(2)), Field.CVV, "length"),
        (keyed(GOOD_NUMBER, GOOD_EXPIRY, CvvFact(3, all_digits=False)), Field.CVV, "length"),
    ],
)
def test_a_keyed_field_with_a_problem_counts_a_try_and_keeps_nothing(
    card: CardKeyed, on: Field, code: str
) -> None:
    state = session(entry=CardEntry.TYPED, name="Jane")
    t = step(state, card, NOW)
    assert kinds(t) == [NoticeKind.INVALID] and (t.notices[0].field, t.notices[0].code) == (on, code)
    assert t.state.attempts_on(on) == 1
    assert not any(isinstance(a, (KeepTypedCard, Tokenize)) for a in t.actions)
    assert t.state.typed_card_fields == ()


def test_a_partial_keyed_card_is_checked_and_not_kept() -> None:
    state = session(entry=CardEntry.TYPED, name="Jane")
    t = step(state, keyed(GOOD_NUMBER), NOW)
    assert t.state.card == CardSummary("visa", "4242") and t.state.typed_card_fields == ()
    assert not any(isinstance(a, (KeepTypedCard, Tokenize)) for a in t.actions)
    t = step(t.state, keyed(expiry=GOOD_EXPIRY), NOW)
    assert t.state.card == VISA and t.actions == () and t.state.current_field is Field.CARD_NUMBER


def test_a_keyed_card_in_a_secure_form_session_is_refused() -> None:
    t = step(session(name="Jane"), keyed(GOOD_NUMBER, GOOD_EXPIRY, CvvFact(3)), NOW)
    assert kinds(t) == [NoticeKind.USE_SECURE_FORM] and t.actions == () and t.state.card is None


def test_a_keyed_security_code_needs_the_number_first() -> None:
    t = step(session(entry=CardEntry.TYPED, name="Jane"), keyed(cvv=CvvFact(3)), NOW)
    assert kinds(t) == [NoticeKind.NUMBER_FIRST] and t.actions == ()


def test_evolve_is_the_same_as_dataclasses_replace() -> None:
    import dataclasses

    state = confirming(turns=3, field_attempts=(("expiry", 1),))
    changes = {"name": "Ann Lee", "turns": 4, "payment_attempts": 1, "phase": Phase.COMPLETED}
    evolved = state.evolve(**changes)
    assert evolved == dataclasses.replace(state, **changes)
    assert state.name == "Jane Doe" and state.turns == 3  # the original is untouched
    assert not hasattr(SessionState, "__post_init__")  # evolve skips __init__: see its docstring
    with pytest.raises(dataclasses.FrozenInstanceError):
        evolved.name = "x"  # type: ignore[misc]


def test_evolve_refuses_a_field_that_does_not_exist() -> None:
    with pytest.raises(TypeError, match="no field nmae"):
        session().evolve(nmae="Jane")


# ---------------------------------------------------------------- the account, asked by the engine

ACCOUNT = AccountDue("INV-7", "Ann Lee", 12_550, "eur")


def awaiting_account() -> SessionState:
    presets = Presets(card_entry=CardEntry.TYPED, locale="es", description="Payment by phone")
    return new_session("ses_call", Channel.VOICE, presets, Limits(), NOW, awaiting_account=True)


def test_a_session_awaiting_its_account_asks_for_it_first_and_takes_nothing_else() -> None:
    state = awaiting_account()
    assert state.current_field is Field.ACCOUNT and state.status is Status.COLLECTING
    keyed = step(state, CardKeyed(CardNumberFact("visa", "4242", None), None, None, complete=False), NOW)
    assert kinds(keyed) == [NoticeKind.ACCOUNT_FIRST] and keyed.actions == ()
    assert keyed.state.card is None and keyed.state.attempts_on(Field.ACCOUNT) == 0
    typed = step(state, say(name=NameFact("Bo Li"), amount=AmountFact(100)), NOW)
    assert (typed.state.name, typed.state.amount) == (None, None) and kinds(typed) == [NoticeKind.HELP]


def test_wrong_account_twice_then_right_fills_the_presets_and_moves_on_to_the_card() -> None:
    state = awaiting_account()
    for problem, tries in (("not_found", 1), ("card_number", 2)):
        t = step(state, AccountKeyed(None, problem), NOW)
        state = t.state
        assert [(n.kind, n.field, n.code) for n in t.notices] == [
            (NoticeKind.INVALID, Field.ACCOUNT, problem)
        ]
        assert state.attempts_on(Field.ACCOUNT) == tries and state.current_field is Field.ACCOUNT
    t = step(state, AccountKeyed(ACCOUNT), NOW)
    assert kinds(t) == [NoticeKind.ACCOUNT_FOUND] and t.actions == ()
    found = t.state
    assert (found.presets.amount, found.currency, found.presets.reference) == (12_550, "eur", "INV-7")
    assert (found.name, found.amount, found.locale) == ("Ann Lee", 12_550, "es")
    assert found.presets.description == "Payment by phone" and found.current_field is Field.CARD_NUMBER
    # Once known, another reference changes nothing.
    again = step(found, AccountKeyed(AccountDue("X-1", "Bo", 1, "usd")), NOW)
    assert again.state.presets == found.presets and kinds(again) == [NoticeKind.NOT_UNDERSTOOD]


def test_the_last_wrong_account_try_closes_the_session_like_any_field() -> None:
    state = awaiting_account()
    for _ in range(state.limits.max_field_attempts - 1):
        state = step(state, FieldFailed(Field.ACCOUNT, FailureReason.TIMEOUT), NOW).state
    t = step(state, AccountKeyed(None, "not_found"), NOW)
    assert t.state.status is Status.FAILED and WipeVault() in t.actions
    assert [(n.kind, n.field) for n in t.notices] == [(NoticeKind.TOO_MANY_ATTEMPTS, Field.ACCOUNT)]


def test_starting_over_keeps_the_tries_at_the_account() -> None:
    state = step(awaiting_account(), AccountKeyed(None, "not_found"), NOW).state
    restarted = step(state, say(intents={Intent.RESTART}), NOW).state
    assert restarted.attempts_on(Field.ACCOUNT) == 1 and restarted.current_field is Field.ACCOUNT


# ---------------------------------------------------------------- charges the processor leaves unanswered


def test_unanswered_charges_resend_the_same_key_up_to_the_cap_then_stop() -> None:
    state, keys = confirming(), []
    for press in range(1, state.limits.max_payment_attempts + 1):
        t = step(state, say(intents={Intent.AFFIRM}), NOW)
        keys += [a.idempotency_key for a in t.actions if isinstance(a, Charge)]
        t = step(t.state, ChargeUnanswered("The payment processor did not answer in time."), NOW)
        state = t.state
        expected = NoticeKind.PAYMENT_UNCONFIRMED if press == 3 else NoticeKind.GATEWAY_UNAVAILABLE
        assert kinds(t) == [expected] and state.charges_unanswered == press
    assert keys == ["ses_test:payment:1"] * 3, "never a new key: a lost answer may have charged"
    assert state.payment_unconfirmed and state.status is Status.CONFIRMING  # open for its outcome
    stopped = step(state, say(intents={Intent.AFFIRM}), NOW)
    assert stopped.actions == () and kinds(stopped) == [NoticeKind.PAYMENT_UNCONFIRMED]
    # The outcome, when it comes (a webhook), is taken as always.
    paid = step(state, PaymentOutcome(PaymentRecord("pi_1", "succeeded", 5000, "usd"), new_attempt=True), NOW)
    assert paid.state.status is Status.COMPLETED and paid.state.charges_unanswered == 0


def test_an_answer_from_the_processor_clears_its_silences() -> None:
    state = step(confirming(), ChargeUnanswered("timeout"), NOW).state
    declined = PaymentRecord("pi_1", "failed", 5000, "usd", failure_code="card_declined")
    assert step(state, PaymentOutcome(declined, new_attempt=True), NOW).state.charges_unanswered == 0
