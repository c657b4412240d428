"""The phone channel's steps: what each InvokeLambdaFunction block of `flow.json` asks for.

The flow collects each card field with a "Store customer input" block (encrypted with the
business's public key) and calls one step per field. No card data is kept between steps
except Connect's own encrypted attributes:

- `check_number` / `check_expiry` decrypt one field, check it with the PCI guard's pure
  functions and answer with masked facts only (brand, last 4, the problem's kind);
- `submit_card` decrypts number, expiry and security code and sends them as ONE turn to the
  same `ConversationService` as the web chat: the engine tokenizes within that request, so
  the saved session holds the payment method id and masked facts, never a sealed card;
- `pay` is the caller's "press 1": a "yes" turn, which charges (MOTO, channel voice).

Tries per field live in a contact attribute the flow passes back (`tries`): after the last
one the session is closed and the flow transfers to an agent.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from paybot_core.conversation.engine import check_expiry
from paybot_core.conversation.events import Notice, NoticeKind
from paybot_core.conversation.replies import (
    Style,
    describe_card,
    format_amount,
    notice_text,
    number_words,
    prompt,
    spell_digits,
    spoken_code,
)
from paybot_core.conversation.state import (
    CardEntry,
    CardSummary,
    Channel,
    Field,
    Phase,
    Presets,
    SessionState,
    Status,
)
from paybot_core.errors import PaybotError
from paybot_core.pci.cards import Brand, check_card_number, cvv_length
from paybot_core.ports import AccountDue
from paybot_core.services import Reply, Turn

from .crypto import Decryptor
from .errors import InputDecryptionError
from .events import ConnectContactFlowEvent

if TYPE_CHECKING:  # the handler imports this module; bootstrap (every adapter) loads on the first call
    from paybot_core.bootstrap import Services

log = logging.getLogger("paybot.connect")

SPEECH = Style.SPEECH
TIMEOUT = "Timeout"  # what Connect stores when the caller presses nothing
_KEYS = re.compile(r"[0-9*#]*")


class Step(StrEnum):
    LOOKUP = "lookup"  # by the caller's number
    LOOKUP_REFERENCE = "lookup_reference"  # by an account reference keyed in
    CHECK_NUMBER = "check_number"
    CHECK_EXPIRY = "check_expiry"
    SUBMIT_CARD = "submit_card"
    PAY = "pay"
    CHANGE_CARD = "change_card"
    RETRY = "retry"  # a menu answer that was no choice, or none


class Outcome(StrEnum):
    """`result` in every answer: what the flow's Compare blocks branch on."""

    OK = "ok"
    ASK_REFERENCE = "ask_reference"
    RETRY = "retry"  # ask the same field again
    RESTART = "restart"  # the caller pressed *: the field again, no try counted
    RETRY_CARD = "retry_card"  # the card again from its number (declined, not tokenized)
    COMPLETED = "completed"
    AGENT = "agent"  # too many tries, or the session ended: transfer to an agent
    ERROR = "error"


# Parameters (LambdaInvocationAttributes) each step reads; the flow must set every one.
STEP_PARAMETERS: dict[Step, tuple[str, ...]] = {
    Step.LOOKUP: ("step",),
    Step.LOOKUP_REFERENCE: ("step", "reference", "tries"),
    Step.CHECK_NUMBER: ("step", "session", "input", "tries"),
    Step.CHECK_EXPIRY: ("step", "session", "input", "tries"),
    Step.SUBMIT_CARD: ("step", "session", "number", "expiry", "input", "tries"),
    Step.PAY: ("step", "session"),
    Step.CHANGE_CARD: ("step", "session"),
    Step.RETRY: ("step", "session", "field", "reason", "tries"),
}

_RESTART_TEXT = {
    Field.CARD_NUMBER: "OK, let's start the card number again.",
    Field.EXPIRY: "OK, let's start the expiry date again.",
    Field.CVV: "OK, let's start the security code again.",
}
_TIMEOUT_TEXT = "Sorry, I didn't hear any keys."
_NO_CHOICE_TEXT = "Sorry, that key isn't one of the choices."
_ERROR_TEXT = "Sorry, something went wrong on our side, and nothing was charged."


@dataclass(frozen=True)
class PhoneAnswer:
    """What one step tells the flow; Connect wants a flat map of strings (STRING_MAP)."""

    result: Outcome
    say: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)

    def as_connect(self) -> dict[str, str]:
        return {"result": self.result.value, "say": self.say, **self.extra}


