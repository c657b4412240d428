"""What the bot says: sentences from the engine's notices and the state after the turn, in the
session's language.

Only masked facts reach a reply (brand and last 4, never more). `Style.SPEECH` phrases the same
content for a text-to-speech engine: amounts in words, digits spaced. Every sentence comes from
the locale's catalogue; this module only chooses which and fills in the facts.
"""

from __future__ import annotations

from enum import StrEnum

from ..conversation.events import Notice, NoticeKind
from ..conversation.state import CardEntry, CardSummary, Field, Phase, SessionState, Status
from ..conversation.understanding import Question
from ..declines import decline_sentence
from ..money import CURRENCIES, Locale, as_locale, currency_exponent, currency_name, format_money
from ..pci.cards import BRAND_DISPLAY, Brand, brand_named, cvv_length, cvv_side
from .catalogue import CATALOGUES, message
from .speech import number_words, spell_digits, spoken_code


class Style(StrEnum):
    TEXT = "text"
    SPEECH = "speech"


# Tries that failed on the keypad before reaching paybot (`turns.FieldFailed`), whatever the field.
_KEYPAD_FAILURES = frozenset({"timeout", "no_choice"})


def locale_of(state: SessionState) -> Locale:
    return _LOCALE_OF.get(state.locale, Locale.EN)


_LOCALE_OF = {locale.value: locale for locale in Locale}


class _Say:
    """The catalogue of one reply: the session's locale and style, bound once."""

    def __init__(self, state: SessionState, style: Style) -> None:
        self.state = state
        self.style = style
        self.locale = locale_of(state)
        self.speech = style is Style.SPEECH

    def __call__(self, key: str, **fields: object) -> str:
        return message(self.locale, key, speech=self.speech, **fields)

    def has(self, key: str) -> bool:
        return key in CATALOGUES[self.locale]

    def amount(self, minor: int, currency: str | None = None) -> str:
        return format_amount(minor, currency or self.state.currency, self.style, self.locale)

    def card(self, card: CardSummary) -> str:
        return describe_card(card, self.style, self.locale)

    def reference(self) -> str:
        reference = self.state.presets.reference or ""
        return spell_digits(reference) if self.speech else reference

    def for_reference(self) -> str:
        return self("for_reference", reference=self.reference()) if self.state.presets.reference else ""

    def brands(self) -> str:
        names = [_brand_name(b) for b in self.state.limits.accepted_brands]
        if not names:
            return self("brands.none")
        return ", ".join(names[:-1]) + (self("list.and") if len(names) > 1 else "") + names[-1]

    def field(self, on: Field | None) -> str:
        return self(f"field.{on.value}" if on else "field.other")


# ---------------------------------------------------------------- amounts, cards


def format_amount(
    minor: int, currency: str, style: Style = Style.TEXT, locale: Locale | str = Locale.EN
) -> str:
    """An amount for the locale: CLDR-formatted text, or words for a voice."""
    loc = as_locale(locale)
    if style is not Style.SPEECH:
        return format_money(minor, currency, loc)
    exponent = currency_exponent(currency)
    major, cents = divmod(minor, 10**exponent) if exponent else (minor, 0)
    known = CURRENCIES.get(currency)
    one, many, sub_one, sub_many = known.spoken[loc] if known else ("", currency.upper(), "", "")
    spoken = f"{_count(major, loc, one)} {one if major == 1 else many}".strip()
    if cents:
        joiner = "con" if loc is Locale.ES else "and"
        spoken += f" {joiner} {_count(cents, loc, sub_one)} {sub_one if cents == 1 else sub_many}".rstrip()
    return spoken


def _count(n: int, loc: Locale, noun: str) -> str:
    """A number before its noun: Spanish "uno" agrees with it ("un dólar", "veintiún dólares",
    "una libra")."""
    words = number_words(n, loc)
    if loc is Locale.ES and words.endswith("uno"):
        return (
            words[:-1] + "a"
            if noun.endswith("a")
            else words[:-3] + ("ún" if words.endswith("iuno") else "un")
        )
    return words


def _brand_name(value: str) -> str:
    brand = brand_named(value)
    return BRAND_DISPLAY[brand] if brand else value


