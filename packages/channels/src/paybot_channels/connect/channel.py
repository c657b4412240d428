"""The phone channel's steps: what each InvokeLambdaFunction block of `flow.json` asks for.

The flow collects each card field with a "Store customer input" block (encrypted with the
business's public key) and calls one step per field. Each step decrypts what was keyed and hands
the same `ConversationService` as the web chat a typed turn; the engine checks the card, counts
the tries and phrases what is said (the security code's question too, with its length and side),
so this module holds no card, security code, expiry or attempt rule:

- `check_number` / `check_expiry` send one keyed field (`KeyedCard`): the engine checks it and
  counts a failed try; nothing of it is kept (the flow keeps Connect's encrypted copy);
- `submit_card` sends number, expiry and security code as ONE `KeyedCard`: the engine tokenizes
  within that request, so the saved session holds the payment method id and masked facts, never
  a sealed card;
- `pay` is the caller's "press 1" (`Confirm`, which charges: MOTO, channel voice), `change_card`
  is "press 2" (`ChangeCard`), and `retry` a menu answer that was no choice or none (`FieldFailed`).

A session exists from the first step (`lookup`): when the caller's number finds no account, it is
created awaiting one, and `lookup_reference` sends the keyed reference as a `KeyedAccount`, which the
engine looks up, refuses (a card number keyed there is never looked up) and counts like any field.
The flow keeps no count of its own: the engine counts every try, caps the presses of 1 the
processor leaves unanswered, and after the last one closes the session (or stops charging), and
this module sends the caller to an agent when the reply says so.

Every step speaks the caller's language: the flow's first menu sets the contact attribute
`paybotLocale` and passes it to each step as `locale`; the session is created in it, so the core
phrases its replies in it, and this module's own sentences come from the same catalogues.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from paybot_core import (
    PHONE_LINK_SECONDS,
    AccountDue,
    CardEntry,
    ChangeCard,
    Channel,
    Confirm,
    FailureReason,
    Field,
    FieldFailed,
    InputDecryptionError,
    KeyedAccount,
    KeyedCard,
    KeypadDecryptor,
    Locale,
    MessengerError,
    PaybotError,
    Phase,
    Presets,
    Reply,
    Status,
    StaysOnPhoneError,
    Style,
    Turn,
    cvv_prompt,
    describe_card,
    format_amount,
    message,
    spell_digits,
    spoken_code,
)

from .events import ConnectContactFlowEvent

if TYPE_CHECKING:  # the handler imports this module; bootstrap (every adapter) loads on the first call
    from paybot_core import Services

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
    LINK_SENT = "link_sent"  # the caller took the payment link by SMS: say so, and the call can end


# At the card number prompt, this key alone (then #) asks for the payment link by SMS instead.
LINK_KEY = "9"
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")


# Parameters (LambdaInvocationAttributes) each step reads; the flow must set every one.
STEP_PARAMETERS: dict[Step, tuple[str, ...]] = {
    Step.LOOKUP: ("step", "locale"),
    Step.LOOKUP_REFERENCE: ("step", "locale", "session", "reference"),
    Step.CHECK_NUMBER: ("step", "locale", "session", "input"),
    Step.CHECK_EXPIRY: ("step", "locale", "session", "input"),
    Step.SUBMIT_CARD: ("step", "locale", "session", "number", "expiry", "input"),
    Step.PAY: ("step", "locale", "session"),
    Step.CHANGE_CARD: ("step", "locale", "session"),
    Step.RETRY: ("step", "locale", "session", "field", "reason"),
}

# Catalogue keys of this channel's own sentences (the core phrases everything else).
_RESTART = {
    Field.ACCOUNT: "phone.restart.account",
    Field.CARD_NUMBER: "phone.restart.card_number",
    Field.EXPIRY: "phone.restart.expiry",
    Field.CVV: "phone.restart.cvv",
}
_TIMEOUT = "invalid.keypad.timeout"
# No claim about charges: a failure may follow one (and the flow sends the caller to an agent).
_ERROR = "phone.flow.error"
# After `pay` fails: the charge may have gone through before the failure (a save that failed
# after the gateway said yes), so the agent must look before anyone charges again.
_UNCONFIRMED = "phone.flow.payError"


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
        self, services: Services, decryptor: KeypadDecryptor | None = None, *, allow_plaintext: bool = False
    ) -> None:
        self.services = services
        self.conversations = services.conversations
        self.decryptor = decryptor or services.keypad  # the one bootstrap built, unless handed another
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
            return PhoneAnswer(Outcome.ERROR, message(self.locale(event), _ERROR))
        try:
            answer = self._steps[step](event)
        except PaybotError as err:  # messages of paybot's own errors never carry card data
            log.error("phone step %s failed for contact %s: %s", name, contact, err)
            return _step_failed(step, self.locale(event))
        except Exception as err:  # a foreign message might quote input: only its type is logged
            log.error("phone step %s failed for contact %s: %s", name, contact, type(err).__name__)
            return _step_failed(step, self.locale(event))
        log.info("phone step %s for contact %s: %s", name, contact, answer.result.value)
        return answer

    def locale(self, event: ConnectContactFlowEvent) -> Locale:
        """The caller's language: the key they pressed at the flow's first menu, else the default."""
        try:
            return Locale(event.parameter("locale"))
        except ValueError:
            return self.services.settings.default_locale

    # ------------------------------------------------------------- what is due

    def _lookup(self, event: ConnectContactFlowEvent) -> PhoneAnswer:
        """The session, from the call's first step: with the account of the caller's number, or, when
        the number finds none, awaiting the account reference the flow asks for next."""
        account = self.services.accounts.find_by_phone(event.caller_number)
        reply = self._start(account, event)
        if account is None:
            return PhoneAnswer(
                Outcome.ASK_REFERENCE,
                message(self.locale(event), "phone.no_account_for_caller"),
                {"session": reply.state.session_id},
            )
        return self._account_known(reply, event)

    def _lookup_reference(self, event: ConnectContactFlowEvent) -> PhoneAnswer:
        # Encrypted like the card's fields: a card number keyed here by mistake is as secret.
        keys = self._keys(event.parameter("reference"))
        if keys.restart:
            return self._restart(Field.ACCOUNT, self.locale(event))
        try:
            turn: Turn = _failed(Field.ACCOUNT) if keys.timed_out else KeyedAccount(keys.digits)
            reply = self._handle(event, turn)
            del turn
        finally:
            keys.wipe()
        if reply.state.phase is not Phase.ACTIVE or reply.state.awaiting_account:
            return self._refused(reply, Field.ACCOUNT)
        return self._account_known(reply, event)

    def _start(self, account: AccountDue | None, event: ConnectContactFlowEvent) -> Reply:
        locale = self.locale(event)
        presets = Presets(
            description=message(locale, "phone.description"),
            card_entry=CardEntry.TYPED,  # keypad entry: the digits reach paybot, encrypted end to end
            locale=locale.value,  # the caller chose it: the session speaks it throughout
        )
        # With a link from the start, so the caller can take it by SMS and finish on the web.
        reply = self.conversations.start(
            presets.with_account(account) if account is not None else presets,
            Channel.VOICE,
            SPEECH,
            link_seconds=PHONE_LINK_SECONDS,
            awaiting_account=account is None,
        )
        log.info("contact %s is paybot session %s", event.contact_data.contact_id, reply.state.session_id)
        return reply

    def _account_known(self, reply: Reply, event: ConnectContactFlowEvent) -> PhoneAnswer:
        """The session knows what is due: the greeting that says it, and the facts the flow keeps."""
        state, locale = reply.state, self.locale(event)
        return PhoneAnswer(
            Outcome.OK,
            reply.said,
            {
                "session": state.session_id,
                "amount": format_amount(state.presets.amount or 0, state.currency, SPEECH, locale),
                "reference": spell_digits(state.presets.reference or ""),
            },
        )

    # ------------------------------------------------------------- card fields

    def _check_number(self, event: ConnectContactFlowEvent) -> PhoneAnswer:
        reply = self._check_field(event, Field.CARD_NUMBER, lambda digits: KeyedCard(number=digits))
        if isinstance(reply, PhoneAnswer):
            return reply
        card = reply.state.card
        if card is None:
            return self._refused(reply, Field.CARD_NUMBER)
        locale = self.locale(event)
        return PhoneAnswer(
            Outcome.OK,
            message(locale, "phone.card_taken", card=describe_card(card, SPEECH, locale)),
            # The flow asks for the code after the expiry, so it keeps the core's question for it now.
            {
                "brand": card.brand,
                "last4": spell_digits(card.last4),
                "cvvPrompt": cvv_prompt(card, SPEECH, locale),
            },
        )

    def _check_expiry(self, event: ConnectContactFlowEvent) -> PhoneAnswer:
        reply = self._check_field(event, Field.EXPIRY, lambda digits: KeyedCard(expiry=digits))
        if isinstance(reply, PhoneAnswer):
            return reply
        return PhoneAnswer(Outcome.OK, "")

    def _check_field(
        self, event: ConnectContactFlowEvent, on: Field, keyed: Callable[[str], KeyedCard]
    ) -> Reply | PhoneAnswer:
        """Send one keyed field for the engine to check: its reply when accepted, else the answer
        that asks again (or restarts the field, or ends the call)."""
        keys = self._keys(event.parameter("input"))
        if keys.restart:
            return self._restart(on, self.locale(event))
        if on is Field.CARD_NUMBER and keys.digits == LINK_KEY:  # no card number is one digit long
            keys.wipe()
            return self._send_link(event)
        try:
            turn = _failed(on) if keys.timed_out else keyed(keys.digits)
            reply = self._handle(event, turn)
            del turn
        finally:
            keys.wipe()
        if reply.invalid is not None or reply.state.phase is not Phase.ACTIVE:
            return self._refused(reply, on)
        return reply

    def _send_link(self, event: ConnectContactFlowEvent) -> PhoneAnswer:
        """The caller pressed the link key at the card number: the session's payment link goes by SMS
        to the number they call from, and the same session is finished on the web."""
        locale = self.locale(event)
        caller = event.caller_number
        if not _E164.fullmatch(caller):  # a withheld or malformed number cannot be texted
            return PhoneAnswer(Outcome.RETRY, message(locale, "phone.link_no_number"))
        try:
            sent = self.services.merchant.continue_on_web(event.parameter("session"), sms=caller)
        except MessengerError as err:
            log.error("link for contact %s not sent: %s", event.contact_data.contact_id, err)
            return PhoneAnswer(Outcome.AGENT, message(locale, "phone.link_failed"))
        except StaysOnPhoneError as refused:
            log.warning(
                "contact %s keyed for a link before the session can take one", event.contact_data.contact_id
            )
            return PhoneAnswer(Outcome.RETRY, refused.said)
        log.info("contact %s continues on the web (%s)", event.contact_data.contact_id, sent.message_id)
        return PhoneAnswer(Outcome.LINK_SENT, message(locale, "phone.link_sent"))

    def _submit_card(self, event: ConnectContactFlowEvent) -> PhoneAnswer:
        """The whole card in one turn (number and expiry from the flow's encrypted attributes): the
        engine checks it again and tokenizes it within this request."""
        code = self._keys(event.parameter("input"))
        if code.restart:
            return self._restart(Field.CVV, self.locale(event))
        number = self._keys(event.parameter("number"))
        expiry = self._keys(event.parameter("expiry"))
        try:
            if code.timed_out:
                turn: Turn = _failed(Field.CVV)
            else:
                turn = KeyedCard(number=number.digits, expiry=expiry.digits, cvv=code.digits)
            reply = self._handle(event, turn)
            del turn
        finally:
            for keys in (number, expiry, code):
                keys.wipe()
        after = reply.state
        refused = reply.invalid
        if refused is not None and after.phase is Phase.ACTIVE:
            if refused.field is Field.CVV:
                return self._refused(reply, Field.CVV)
            return PhoneAnswer(Outcome.RETRY_CARD, reply.said)
        if after.current_field is Field.CONFIRMATION and after.card is not None and after.amount is not None:
            locale = self.locale(event)
            last4 = spell_digits(after.card.last4)
            amount = format_amount(after.amount, after.currency, SPEECH, locale)
            menu = message(locale, "phone.menu", amount=amount, last4=last4)
            return PhoneAnswer(Outcome.OK, reply.said, {"last4": last4, "menu": menu})
        return self._after_turn(reply)

    # ------------------------------------------------------------- confirmation

    def _pay(self, event: ConnectContactFlowEvent) -> PhoneAnswer:
        return self._after_turn(self._handle(event, Confirm()))

    def _change_card(self, event: ConnectContactFlowEvent) -> PhoneAnswer:
        reply = self._handle(event, ChangeCard())
        if reply.state.status.terminal:
            return self._after_turn(reply)
        return PhoneAnswer(Outcome.OK, message(self.locale(event), "card_cleared"))

    def _retry(self, event: ConnectContactFlowEvent) -> PhoneAnswer:
        """A menu answer that was no choice, or none: a failed try the engine counts."""
        on = Field(event.parameter("field"))
        timed_out = event.parameter("reason") == "timeout"
        reason = FailureReason.TIMEOUT if timed_out else FailureReason.NO_CHOICE
        return self._refused(self._handle(event, FieldFailed(on, reason)), on)

    # ------------------------------------------------------------- shared

    def _handle(self, event: ConnectContactFlowEvent, turn: Turn) -> Reply:
        return self.conversations.handle(event.parameter("session"), turn, SPEECH)

    def _refused(self, reply: Reply, on: Field) -> PhoneAnswer:
        """The engine refused a try at `on` (and counted it): ask again, or, after the last allowed
        try, it has closed the session and the caller goes to an agent."""
        if reply.state.phase is not Phase.ACTIVE:
            return self._after_turn(reply)
        refused = reply.invalid
        return PhoneAnswer(Outcome.RETRY, reply.said, {"error": (refused.code or "") if refused else ""})

    def _after_turn(self, reply: Reply) -> PhoneAnswer:
        state = reply.state
        if state.status is Status.COMPLETED and state.payment is not None:
            payment = state.payment
            return PhoneAnswer(
                Outcome.COMPLETED, reply.text, {"payment": payment.id, "code": spoken_code(payment.id)}
            )
        if state.status.terminal or state.phase is Phase.REQUIRES_ACTION:
            return PhoneAnswer(Outcome.AGENT, reply.text)
        if state.payment_unconfirmed:  # the engine sends no more charges: an agent checks what went through
            return PhoneAnswer(Outcome.AGENT, reply.said)
        if state.current_field is Field.CONFIRMATION:  # e.g. the processor could not be reached
            return PhoneAnswer(Outcome.RETRY, reply.said)
        extra = {"error": state.payment.failure_code or ""} if state.payment else {}
        return PhoneAnswer(Outcome.RETRY_CARD, reply.said, extra)

    def _restart(self, on: Field, locale: Locale) -> PhoneAnswer:
        """The caller pressed *: the field again from its first key, no try counted."""
        return PhoneAnswer(Outcome.RESTART, message(locale, _RESTART[on]))

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


def _failed(on: Field) -> FieldFailed:
    return FieldFailed(on, FailureReason.TIMEOUT)


def _step_failed(step: Step, locale: Locale) -> PhoneAnswer:
    """What a step that raised answers: after `pay`, an agent checks; before it, nothing was at stake."""
    if step is Step.PAY:
        return PhoneAnswer(Outcome.AGENT, message(locale, _UNCONFIRMED))
    return PhoneAnswer(Outcome.ERROR, message(locale, _ERROR))