@dataclass
class _Keys:
    """What the caller pressed for one field, decrypted; lives for one invocation only."""

    digits: str = ""
    timed_out: bool = False
    restart: bool = False

    def wipe(self) -> None:
        self.digits = ""

    def __repr__(self) -> str:  # never the digits, even in a traceback
        return f"_Keys(<{len(self.digits)} digits>, timed_out={self.timed_out}, restart={self.restart})"


class PhoneChannel:
    """Runs one contact-flow step against the same services as the web chat."""

    def __init__(
        self,
        services: Services,
        decryptor: Decryptor | None = None,
        *,
        allow_plaintext: bool = False,
    ) -> None:
        self.services = services
        self.conversations = services.conversations
        self.decryptor = decryptor
        self.allow_plaintext = allow_plaintext
        self._steps: dict[Step, Callable[[ConnectContactFlowEvent], PhoneAnswer]] = {
            Step.LOOKUP: self._lookup,
            Step.LOOKUP_REFERENCE: self._lookup_reference,
            Step.CHECK_NUMBER: self._check_number,
            Step.CHECK_EXPIRY: self._check_expiry,
            Step.SUBMIT_CARD: self._submit_card,
            Step.PAY: self._pay,
            Step.CHANGE_CARD: self._change_card,
            Step.RETRY: self._retry,
        }

    def run(self, event: ConnectContactFlowEvent) -> PhoneAnswer:
        """One step; any failure becomes an `error` answer the flow routes to an agent."""
        name = event.parameter("step")
        contact = event.contact_data.contact_id
        try:
            step = Step(name)
        except ValueError:
            log.warning("contact %s asked for unknown step %r", contact, name[:40])
            return PhoneAnswer(Outcome.ERROR, _ERROR_TEXT)
        try:
            answer = self._steps[step](event)
        except PaybotError as err:  # messages of paybot's own errors never carry card data
            log.error("phone step %s failed for contact %s: %s", name, contact, err)
            return PhoneAnswer(Outcome.ERROR, _ERROR_TEXT)
        except Exception as err:  # a foreign message might quote input: only its type is logged
            log.error("phone step %s failed for contact %s: %s", name, contact, type(err).__name__)
            return PhoneAnswer(Outcome.ERROR, _ERROR_TEXT)
        log.info("phone step %s for contact %s: %s", name, contact, answer.result.value)
        return answer

    # ------------------------------------------------------------- what is due

    def _lookup(self, event: ConnectContactFlowEvent) -> PhoneAnswer:
        account = self.services.accounts.find_by_phone(event.caller_number)
        if account is None:
            return PhoneAnswer(
                Outcome.ASK_REFERENCE, "I couldn't find an account for the number you're calling from."
            )
        return self._start(account, event)

    def _lookup_reference(self, event: ConnectContactFlowEvent) -> PhoneAnswer:
        raw = event.parameter("reference").strip().rstrip("#")
        tries = _int(event.parameter("tries")) + 1
        if raw and raw != TIMEOUT and _KEYS.fullmatch(raw) and "*" not in raw:
            account = self.services.accounts.find_by_reference(raw)
            if account is not None:
                return self._start(account, event)
            sentence = "I couldn't find an account with that number."
        elif "*" in raw:
            return PhoneAnswer(Outcome.RESTART, "OK, let's start the account number again.")
        else:
            sentence = _TIMEOUT_TEXT
        limit = self.services.settings.max_field_attempts
        if tries >= limit:
            return PhoneAnswer(
                Outcome.AGENT, f"{sentence} Let me put you through to an agent.", {"tries": str(tries)}
            )
        return PhoneAnswer(Outcome.RETRY, f"{sentence}{_tries_left(limit - tries)}", {"tries": str(tries)})

    def _start(self, account: AccountDue, event: ConnectContactFlowEvent) -> PhoneAnswer:
        presets = Presets(
            amount=account.amount,
            currency=account.currency,
            reference=account.reference,
            description="Payment by phone",
            customer_name=account.customer_name,
            card_entry=CardEntry.TYPED,  # keypad entry: the digits reach paybot, encrypted end to end
        )
        reply = self.conversations.start(presets, Channel.VOICE, SPEECH)
        session = reply.state.session_id
        log.info("contact %s is paybot session %s", event.contact_data.contact_id, session)
        return PhoneAnswer(
            Outcome.OK,
            _without_prompt(reply),
            {
                "session": session,
                "amount": format_amount(account.amount, account.currency, SPEECH),
                "reference": spell_digits(account.reference),
                "tries": "0",
            },
        )

    # ------------------------------------------------------------- card fields

    def _check_number(self, event: ConnectContactFlowEvent) -> PhoneAnswer:
        state, closed = self._session(event)
        if closed is not None:
            return closed
        keys = self._keys(event.parameter("input"))
        if keys.timed_out or keys.restart:
            return self._not_pressed(state, event, Field.CARD_NUMBER, keys)
        check = check_card_number(keys.digits, _accepted(state))
        keys.wipe()
        if check.problem is not None:
            return self._failure(state, event, Field.CARD_NUMBER, check.problem.value)
        card = CardSummary(check.brand.value if check.brand else "unknown", check.last4)
        return PhoneAnswer(
            Outcome.OK,
            f"Thanks, that's your {describe_card(card, SPEECH)}.",
            {
                "brand": card.brand,
                "last4": " ".join(card.last4),
                "cvvLength": number_words(cvv_length(check.brand)),
                "tries": "0",
            },
        )

    def _check_expiry(self, event: ConnectContactFlowEvent) -> PhoneAnswer:
        state, closed = self._session(event)
        if closed is not None:
            return closed
        keys = self._keys(event.parameter("input"))
        if keys.timed_out or keys.restart:
            return self._not_pressed(state, event, Field.EXPIRY, keys)
        problem = _expiry_problem(keys.digits, self.conversations.clock())
        keys.wipe()
        if problem is not None:
            return self._failure(state, event, Field.EXPIRY, problem)
        return PhoneAnswer(Outcome.OK, "", {"tries": "0"})

    def _submit_card(self, event: ConnectContactFlowEvent) -> PhoneAnswer:
        state, closed = self._session(event)
        if closed is not None:
            return closed
        code = self._keys(event.parameter("input"))
        if code.timed_out or code.restart:
            return self._not_pressed(state, event, Field.CVV, code)
        number = self._keys(event.parameter("number"))
        expiry = self._keys(event.parameter("expiry"))
        try:
            check = check_card_number(number.digits, _accepted(state))
            if check.problem is not None or _expiry_problem(expiry.digits, self.conversations.clock()):
                return PhoneAnswer(Outcome.RETRY_CARD, "Sorry, let's take the card details again.")
            expected = cvv_length(check.brand)
            if not code.digits.isdigit() or len(code.digits) != expected:
                return self._failure(state, event, Field.CVV, "length", str(expected))
            # One turn with all three fields: the engine tokenizes within this request.
            turn = Turn(f"{number.digits} {expiry.digits[:2]}{expiry.digits[-2:]} {code.digits}")
            reply = self.conversations.handle(state.session_id, turn, SPEECH)
            del turn
        finally:
            for keys in (number, expiry, code):
                keys.wipe()
        after = reply.state
        if after.current_field is Field.CONFIRMATION and after.card is not None:
            return PhoneAnswer(
                Outcome.OK, _without_prompt(reply), {"last4": " ".join(after.card.last4), "tries": "0"}
            )
        return self._after_turn(reply)

    # ------------------------------------------------------------- confirmation

    def _pay(self, event: ConnectContactFlowEvent) -> PhoneAnswer:
        state, closed = self._session(event)
        if closed is not None:
            return closed
        if state.current_field is not Field.CONFIRMATION:
            return PhoneAnswer(Outcome.RETRY_CARD, "Sorry, let's take the card details again.")
        return self._after_turn(self.conversations.handle(state.session_id, Turn("yes"), SPEECH))

    def _change_card(self, event: ConnectContactFlowEvent) -> PhoneAnswer:
        state, closed = self._session(event)
        if closed is not None:
            return closed
        reply = self.conversations.handle(state.session_id, Turn("change the card"), SPEECH)
        if reply.state.status.terminal:
            return self._after_turn(reply)
        return PhoneAnswer(Outcome.OK, "OK, let's use a different card.", {"tries": "0"})

    def _retry(self, event: ConnectContactFlowEvent) -> PhoneAnswer:
        state, closed = self._session(event)
        if closed is not None:
            return closed
        on = Field(event.parameter("field"))
        reason = "timeout" if event.parameter("reason") == "timeout" else "no_choice"
        return self._failure(state, event, on, reason)

    # ------------------------------------------------------------- shared

    def _session(self, event: ConnectContactFlowEvent) -> tuple[SessionState, PhoneAnswer | None]:
        """The session as it stands; an answer instead when it has ended (paid, expired, closed)."""
        reply = self.conversations.get(event.parameter("session"), SPEECH)
        if reply.state.status.terminal:
            return reply.state, self._after_turn(reply)
        return reply.state, None

    def _after_turn(self, reply: Reply) -> PhoneAnswer:
        state = reply.state
        if state.status is Status.COMPLETED and state.payment is not None:
            payment = state.payment
            return PhoneAnswer(
                Outcome.COMPLETED, reply.text, {"payment": payment.id, "code": spoken_code(payment.id)}
            )
        if state.status.terminal or state.phase is Phase.REQUIRES_ACTION:
            return PhoneAnswer(Outcome.AGENT, reply.text)
        if state.current_field is Field.CONFIRMATION:  # e.g. the processor could not be reached
            return PhoneAnswer(Outcome.RETRY, _without_prompt(reply))
        extra = {"error": state.payment.failure_code or ""} if state.payment else {}
        return PhoneAnswer(Outcome.RETRY_CARD, _without_prompt(reply), {**extra, "tries": "0"})

    def _not_pressed(
        self, state: SessionState, event: ConnectContactFlowEvent, on: Field, keys: _Keys
    ) -> PhoneAnswer:
        if keys.restart:
            return PhoneAnswer(Outcome.RESTART, _RESTART_TEXT[on], {"tries": event.parameter("tries") or "0"})
        return self._failure(state, event, on, "timeout")

    def _failure(
        self,
        state: SessionState,
        event: ConnectContactFlowEvent,
        on: Field,
        code: str,
        text: str | None = None,
    ) -> PhoneAnswer:
        """Count a try on `on`; the last allowed one closes the session (nothing charged)."""
        tries = _int(event.parameter("tries")) + 1
        if code == "timeout":
            sentence = _TIMEOUT_TEXT
        elif code == "no_choice":
            sentence = _NO_CHOICE_TEXT
        else:
            # Rendered on a copy without engine-counted tries: the flow's count is the one that applies.
            sentence = notice_text(
                state.evolve(field_attempts=()), Notice(NoticeKind.INVALID, on, code, text), SPEECH
            )
        limit = state.limits.max_field_attempts
        if tries < limit:
            return PhoneAnswer(
                Outcome.RETRY, f"{sentence}{_tries_left(limit - tries)}", {"tries": str(tries), "error": code}
            )
        closed = self.conversations.end_after_failed_attempts(state.session_id, on, SPEECH).state
        too_many = notice_text(closed, Notice(NoticeKind.TOO_MANY_ATTEMPTS, on), SPEECH)
        return PhoneAnswer(Outcome.AGENT, f"{sentence} {too_many}", {"tries": str(tries), "error": code})

    def _keys(self, raw: str) -> _Keys:
        """Decrypt one stored input; plain digits only when the settings allow them (the simulator)."""
        raw = raw.strip()
        if raw in ("", TIMEOUT):
            return _Keys(timed_out=True)
        text = self._open(raw).strip()
        if text in ("", TIMEOUT):
            return _Keys(timed_out=True)
        if "*" in text:
            return _Keys(restart=True)
        return _Keys(digits=text.replace("#", ""))

    def _open(self, raw: str) -> str:
        if self.decryptor is not None:
            try:
                return self.decryptor.decrypt(raw)
            except InputDecryptionError:
                if not (self.allow_plaintext and _KEYS.fullmatch(raw)):
                    raise
                return raw
        if self.allow_plaintext and _KEYS.fullmatch(raw):
            return raw
        raise InputDecryptionError(
            "Keypad input must be Connect-encrypted: set PAYBOT_CONNECT_PRIVATE_KEY_SECRET_ID "
            "(plain input is accepted only with PAYBOT_CONNECT_ALLOW_PLAINTEXT_INPUT, for the simulator)."
        )


def _accepted(state: SessionState) -> frozenset[Brand]:
    return frozenset(Brand(b) for b in state.limits.accepted_brands)


def _expiry_problem(digits: str, now: float) -> str | None:
    """MMYY (or MMYYYY) keyed in, checked as the engine checks a typed expiry."""
    if not digits.isdigit() or len(digits) not in (4, 6):
        return "format"
    month, year = int(digits[:2]), int(digits[2:])
    return check_expiry(month, year + 2000 if year < 100 else year, now)


def _without_prompt(reply: Reply) -> str:
    """The reply without its closing question: the flow asks for each field itself."""
    if reply.state.phase is not Phase.ACTIVE:
        return reply.text
    return reply.text.removesuffix(prompt(reply.state, SPEECH)).strip()


def _tries_left(left: int) -> str:
    return f" You have {number_words(left)} {'try' if left == 1 else 'tries'} left."


def _int(value: str) -> int:
    return int(value) if value.isdigit() else 0