def describe_card(card: CardSummary, style: Style = Style.TEXT, locale: Locale | str = Locale.EN) -> str:
    loc = as_locale(locale)
    brand = brand_named(card.brand)
    name = BRAND_DISPLAY[brand] if brand else message(loc, "card.unknown")
    last4 = " ".join(card.last4) if style is Style.SPEECH else card.last4
    return message(loc, "card", brand=name, last4=last4)


def decline_text(code: str | None, message_text: str | None, locale: Locale | str = Locale.EN) -> str:
    """What the payer is told for a decline: the one decline table's sentence in their language."""
    loc = as_locale(locale)
    known = decline_sentence(code, loc.value)
    if known:
        return known
    # The gateway's own message is English; in another language the plain sentence says enough.
    return (message_text if loc is Locale.EN else None) or message(loc, "decline.other")


# ---------------------------------------------------------------- the reply


def notice_text(state: SessionState, notice: Notice, style: Style = Style.TEXT) -> str:
    """One notice's sentence on its own (channels that ask for fields themselves, like the keypad)."""
    return _notice_text(_Say(state, style), notice)


def render(
    state: SessionState, notices: tuple[Notice, ...], style: Style = Style.TEXT, *, opening: bool = False
) -> str:
    """The reply text for this turn: what happened, then what is needed next."""
    said, question = render_parts(state, notices, style, opening=opening)
    return " ".join(p for p in (said, question) if p)


def render_parts(
    state: SessionState, notices: tuple[Notice, ...], style: Style = Style.TEXT, *, opening: bool = False
) -> tuple[str, str]:
    """(what happened, the question for what is needed next): channels that ask for each field
    themselves (the phone's keypad menus) use the first alone."""
    say = _Say(state, style)
    parts: list[str] = []
    if opening:
        parts.append(_opening(say))
    for notice in notices:
        sentence = _notice_text(say, notice)
        if sentence:
            parts.append(sentence)
    # A notice that asks its own question ("what would you like to change?") is the question:
    # the field's prompt after it would ask a second one in the same breath. One that stops the
    # payment (no charge is sent again) must not be followed by "shall I go ahead?".
    asks = any(notice.kind in _NOTICES_WITHOUT_PROMPT for notice in notices)
    open_question = state.phase is Phase.ACTIVE or state.current_field is Field.RECEIPT_EMAIL
    question = _prompt(say) if open_question and not asks else ""
    return " ".join(p for p in parts if p), question


_NOTICES_WITHOUT_PROMPT = frozenset({NoticeKind.ASK_WHAT_TO_CHANGE, NoticeKind.PAYMENT_UNCONFIRMED})


def _opening(say: _Say) -> str:
    amount = say.state.presets.amount
    what = say.for_reference()
    description = say.state.presets.description
    if description:  # the merchant's words, quoted as given: a payment link's greeting names them
        what += say("opening.description" if what else "for_description", description=description)
    if amount is not None and say.state.presets.partial:
        minimum = say.amount(say.state.presets.partial_minimum or 0)
        return say("opening.partial", amount=say.amount(amount), for_reference=what, minimum=minimum)
    if amount is not None:
        return say("opening.amount", amount=say.amount(amount), for_reference=what)
    return say("opening", for_reference=what)


def prompt(state: SessionState, style: Style = Style.TEXT) -> str:
    """The question for the current field (none while an amount is being confirmed back)."""
    return _prompt(_Say(state, style))


def _prompt(say: _Say) -> str:
    state = say.state
    if state.pending_amount is not None:
        return ""
    current = state.current_field
    if current is None:
        return ""
    if current is Field.CVV:
        return cvv_prompt(state.card, say.style, say.locale)
    if current is Field.CONFIRMATION:
        return confirmation_question(state, say.style)
    if current is Field.AMOUNT and state.presets.partial:
        due, minimum = state.presets.amount or 0, state.presets.partial_minimum or 0
        return say("prompt.amount.partial", amount=say.amount(due), minimum=say.amount(minimum))
    return say(f"prompt.{current.value}")


