"""The services: typed turns in, replies out, and the payment steps the engine asks for.

Every entry point (`handle`, `get`, `reconcile_payment`) runs the one transaction, `_transact`:
load -> decide (the engine) -> act (vault, gateway) -> save with the version read -> audit,
retried from a fresh read when another request saved first. Only a `Say` turn's raw text reaches
the PCI guard, which pulls card material into a `CardCapture`, and then the understanding; a
`KeyedCard` fills a capture directly, never as text. Every capture is wiped when its attempt at
the transaction ends, on every path.
"""

from __future__ import annotations

import functools
import logging
import secrets
import string
import time
from collections import deque
from collections.abc import Callable, Sequence
from contextlib import ExitStack, suppress
from dataclasses import dataclass, replace

from .conversation import engine
from .conversation.events import (
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
from .conversation.state import (
    CardEntry,
    Channel,
    Field,
    Limits,
    PaymentLink,
    Phase,
    Presets,
    SealedCardRef,
    SessionState,
    Status,
)
from .conversation.turns import (
    Cancel,
    ChangeCard,
    Confirm,
    ContinueOnWeb,
    FieldFailed,
    KeyedAccount,
    KeyedCard,
    NextActionDone,
    Say,
    Turn,
    UsePaymentMethod,
)
from .conversation.understanding import (
    CardNumberFact,
    CvvFact,
    ExpiryFact,
    Intent,
    UnderstandingContext,
    Understood,
)
from .errors import (
    CardValidationError,
    GatewayError,
    PaybotError,
    PaymentMethodError,
    PaymentUnconfirmedError,
    SessionNotFoundError,
    TooManyConflictsError,
    VaultError,
    VersionConflictError,
)
from .ids import random_string
from .merchant.events import events_for_change
from .merchant.links import new_link_token
from .metrics import PAYMENTS_COMPLETED, Counters
from .pci.capture import CardCapture, Expecting, capture_card_material
from .pci.cards import Brand, check_card_number
from .pci.recogniser import is_card_number
from .pci.vault import CardVault, SealedCard
from .ports import (
    AccountDirectory,
    AuditEvent,
    AuditLog,
    CardDetails,
    LanguageModel,
    Metrics,
    PaymentGateway,
    PaymentRequest,
    SessionStore,
)
from .replies import Style, locale_of, message, render_parts

log = logging.getLogger("paybot.service")

MAX_CONFLICT_RETRIES = 8
_EXPECTING = {
    Field.CARD_NUMBER: Expecting.CARD_NUMBER,
    Field.EXPIRY: Expecting.EXPIRY,
    Field.CVV: Expecting.CVV,
}
_ID_ALPHABET = string.ascii_letters


def new_session_id() -> str:
    """Letters only: an id can never look like a card number to a data-loss scanner."""
    return "ses_" + random_string(_ID_ALPHABET, 24)


@dataclass(frozen=True)
class Reply:
    """What the bot answers: what it says about this turn, and the question for what comes next,
    apart, so that a channel that asks for each field itself (the phone) uses `said` alone."""

    said: str
    prompt: str
    state: SessionState
    notices: tuple[Notice, ...] = ()

    @property
    def text(self) -> str:
        return " ".join(part for part in (self.said, self.prompt) if part)

    @property
    def invalid(self) -> Notice | None:
        """The first answer this turn refused (a try counted against its field), if any."""
        return next((n for n in self.notices if n.kind is NoticeKind.INVALID), None)


@dataclass(frozen=True)
class _Input:
    """One event for the engine and the card capture its actions may seal (a typed or keyed card)."""

    event: Event
    capture: CardCapture | None = None


# What one transaction feeds the engine, read from the freshly loaded state; None: nothing to do.
# Captures are entered on the ExitStack the moment they exist, so they are wiped on every path.
_Plan = Callable[[SessionState, ExitStack], "list[_Input] | None"]

_AFFIRM = Understood(intents=frozenset({Intent.AFFIRM}))
_CHANGE_CARD = Understood(intents=frozenset({Intent.CHANGE_CARD}))
_CANCEL = Understood(intents=frozenset({Intent.CANCEL}))


class PaymentService:
    """Runs the engine's payment actions against the gateway and turns results into events."""

    def __init__(self, gateway: PaymentGateway) -> None:
        self.gateway = gateway

    def describe(self, payment_method_id: str) -> Event:
        try:
            return PaymentMethodProvided(
                payment_method_id, self.gateway.describe_payment_method(payment_method_id)
            )
        except PaymentMethodError as err:
            return PaymentMethodRejected(err.code, str(err))
        except GatewayError as err:
            return GatewayUnavailable(str(err))

    def tokenize(self, session_id: str, card: CardDetails) -> Event:
        try:
            pm_id, summary = self.gateway.create_payment_method(
                card, idempotency_key=f"{session_id}:tokenize:{secrets.token_hex(8)}"
            )
        except CardValidationError as err:
            return TokenizationFailed(err.code, str(err))
        except GatewayError as err:
            if not err.retryable:  # e.g. Stripe's raw card data gate: no card would fare better
                return GatewayRefused(err.code, str(err))
            return TokenizationFailed(
                err.code, "I couldn't check that card with the payment processor just now."
            )
        return CardTokenized(pm_id, summary)

    def charge(self, state: SessionState, action: Charge) -> Event:
        request = PaymentRequest(
            idempotency_key=action.idempotency_key,
            amount=action.amount,
            currency=action.currency,
            payment_method_id=action.payment_method_id,
            session_id=state.session_id,
            channel=state.channel,
            description=state.presets.description,
            reference=state.presets.reference,
        )
        try:
            record = self.gateway.confirm_payment(request)
        except PaymentMethodError as err:
            return PaymentMethodRejected(err.code, str(err))
        except GatewayError as err:
            log.warning("payment gateway failed for session %s: %s", state.session_id, err)
            if not err.retryable:  # the same request again cannot succeed: final, not "say yes again"
                return GatewayRefused(err.code, str(err))
            return ChargeUnanswered(str(err))
        return PaymentOutcome(record, new_attempt=True)

    def refresh(self, payment_intent_id: str) -> Event:
        try:
            return PaymentOutcome(self.gateway.retrieve_payment(payment_intent_id), new_attempt=False)
        except GatewayError as err:
            return GatewayUnavailable(str(err))

    def cancel(self, payment_intent_id: str) -> None:
        try:
            self.gateway.cancel_payment(payment_intent_id)
        except GatewayError as err:  # the session ends either way; the intent expires at the gateway
            log.warning("could not cancel payment intent %s: %s", payment_intent_id, err)


class ConversationService:
    def __init__(
        self,
        *,
        store: SessionStore,
        payments: PaymentService,
        model: LanguageModel,
        audit: AuditLog,
        vault: CardVault,
        limits: Limits,
        default_presets: Presets,
        accounts: AccountDirectory | None = None,
        metrics: Metrics | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.accounts = accounts  # None: no session can await an account (`start(awaiting_account=True)`)
        self.metrics = metrics if metrics is not None else Counters()
        self.payments = payments
        self.model = model
        self.audit = audit
        self.vault = vault
        self.limits = limits
        self.default_presets = default_presets
        self.clock = clock

    # ------------------------------------------------------------- public

    def start(
        self,
        presets: Presets | None = None,
        channel: Channel = Channel.WEB,
        style: Style = Style.TEXT,
        *,
        link_seconds: int | None = None,
        awaiting_account: bool = False,
    ) -> Reply:
        """A new session. With `link_seconds` it gets a payment link usable that long; until the
        payer's first turn the session waits for them that long too, after which the idle timeout
        counts (the engine moves `expires_at` on every turn). `awaiting_account`: the channel does not
        know which account is paid; its reference is asked first (`KeyedAccount`), and what the account
        owes fills the presets once found."""
        if awaiting_account and self.accounts is None:
            raise TypeError("a session awaiting its account needs the accounts directory")
        now = self.clock()
        state = engine.new_session(
            new_session_id(),
            channel,
            presets or self.default_presets,
            self.limits,
            now,
            awaiting_account=awaiting_account,
        )
        if link_seconds is not None:
            link = PaymentLink(new_link_token(), now + link_seconds)
            state = state.evolve(link=link, expires_at=link.expires_at)
        state = self.store.create(state)
        self._audit(
            "session_started",
            state,
            now,
            amount=state.amount,
            card_entry=state.card_entry.value,
            reference=state.presets.reference,
        )
        said, question = render_parts(state, (), style, opening=True)
        return Reply(said, question, state)

    def handle(self, session_id: str, turn: Turn | Sequence[Turn], style: Style = Style.TEXT) -> Reply:
        """Apply one turn (or several from one request, in order) in one transaction."""
        turns = tuple(turn) if isinstance(turn, Sequence) else (turn,)
        state, notices = self._transact(
            session_id, lambda stored, captures: self._inputs(stored, turns, captures), audit_unchanged=True
        )
        said, question = render_parts(state, notices, style)
        if said:
            said = self.model.phrase(said, _facts(state))
        return Reply(said, question, state, notices)

    def get(self, session_id: str, style: Style = Style.TEXT) -> Reply:
        """The session as it stands; lets time act (expiry wipes the vault) but takes no input."""
        state, notices = self._transact(session_id, lambda stored, captures: [_Input(Tick())])
        if state.phase in (Phase.COMPLETED, Phase.FAILED, Phase.CANCELLED) and not notices:
            notices = (Notice(NoticeKind.ALREADY_CLOSED),)
        if state.phase is Phase.EXPIRED and not notices:
            notices = (Notice(NoticeKind.EXPIRED),)
        said, question = render_parts(state, notices, style)
        return Reply(said, question, state, notices)

    def reconcile_payment(self, session_id: str, payment_intent_id: str) -> Reply:
        """Bring a session up to date with the gateway's word on one of its payments (a verified webhook).

        The gateway is asked again rather than trusting the event's copy, so late or out-of-order
        deliveries cannot move a session backwards. Only the session's own latest attempt, or one it
        lost track of (no record yet, or a later attempt after a decline), is applied; a terminal
        session never changes. Raises GatewayError when the gateway cannot be asked (the sender retries).
        """

        def plan(stored: SessionState, captures: ExitStack) -> list[_Input] | None:
            known = stored.payment
            if stored.status.terminal or (
                known is not None and known.id != payment_intent_id and known.status != "failed"
            ):
                return None
            event = self.payments.refresh(payment_intent_id)
            if isinstance(event, GatewayUnavailable):
                raise GatewayError(event.message, retryable=True)
            if isinstance(event, PaymentOutcome) and event.record == known:
                return None
            return [_Input(event)]

        state, notices = self._transact(session_id, plan, audit_as="payment_reconciled", audit_unchanged=True)
        said, question = render_parts(state, notices)
        return Reply(said, question, state, notices)

    def sweep_expired(self, limit: int = 100) -> int:
        """Expire idle sessions (wiping their vault data) that nobody has touched since. Returns how many."""
        swept = 0
        self.vault.purge_expired(self.clock())  # keys of seals nobody came back to (or a crash left)
        for session_id in self.store.expired_session_ids(self.clock(), limit):
            try:
                before = self.store.load(session_id)
                self.get(session_id)
            except (SessionNotFoundError, TooManyConflictsError):
                continue
            swept += before is not None
        self.store.tidy()
        return swept

    # ------------------------------------------------------------- the transaction

    def _transact(
        self, session_id: str, plan: _Plan, *, audit_as: str = "turn", audit_unchanged: bool = False
    ) -> tuple[SessionState, tuple[Notice, ...]]:
        """Load, decide, act, save with the version read, audit: the one loop every entry point uses.

        A save that finds another request saved first starts again from a fresh read (the plan runs
        again too: the guard re-reads the raw turn, so nothing card-secret outlives one attempt).
        """
        for _ in range(MAX_CONFLICT_RETRIES):
            stored = self._load(session_id)
            with ExitStack() as captures:
                inputs = plan(stored, captures)
                if inputs is None:
                    return stored, ()
                state, notices, acted = self._run(stored, inputs)
            changed = state != stored
            if changed:
                try:
                    # The merchant events of the change go in the same write (the outbox).
                    events = events_for_change(stored, state, self.clock())
                    state = self.store.save(state, expected_version=stored.version, events=events)
                except VersionConflictError:
                    continue
                except Exception as err:  # StoreUnavailableError, or a store's own failure
                    if Charge in acted:  # the gateway may have charged: only "not confirmed" is true now
                        raise _unconfirmed(stored) from err
                    raise
                if state.sealed_card is None and (stored.sealed_card is not None or KeepTypedCard in acted):
                    # Saved without its card: destroy the key, so no copy of the ciphertext opens (also
                    # when the card was sealed and tokenized in this one turn: its key must not outlive it).
                    self.vault.shred(session_id)
            if changed or audit_unchanged:
                self._audit_change(audit_as, stored, state, notices)
            if changed:
                _log_payment_outcome(
                    stored, state, via="webhook" if audit_as == "payment_reconciled" else None
                )
                if state.status is Status.COMPLETED and stored.status is not Status.COMPLETED:
                    self.metrics.add(PAYMENTS_COMPLETED)  # once: only the save that completed it gets here
            return state, notices
        raise TooManyConflictsError("This session is busy with another request; please try again.")

    def _load(self, session_id: str) -> SessionState:
        state = self.store.load(session_id)
        if state is None:
            raise SessionNotFoundError(session_id)
        return state

    def _inputs(self, stored: SessionState, turns: tuple[Turn, ...], captures: ExitStack) -> list[_Input]:
        """The engine events for a request's turns. Only `Say` is read by the guard and understood."""
        inputs: list[_Input] = []
        for turn in turns:
            match turn:
                case Say(text=text):
                    if text.strip():
                        redacted, capture = self._guard(text, stored)
                        captures.enter_context(capture)
                        inputs.append(_Input(UserTurn(self._understand(redacted, capture, stored)), capture))
                case KeyedCard():
                    capture = captures.enter_context(CardCapture())
                    inputs.append(_Input(self._keyed(turn, capture, stored), capture))
                case KeyedAccount(reference=reference):
                    inputs.append(_Input(self._find_account(reference, stored)))
                case UsePaymentMethod(payment_method_id=pm_id):
                    inputs.append(_Input(self.payments.describe(pm_id)))
                case Confirm():
                    inputs.append(_Input(UserTurn(_AFFIRM)))
                case ChangeCard():
                    inputs.append(_Input(UserTurn(_CHANGE_CARD)))
                case Cancel():
                    inputs.append(_Input(UserTurn(_CANCEL)))
                case FieldFailed():
                    inputs.append(_Input(turn))
                case NextActionDone():
                    inputs.append(_Input(NextActionCompleted()))
                case ContinueOnWeb():
                    inputs.append(_Input(turn))
        return inputs

    def _guard(self, message: str, state: SessionState) -> tuple[str, CardCapture]:
        current = state.current_field
        expecting = _EXPECTING.get(current, Expecting.OTHER) if current else Expecting.OTHER
        return capture_card_material(
            message,
            expecting,
            typed_entry=state.card_entry is CardEntry.TYPED and state.phase is Phase.ACTIVE,
            accepted_brands=_accepted_brands(state),
        )

    def _keyed(self, keyed: KeyedCard, capture: CardCapture, state: SessionState) -> CardKeyed:
        """Fill `capture` with the keyed digits (never text) and describe them to the engine."""
        if keyed.number is not None:
            capture.number = keyed.number
            capture.number_check = check_card_number(keyed.number, _accepted_brands(state))
        if keyed.expiry is not None:
            month_year = keyed.expiry_month_year()
            if month_year is None:
                capture.expiry_unreadable = True
            else:
                capture.exp_month, capture.exp_year = month_year
        capture.cvv = keyed.cvv
        number, expiry, cvv = _card_facts(capture)
        return CardKeyed(number, expiry, cvv, complete=keyed.complete)

    def _find_account(self, reference: str, state: SessionState) -> AccountKeyed:
        """Look a keyed reference up, only while the session asks for it; a card number keyed there is
        refused before any lookup (so no directory, log or reply ever sees it)."""
        if state.current_field is not Field.ACCOUNT or self.accounts is None:
            return AccountKeyed(None)  # nothing asked it: the engine changes nothing
        if is_card_number(reference):
            return AccountKeyed(None, "card_number")
        account = self.accounts.find_by_reference(reference) if reference.strip() else None
        return AccountKeyed(account, None if account is not None else "not_found")

    def _understand(self, redacted: str, capture: CardCapture, state: SessionState) -> Understood:
        expecting = state.current_field
        if expecting is Field.RECEIPT_EMAIL:
            # After the payment, only an address, a yes or a no: read by code, so no model ever
            # sees the payer's address. Imported here: most processes never offer a receipt.
            from .understanding import understand as understand_by_rules
            from .understanding.emails import find_email

            context = UnderstandingContext(expecting=None, currency=state.currency, amount_preset=True,
                                           locale=state.locale, session_id=state.session_id)  # fmt: skip
            return replace(understand_by_rules(redacted, context), email=find_email(redacted))
        context = UnderstandingContext(
            expecting=expecting,
            currency=state.currency,
            amount_preset=state.presets.fixed_amount is not None,
            locale=state.locale,
            name=state.name,
            session_id=state.session_id,
            channel=state.channel,
        )
        understood = self.model.understand(redacted, context)
        number, expiry, cvv = _card_facts(capture)
        in_secure_form = capture.typed_number_seen and capture.number_check is None
        said = (
            understood.card_number,
            understood.expiry,
            understood.cvv,
            understood.card_typed_in_secure_form,
        )
        if said == (number, expiry, cvv, in_secure_form):
            return understood  # already so: the guard took nothing out (every turn but the card steps)
        # The card facts come from the guard alone, whatever a model may have said about a card.
        return replace(
            understood, card_number=number, expiry=expiry, cvv=cvv, card_typed_in_secure_form=in_secure_form
        )

    def _run(
        self, state: SessionState, inputs: list[_Input]
    ) -> tuple[SessionState, tuple[Notice, ...], frozenset[type[Action]]]:
        """Step the engine through the inputs and the events their actions produce; also says which
        kinds of action were carried out (a charge sent, a card sealed)."""
        queue = deque(inputs)
        notices: list[Notice] = []
        acted: set[type[Action]] = set()
        while queue:
            item = queue.popleft()
            now = self.clock()
            transition = engine.step(state, item.event, now)
            state = transition.state
            notices.extend(transition.notices)
            for action in transition.actions:
                acted.add(type(action))
                state, follow_up = self._act(state, action, item.capture, now)
                if follow_up is not None:
                    queue.append(_Input(follow_up, item.capture))
        return state, tuple(notices), frozenset(acted)

    def _act(
        self, state: SessionState, action: Action, capture: CardCapture | None, now: float
    ) -> tuple[SessionState, Event | None]:
        match action:
            case KeepTypedCard(fields=fields):
                return self._seal(state, fields, capture, now), None
            case Tokenize():
                return self._tokenize(state, now)
            case WipeVault():
                return state.evolve(sealed_card=None), None
            case Charge():
                try:
                    return state, self.payments.charge(state, action)
                except PaybotError:
                    raise
                except Exception as err:  # an answer lost after the request went out: it may have charged
                    raise _unconfirmed(state) from err
            case RefreshPayment(payment_intent_id=intent_id):
                return state, self.payments.refresh(intent_id)
            case CancelPayment(payment_intent_id=intent_id):
                self.payments.cancel(intent_id)
                return state, None
        raise TypeError(f"unknown action {type(action).__name__}")  # pragma: no cover

    def _open_vault(self, state: SessionState, now: float) -> dict[str, str]:
        if state.sealed_card is None:
            return {}
        sealed = SealedCard(state.sealed_card.blob, state.sealed_card.expires_at)
        return self.vault.open(state.session_id, sealed, now)

    def _seal(
        self, state: SessionState, fields: tuple[str, ...], capture: CardCapture | None, now: float
    ) -> SessionState:
        held: dict[str, str] = {}
        try:
            with suppress(VaultError):  # an unreadable earlier seal: start the card afresh
                held = self._open_vault(state, now)
            if capture is not None:
                if "number" in fields and capture.number:
                    held.clear()  # a new number starts a new card
                    held["number"] = capture.number
                if "expiry" in fields and capture.exp_month is not None and capture.exp_year is not None:
                    held["exp_month"], held["exp_year"] = str(capture.exp_month), str(capture.exp_year)
                if "cvv" in fields and capture.cvv:
                    held["cvv"] = capture.cvv
            sealed = self.vault.seal(state.session_id, held, now + state.limits.ttl_seconds)
        finally:
            held.clear()
        return state.evolve(sealed_card=SealedCardRef(sealed.blob, sealed.expires_at))

    def _tokenize(self, state: SessionState, now: float) -> tuple[SessionState, Event]:
        held: dict[str, str] = {}
        try:
            held = self._open_vault(state, now)
            card = CardDetails(held["number"], int(held["exp_month"]), int(held["exp_year"]), held["cvv"])
        except (VaultError, KeyError):
            return state.evolve(sealed_card=None), TokenizationFailed(
                "vault", "Please enter the card details again."
            )
        finally:
            held.clear()  # the dict the vault opened, not a new name: its values go with it
        event = self.payments.tokenize(state.session_id, card)
        del card
        return state.evolve(sealed_card=None), event  # the CVV is never kept past tokenization

    # ------------------------------------------------------------- audit

    def _audit_change(
        self, kind: str, before: SessionState, after: SessionState, notices: tuple[Notice, ...]
    ) -> None:
        payment, current = after.payment, after.current_field
        self._audit(
            kind,
            after,
            after.updated_at,
            status_before=before.status.value,
            status=after.status.value,
            field=current.value if current else None,
            notices=",".join(sorted({n.kind.value for n in notices})),
            card=f"{after.card.brand} {after.card.last4}" if after.card and after.card.last4 else None,
            amount=after.amount,
            payment_id=payment.id if payment else None,
            payment_status=payment.status if payment else None,
            failure_code=payment.failure_code if payment else None,
        )

    def _audit(
        self, kind: str, state: SessionState, at: float, **details: str | int | float | bool | None
    ) -> None:
        facts = {"channel": state.channel.value, "locale": state.locale}
        self.audit.append(AuditEvent(kind, state.session_id, at, {**facts, **details}))


def _log_payment_outcome(before: SessionState, after: SessionState, *, via: str | None) -> None:
    """One line for each payment outcome a session takes in, however it arrived, once: here, after
    the save that made it the session's (a retried transaction saves once, so logs once).

    The deployed alarms count these lines ("payment_failed"), so an outcome read back after
    3-D Secure or reconciled from a webhook counts as a charge's own does. Masked facts only.
    """
    record, known = after.payment, before.payment
    if record is None or (known is not None and (known.id, known.status) == (record.id, record.status)):
        return
    if via is None:
        via = "charge" if known is None or known.id != record.id else "refresh"
    log.info(
        "payment_%s session=%s intent=%s amount=%s %s code=%s channel=%s via=%s",
        record.status,
        after.session_id,
        record.id,
        record.amount,
        record.currency,
        record.failure_code or "-",
        after.channel.value,
        via,
    )


def _unconfirmed(state: SessionState) -> PaymentUnconfirmedError:
    return PaymentUnconfirmedError(message(locale_of(state), "payment_unconfirmed"))


def _accepted_brands(state: SessionState) -> frozenset[Brand]:
    return _brands(state.limits.accepted_brands)


@functools.lru_cache(maxsize=64)
def _brands(names: tuple[str, ...]) -> frozenset[Brand]:
    """The brands a session's limits name (a deployment has a few such lists: each read once)."""
    return frozenset(Brand(name) for name in names)


def _card_facts(capture: CardCapture) -> tuple[CardNumberFact | None, ExpiryFact | None, CvvFact | None]:
    """Masked facts about the card material in a capture: what the engine may know of it."""
    check = capture.number_check
    number = None
    if check is not None:
        problem = check.problem.value if check.problem else None
        number = CardNumberFact(check.brand.value if check.brand else None, check.last4, problem)
    expiry = (
        ExpiryFact(capture.exp_month, capture.exp_year, capture.expiry_unreadable)
        if capture.has_expiry or capture.expiry_unreadable
        else None
    )
    cvv = CvvFact(len(capture.cvv), capture.cvv.isdigit()) if capture.cvv is not None else None
    return number, expiry, cvv


def _facts(state: SessionState) -> dict[str, str]:
    """Masked facts a language model may use to phrase a reply."""
    facts = {
        "session_id": state.session_id,
        "channel": state.channel.value,
        "status": state.status.value,
        "field": state.current_field.value if state.current_field else "",
    }
    if state.card and state.card.last4:
        facts["card"] = f"{state.card.brand} ending {state.card.last4}"
    return facts