def cvv_prompt(card: CardSummary | None, style: Style = Style.TEXT, locale: Locale | str = Locale.EN) -> str:
    """The question for the security code of `card`: how many digits, on which side (Amex: the front).
    A channel that asks for the code before the engine does (the phone's flow) asks it so too."""
    loc = as_locale(locale)
    brand = brand_named(card.brand) if card else None
    speech = style is Style.SPEECH
    digits = number_words(cvv_length(brand), loc) if speech else cvv_length(brand)
    return message(loc, f"prompt.cvv.{cvv_side(brand)}", speech=speech, digits=digits)


def confirmation_question(state: SessionState, style: Style = Style.TEXT) -> str:
    assert state.amount is not None and state.card is not None
    say = _Say(state, style)
    left = state.amount_left
    if left:
        return say(
            "prompt.confirmation.partial",
            name=state.name,
            amount=say.amount(state.amount),
            due=say.amount(state.presets.amount or 0),
            left=say.amount(left),
            for_reference=say.for_reference(),
            card=say.card(state.card),
        )
    return say(
        "prompt.confirmation",
        name=state.name,
        amount=say.amount(state.amount),
        for_reference=say.for_reference(),
        card=say.card(state.card),
    )


def _tries_left(say: _Say, on: Field | None) -> str:
    if on is None:
        return ""
    limits = say.state.limits
    left = limits.max_field_attempts - say.state.attempts_on(on)
    if not 0 < left < limits.max_field_attempts:
        return ""
    return say(
        "tries_left.one" if left == 1 else "tries_left.many",
        left=left,
        left_words=number_words(left, say.locale),
    )


_SIMPLE = {
    NoticeKind.USE_SECURE_FORM: "use_secure_form",
    NoticeKind.NOT_UNDERSTOOD: "not_understood",
    NoticeKind.GREETING: "greeting",
    NoticeKind.ASK_WHAT_TO_CHANGE: "ask_what_to_change",
    NoticeKind.NEED_YES_OR_NO: "need_yes_or_no",
    NoticeKind.NOTHING_TO_CHANGE: "nothing_to_change",
    NoticeKind.CARD_CLEARED: "card_cleared",
    NoticeKind.NUMBER_FIRST: "number_first",
    NoticeKind.PAYMENT_NEEDS_AUTHENTICATION: "needs_authentication",
    NoticeKind.PAYMENT_PROCESSING: "processing",
    NoticeKind.GATEWAY_UNAVAILABLE: "gateway_unavailable",
    NoticeKind.TOO_MANY_TURNS: "too_many_turns",
    NoticeKind.CANCELLED: "cancelled",
    NoticeKind.RESTARTED: "restarted",
    NoticeKind.EXPIRED: "expired",
    NoticeKind.AMOUNT_NOT_TAKEN: "amount_not_taken",
    NoticeKind.CONTINUED_ON_WEB: "continued_on_web",
    NoticeKind.RECEIPT_OFFERED: "",  # the receipt's question is the prompt of its field
}


def _notice_text(say: _Say, notice: Notice) -> str:
    state, kind = say.state, notice.kind
    if kind in _SIMPLE:
        return say(_SIMPLE[kind]) if _SIMPLE[kind] else ""
    if kind is NoticeKind.ACCOUNT_FOUND:  # the session goes on as if created with the account's presets
        return _opening(say)
    if kind is NoticeKind.ACCOUNT_FIRST:
        return say("account_first")
    if kind is NoticeKind.PAYMENT_UNCONFIRMED:
        return say("payment_unconfirmed.stopped", contact=state.limits.support_contact)
    if kind is NoticeKind.RECEIPT_REQUESTED:
        return say("receipt_requested", email=masked_email(state.receipt_email or ""))
    if kind in (NoticeKind.RECEIPT_DECLINED, NoticeKind.RECEIPT_GIVEN_UP):
        reference = state.payment.id if state.payment else ""
        return say(kind.value, reference=spoken_code(reference) if say.speech else reference)
    if kind is NoticeKind.ACCEPTED:
        if notice.field is Field.NAME and state.name:
            return say("accepted.name", name=state.name)
        if notice.field is Field.AMOUNT and state.amount is not None:
            if state.amount_left:
                return say(
                    "accepted.amount.partial",
                    amount=say.amount(state.amount),
                    left=say.amount(state.amount_left),
                )
            return say("accepted.amount", amount=say.amount(state.amount))
        if notice.field in (Field.CARD_NUMBER, Field.PAYMENT_METHOD) and state.card and state.card.last4:
            return say("accepted.card", card=say.card(state.card))
        return ""
    if kind is NoticeKind.INVALID:
        return _invalid_text(say, notice) + _tries_left(say, notice.field)
    if kind is NoticeKind.AMOUNT_LOCKED:
        return say("amount_locked", amount=say.amount(state.presets.amount or 0))
    if kind is NoticeKind.HELP:
        return _help_text(say, notice.field)
    if kind is NoticeKind.PAYMENT_SUCCEEDED:
        return _paid_text(say)
    if kind is NoticeKind.PAYMENT_FAILED:
        left = state.limits.max_payment_attempts - state.payment_attempts
        return say(
            "payment_failed",
            reason=decline_text(notice.code, notice.text, say.locale),
            tries_left=say("left.one" if left == 1 else "left.many", left=left),
            left=left,
            left_words=number_words(left, say.locale),
            attempts=say("attempts.one" if left == 1 else "attempts.many"),
        )
    if kind is NoticeKind.TOO_MANY_ATTEMPTS:
        return say("too_many_attempts", what=say.field(notice.field), contact=_support_contact(say, state))
    if kind is NoticeKind.TOO_MANY_PAYMENT_ATTEMPTS:
        code = state.payment.failure_code if state.payment else None
        return say(
            "too_many_payment_attempts",
            reason=decline_text(code, None, say.locale),
            contact=_support_contact(say, state),
        )
    if kind is NoticeKind.PAYMENT_NOT_POSSIBLE:
        return say(
            "payment_not_possible",
            reason=decline_text(notice.code, notice.text, say.locale),
            contact=_support_contact(say, state),
        )
    if kind is NoticeKind.ALREADY_CLOSED:
        if state.status is Status.COMPLETED and state.payment is not None:
            return say("closed.completed", reference=state.payment.id)
        return say("closed", status=say(f"status.{state.status.value}"))
    if kind is NoticeKind.ANSWER:
        return _answer_text(say, notice)
    if kind is NoticeKind.CONFIRM_AMOUNT and state.pending_amount is not None:
        return say("confirm_amount", amount=say.amount(state.pending_amount))
    if kind is NoticeKind.PAYMENT_METHOD_REJECTED:
        return notice.text or say("payment_method_rejected")
    return ""


def _invalid_text(say: _Say, notice: Notice) -> str:
    state = say.state
    on, code = notice.field, notice.code or ""
    if code in _KEYPAD_FAILURES:
        return say(f"invalid.keypad.{code}")
    if on is Field.AMOUNT and code == "other_currency":
        return say(
            "invalid.amount.other_currency",
            session_currency=_currency_words(say, state.currency),
            other=_currency_words(say, notice.text or ""),
        )
    if on is Field.AMOUNT and code in ("over_due", "under_minimum"):
        presets = state.presets
        return say(
            f"invalid.amount.{code}",
            amount=say.amount(presets.amount or 0),
            minimum=say.amount(presets.partial_minimum or 0),
        )
    if on is Field.AMOUNT and code == "over_max":
        return say(
            "invalid.amount.over_max",
            amount=format_money(state.limits.max_amount, state.currency, say.locale),
        )
    if on in (Field.CARD_NUMBER, Field.PAYMENT_METHOD) and code == "brand_not_accepted":
        return say("invalid.brand_not_accepted", brands=say.brands())
    if on is Field.CVV:
        return say("invalid.cvv", digits=notice.text or "3")
    if on is not None and say.has(f"invalid.{on.value}.{code}"):
        return say(f"invalid.{on.value}.{code}")
    if notice.text:
        return notice.text
    return say("invalid.other", what=say.field(on))


def _currency_words(say: _Say, currency: str) -> str:
    if not currency:
        return say("currency.other")
    return say("currency", name=currency_name(currency, say.locale), code=currency.upper())


def _help_text(say: _Say, on: Field | None) -> str:
    if on is Field.PAYMENT_METHOD and say.state.card_entry is not CardEntry.SECURE:
        on = Field.CARD_NUMBER
    base = say(f"help.{on.value}") if on is not None and say.has(f"help.{on.value}") else ""
    if on is Field.RECEIPT_EMAIL:  # the payment is made: nothing is left to cancel
        return base
    return f"{base} {say('help.cancel')}".strip()


def _paid_text(say: _Say) -> str:
    state, payment = say.state, say.state.payment
    assert payment is not None
    with_card = say("with_card", card=say.card(state.card)) if state.card else ""
    reference = spoken_code(payment.id) if say.speech else payment.id
    paid = say(
        "paid",
        amount=format_amount(payment.amount, payment.currency, say.style, say.locale),
        with_card=with_card,
        reference=reference,
    )
    left = state.amount_left
    if left:
        paid += " " + say("paid.left", left=say.amount(left), for_reference=say.for_reference())
    return paid


# ---------------------------------------------------------------- questions answered


def answer_text(state: SessionState, notice: Notice, style: Style = Style.TEXT) -> str:
    """A question answered from the session's facts (never a promise the session cannot keep)."""
    return _answer_text(_Say(state, style), notice)


def _answer_text(say: _Say, notice: Notice) -> str:
    state, presets = say.state, say.state.presets
    question = Question(notice.code or Question.OTHER.value)
    if question is Question.AMOUNT_OWED:
        if presets.amount is not None:
            return say(
                "answer.amount_owed.preset",
                amount=say.amount(presets.amount),
                for_reference=say.for_reference(),
            )
        if state.amount is not None:
            return say("answer.amount_owed.given", amount=say.amount(state.amount))
        return say("answer.amount_owed.open")
    if question is Question.PURPOSE:
        description, reference = presets.description, say.reference()
        if description and reference:
            return say("answer.purpose.both", description=description, reference=reference)
        if description:
            return say("answer.purpose.description", description=description)
        if reference:
            return say("answer.purpose.reference", reference=reference)
        return say("answer.purpose.none")
    if question is Question.SECURITY:
        return say(
            "answer.security.secure" if state.card_entry is CardEntry.SECURE else "answer.security.typed"
        )
    if question is Question.WHY_FIELD:
        return say(f"why.{notice.field.value}" if notice.field else "why.other")
    if question is Question.PAYMENT_METHODS:
        asked = _brand_of(notice.text)
        if asked is None:
            return say("answer.methods", brands=say.brands())
        accepted = asked.value in state.limits.accepted_brands
        key = "answer.brand.accepted" if accepted else "answer.brand.refused"
        return say(key, brand=BRAND_DISPLAY[asked], brands=say.brands())
    if question is Question.OTHER_METHOD:
        method = notice.text or say("answer.other_method.unnamed")
        return say("answer.other_method", method=method, brands=say.brands())
    if question is Question.PARTIAL:
        if presets.partial:
            return say(
                "answer.partial.allowed",
                amount=say.amount(presets.amount or 0),
                minimum=say.amount(presets.partial_minimum or 0),
            )
        if presets.amount is not None:
            return say("answer.partial.fixed", amount=say.amount(presets.amount))
        return say("answer.partial.open")
    if question is Question.PERSON:
        return say("answer.person", contact=_support_contact(say, state))
    if question is Question.COLLECTED:
        items = []
        if state.name:
            items.append(say("answer.collected.name", name=state.name))
        if state.amount is not None:
            items.append(say("answer.collected.amount", amount=say.amount(state.amount)))
        if state.card is not None and state.card.last4:
            items.append(say("answer.collected.card", card=say.card(state.card)))
        return say("answer.collected", items=", ".join(items)) if items else say("answer.collected.none")
    return _help_text(say, notice.field)


def masked_email(address: str) -> str:
    """An address as the reply shows it: the first letter and the domain ("j***@example.com"), so a
    payer can catch a wrong domain while a reply (which a model may phrase) never carries it whole."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else ""


def _brand_of(detail: str | None) -> Brand | None:
    if not detail:
        return None
    for word in reversed(detail.replace("american express", "amex").split()):
        try:
            return Brand(word)
        except ValueError:
            continue
    return None


def _support_contact(say: _Say, state: SessionState) -> str:
    """The merchant's own words when PAYBOT_SUPPORT_CONTACT is set, else the catalogue's, in the
    session's language (an English default inside a Spanish sentence reads as a fault)."""
    return state.limits.support_contact or say("support.default")
