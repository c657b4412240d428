"""What the bot says: plain sentences from the engine's notices and the state after the turn.

Only masked facts reach a reply (brand and last 4, never more). `Style.SPEECH` phrases the
same content for a text-to-speech engine: amounts in words, digits spaced.
"""

from __future__ import annotations

from enum import StrEnum

from ..declines import decline_sentence
from ..money import CURRENCIES, Locale, currency_exponent, currency_name, format_money
from ..pci.cards import BRAND_DISPLAY, Brand, cvv_length
from .events import Notice, NoticeKind
from .state import CardEntry, CardSummary, Field, Phase, SessionState, Status
from .understanding import Question

_FIELD_WORDS = {
    Field.NAME: "name",
    Field.AMOUNT: "amount",
    Field.CARD_NUMBER: "card number",
    Field.EXPIRY: "expiry date",
    Field.CVV: "security code",
    Field.PAYMENT_METHOD: "card details",
    Field.CONFIRMATION: "confirmation",
}
_INVALID = {
    (
        Field.NAME,
        "invalid_characters",
    ): "A name can only have letters, spaces, apostrophes, hyphens and periods.",
    (Field.NAME, "too_long"): "That name is longer than 100 characters.",
    (Field.NAME, "too_short"): "A name needs at least two letters.",
    (Field.AMOUNT, "not_positive"): "The amount must be more than zero.",
    (Field.AMOUNT, "negative"): "The amount must be more than zero; a negative amount can't be paid.",
    (Field.AMOUNT, "too_many_decimals"): "Amounts can have at most two decimal places.",
    (Field.AMOUNT, "unreadable"): "I couldn't read that as an amount; try something like 50 or $50.00.",
    (Field.CARD_NUMBER, "too_short"): "A card number has 13 to 19 digits.",
    (Field.CARD_NUMBER, "too_long"): "A card number has 13 to 19 digits.",
    (Field.CARD_NUMBER, "checksum"): "That card number isn't valid; please check the digits.",
    (Field.CARD_NUMBER, "unknown_brand"): "I don't recognise that type of card.",
    (Field.CARD_NUMBER, "wrong_length"): "That number has the wrong number of digits for its card type.",
    (Field.EXPIRY, "format"): "Please give the expiry date as MM/YY, for example 08/29.",
    (Field.EXPIRY, "bad_month"): "The month of an expiry date is between 01 and 12.",
    (Field.EXPIRY, "expired"): "That expiry date has passed, so the card has expired.",
    (Field.EXPIRY, "too_far"): "That expiry date is too far in the future.",
    (Field.PAYMENT_METHOD, "expired_card"): "That card has expired.",
}


# Where the written wording shows a format, speech says how to key it in instead.
_SPEECH_INVALID = {
    (Field.CARD_NUMBER, "too_short"): "A card number has thirteen to nineteen digits.",
    (Field.CARD_NUMBER, "too_long"): "A card number has thirteen to nineteen digits.",
    (Field.EXPIRY, "format"): "Please key in the expiry date as four digits, month then year: for example, "
    "zero eight two nine for August twenty twenty-nine.",
    (Field.EXPIRY, "bad_month"): "The month of an expiry date is between zero one and twelve.",
}

# Tries that failed on the keypad before reaching paybot (`turns.FieldFailed`), whatever the field.
_KEYPAD_FAILURES = {
    "timeout": "Sorry, I didn't hear any keys.",
    "no_choice": "Sorry, that key isn't one of the choices.",
}


class Style(StrEnum):
    TEXT = "text"
    SPEECH = "speech"


def format_amount(minor: int, currency: str, style: Style = Style.TEXT) -> str:
    exponent = currency_exponent(currency)
    major, cents = divmod(minor, 10**exponent) if exponent else (minor, 0)
    if style is Style.SPEECH:
        known = CURRENCIES.get(currency)
        one, many, sub_one, sub_many = (
            known.spoken[Locale.EN] if known else ("", currency.upper(), "", "hundredths")
        )
        spoken = f"{number_words(major)} {one if major == 1 else many}".strip()
        if cents:
            spoken += f" and {number_words(cents)} {sub_one if cents == 1 else sub_many}"
        return spoken
    return format_money(minor, currency, Locale.EN)


_ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
)  # fmt: skip
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_SCALES = ((1_000_000_000, "billion"), (1_000_000, "million"), (1_000, "thousand"))


def number_words(number: int) -> str:
    """English words for a whole number, as a text-to-speech engine reads them best: 1250 -> one
    thousand two hundred fifty."""
    if number < 0:
        return "minus " + number_words(-number)
    if number < 20:
        return _ONES[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    if number < 1000:
        hundreds, rest = divmod(number, 100)
        return f"{_ONES[hundreds]} hundred" + (f" {number_words(rest)}" if rest else "")
    for scale, word in _SCALES:
        if number >= scale:
            high, rest = divmod(number, scale)
            return f"{number_words(high)} {word}" + (f" {number_words(rest)}" if rest else "")
    raise AssertionError("unreachable")  # pragma: no cover


def spell_digits(text: str) -> str:
    """Digits spaced so that they are read one by one ("DEMO-1001" -> "DEMO 1 0 0 1")."""
    out: list[str] = []
    for char in text:
        if char.isdigit():
            out.append(f" {char} ")
        elif char in "-_/":
            out.append(" ")
        else:
            out.append(char)
    return " ".join("".join(out).split())


def describe_card(card: CardSummary, style: Style = Style.TEXT) -> str:
    try:
        name = BRAND_DISPLAY[Brand(card.brand)]
    except ValueError:
        name = "card"
    last4 = " ".join(card.last4) if style is Style.SPEECH else card.last4
    return f"{name} ending {last4}"


def accepted_brands_text(state: SessionState) -> str:
    names = [
        BRAND_DISPLAY.get(Brand(b), b) if b in Brand.__members__.values() else b
        for b in state.limits.accepted_brands
    ]
    return ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1] if names else "no cards"


def notice_text(state: SessionState, notice: Notice, style: Style = Style.TEXT) -> str:
    """One notice's sentence on its own (channels that ask for fields themselves, like the keypad)."""
    return _notice_text(state, notice, style)


def render(
    state: SessionState, notices: tuple[Notice, ...], style: Style = Style.TEXT, *, opening: bool = False
) -> str:
    """The reply text for this turn: what happened, then what is needed next."""
    said, question = render_parts(state, notices, style, opening=opening)
    return " ".join(p for p in (said, question) if p)


_NOTICES_THAT_ASK = frozenset({NoticeKind.ASK_WHAT_TO_CHANGE})


def _left(count: int) -> str:
    """ "1 try left", "2 tries left": one word for field and payment tries alike."""
    return f"{count} {'try' if count == 1 else 'tries'} left"


def render_parts(
    state: SessionState, notices: tuple[Notice, ...], style: Style = Style.TEXT, *, opening: bool = False
) -> tuple[str, str]:
    """(what happened, the question for what is needed next): channels that ask for each field
    themselves (the phone's keypad menus) use the first alone."""
    parts: list[str] = []
    if opening:
        parts.append(_opening(state, style))
    for notice in notices:
        sentence = _notice_text(state, notice, style)
        if sentence:
            parts.append(sentence)
    # A notice that asks its own question ("what would you like to change?") is the question:
    # the field's prompt after it would ask a second one in the same breath.
    asks = any(notice.kind in _NOTICES_THAT_ASK for notice in notices)
    question = prompt(state, style) if state.phase is Phase.ACTIVE and not asks else ""
    return " ".join(p for p in parts if p), question


def _reference(state: SessionState, style: Style) -> str:
    reference = state.presets.reference or ""
    return spell_digits(reference) if style is Style.SPEECH else reference


def _opening(state: SessionState, style: Style) -> str:
    what = f" for {_reference(state, style)}" if state.presets.reference else ""
    if state.presets.amount is not None:
        return f"Hi! I can help you pay {format_amount(state.presets.amount, state.currency, style)}{what}."
    return f"Hi! I can help you make a payment{what}."


def prompt(state: SessionState, style: Style = Style.TEXT) -> str:
    """The question for the current field (none while an amount is being confirmed back)."""
    if state.pending_amount is not None:
        return ""
    current = state.current_field
    if current is Field.NAME:
        return "What is the name on the card?"
    if current is Field.AMOUNT:
        return "How much would you like to pay?"
    if current is Field.CARD_NUMBER:
        return "Please enter your card number."
    if current is Field.EXPIRY:
        return "What is the card's expiry date (MM/YY)?"
    if current is Field.CVV:
        brand = (
            Brand(state.card.brand) if state.card and state.card.brand in Brand.__members__.values() else None
        )
        where = "on the front" if brand is Brand.AMEX else "on the back"
        return f"And the {cvv_length(brand)}-digit security code {where} of the card?"
    if current is Field.PAYMENT_METHOD:
        return "Please enter your card details in the secure card form."
    if current is Field.CONFIRMATION:
        return confirmation_question(state, style)
    return ""


def confirmation_question(state: SessionState, style: Style = Style.TEXT) -> str:
    assert state.amount is not None and state.card is not None
    ref = f" for {_reference(state, style)}" if state.presets.reference else ""
    return (
        f"To confirm: {state.name} pays {format_amount(state.amount, state.currency, style)}{ref} "
        f"with the {describe_card(state.card, style)}. Shall I make the payment? (yes or no)"
    )


def decline_text(code: str | None, message: str | None) -> str:
    return decline_sentence(code) or message or "The payment did not go through."


def _tries_left(state: SessionState, on: Field | None, style: Style = Style.TEXT) -> str:
    if on is None:
        return ""
    left = state.limits.max_field_attempts - state.attempts_on(on)
    if not 0 < left < state.limits.max_field_attempts:
        return ""
    if style is Style.SPEECH:
        return f" You have {number_words(left)} {'try' if left == 1 else 'tries'} left."
    return f" ({_left(left)}.)"


def _notice_text(state: SessionState, notice: Notice, style: Style) -> str:
    kind = notice.kind
    if kind is NoticeKind.ACCEPTED:
        if notice.field is Field.NAME and state.name:
            return f"Thanks, {state.name}."
        if notice.field is Field.AMOUNT and state.amount is not None:
            return f"Got it: {format_amount(state.amount, state.currency, style)}."
        if notice.field in (Field.CARD_NUMBER, Field.PAYMENT_METHOD) and state.card and state.card.last4:
            return f"Thanks, I have your {describe_card(state.card, style)}."
        return ""
    if kind is NoticeKind.INVALID:
        return _invalid_text(state, notice, style) + _tries_left(state, notice.field, style)
    if kind is NoticeKind.AMOUNT_LOCKED:
        fixed = format_amount(state.presets.amount or 0, state.currency, style)
        return f"The amount of {fixed} was set by the merchant and can't be changed here."
    if kind is NoticeKind.USE_SECURE_FORM:
        return (
            "For your security, please don't type card numbers into the chat; I haven't kept it. "
            "Use the secure card form instead."
        )
    if kind is NoticeKind.HELP:
        return _help_text(state, notice.field)
    if kind is NoticeKind.NOT_UNDERSTOOD:
        return "Sorry, I didn't catch that."
    if kind is NoticeKind.GREETING:
        return "Happy to help."
    if kind is NoticeKind.ASK_WHAT_TO_CHANGE:
        return (
            "No problem. What would you like to change: the name, the amount or the card? "
            "You can also say cancel."
        )
    if kind is NoticeKind.NEED_YES_OR_NO:
        return "I'll only make the payment with a clear yes. Say no to change something, or cancel to stop."
    if kind is NoticeKind.CARD_CLEARED:
        return "OK, let's use a different card."
    if kind is NoticeKind.NUMBER_FIRST:
        return "Let's start with the card number."
    if kind is NoticeKind.PAYMENT_SUCCEEDED:
        return _paid_text(state, style)
    if kind is NoticeKind.PAYMENT_FAILED:
        left = state.limits.max_payment_attempts - state.payment_attempts
        reason = decline_text(notice.code, notice.text)
        if style is Style.SPEECH:
            more = f"{number_words(left)} more {'attempt' if left == 1 else 'attempts'}"
            return f"{reason} Nothing was charged. You can try another card: you have {more}."
        return f"{reason} Nothing was charged. Please try another card ({_left(left)})."
    if kind is NoticeKind.PAYMENT_NEEDS_AUTHENTICATION:
        return (
            "Your bank needs you to verify this payment. "
            "Please complete the verification step, then I'll check the result."
        )
    if kind is NoticeKind.PAYMENT_PROCESSING:
        return "Your payment is still processing. Send any message to check on it."
    if kind is NoticeKind.GATEWAY_UNAVAILABLE and style is Style.SPEECH:
        return (
            "I couldn't reach the payment processor just now. You can try again: "
            "you will never be charged twice for this payment."
        )
    if kind is NoticeKind.GATEWAY_UNAVAILABLE:
        return (
            "I couldn't reach the payment processor just now. Say yes to try again: "
            "you will never be charged twice for this payment."
        )
    if kind is NoticeKind.TOO_MANY_ATTEMPTS:
        what = _FIELD_WORDS.get(notice.field, "details") if notice.field else "details"
        if style is Style.SPEECH:
            return (
                f"Sorry, that's too many tries at the {what}, so I've closed this payment. "
                "Nothing was charged. An agent can help you pay another way."
            )
        return (
            f"Sorry, that's too many tries at the {what}, so I've closed this payment. Nothing was charged. "
            f"You can pay another way: {state.limits.support_contact}, or start a new payment."
        )
    if kind is NoticeKind.TOO_MANY_PAYMENT_ATTEMPTS:
        return (
            f"{decline_text(state.payment.failure_code if state.payment else None, None)} "
            "That was the last payment attempt for this session, and nothing was charged. "
            + (
                "An agent can help you pay another way."
                if style is Style.SPEECH
                else f"Please pay another way: {state.limits.support_contact}."
            )
        )
    if kind is NoticeKind.TOO_MANY_TURNS:
        return (
            "This conversation has gone on too long, so I've closed it. "
            "Nothing was charged. Please start a new payment."
        )
    if kind is NoticeKind.CANCELLED:
        return "OK, I've cancelled this payment. Nothing was charged. To pay later, start a new payment."
    if kind is NoticeKind.RESTARTED:
        return "Let's start over."
    if kind is NoticeKind.EXPIRED:
        return (
            "This payment session expired after being idle, and any card details were deleted. "
            "Nothing was charged. Please start a new payment."
        )
    if kind is NoticeKind.ALREADY_CLOSED:
        return _closed_text(state, style)
    if kind is NoticeKind.ANSWER:
        return answer_text(state, notice, style)
    if kind is NoticeKind.CONFIRM_AMOUNT and state.pending_amount is not None:
        return f"Did you mean {format_amount(state.pending_amount, state.currency, style)}? (yes or no)"
    if kind is NoticeKind.AMOUNT_NOT_TAKEN:
        return "OK, let's get the amount right."
    if kind is NoticeKind.PAYMENT_METHOD_REJECTED:
        return notice.text or "I couldn't use that card; please enter it again."
    return ""


def _invalid_text(state: SessionState, notice: Notice, style: Style = Style.TEXT) -> str:
    on, code = notice.field, notice.code or ""
    if code in _KEYPAD_FAILURES:
        return _KEYPAD_FAILURES[code]
    if style is Style.SPEECH and on is not None and (on, code) in _SPEECH_INVALID:
        return _SPEECH_INVALID[(on, code)]
    if on is Field.AMOUNT and code == "other_currency":
        return (
            f"This payment is in {_currency_words(state.currency)}, so I can't take an amount in "
            f"{_currency_words(notice.text or '')}."
        )
    if on is Field.AMOUNT and code == "over_max":
        return (
            f"The most I can take in one payment is {format_amount(state.limits.max_amount, state.currency)}."
        )
    if on in (Field.CARD_NUMBER, Field.PAYMENT_METHOD) and code == "brand_not_accepted":
        return f"Sorry, we accept {accepted_brands_text(state)} only."
    if on is Field.CVV:
        return f"The security code for this card is {notice.text or '3'} digits."
    if on is not None and (on, code) in _INVALID:
        return _INVALID[(on, code)]
    if notice.text:
        return notice.text
    return f"That doesn't look like a valid {_FIELD_WORDS.get(on, 'answer') if on else 'answer'}."


def _help_text(state: SessionState, on: Field | None) -> str:
    secure = state.card_entry is CardEntry.SECURE
    texts = {
        Field.NAME: "I need the cardholder's name as it appears on the card, for example Jane Doe.",
        Field.AMOUNT: "Tell me how much you want to pay, for example 50 or $50.00.",
        Field.CARD_NUMBER: "Type the long number on the front of your card; spaces are fine. "
        "It is kept encrypted and deleted as soon as the payment method is created.",
        Field.EXPIRY: "The expiry date is printed on the card as month and year, for example 08/29.",
        Field.CVV: "The security code is the short number on the card: "
        "3 digits on the back, or 4 on the front of an American Express card.",
        Field.PAYMENT_METHOD: "Enter the card number, expiry date and security code in the secure form. "
        "They go straight to the payment processor and never pass through this chat.",
        Field.CONFIRMATION: "Say yes to make the payment, or no to change the name, amount or card.",
    }
    base = texts.get(on, "") if on else ""
    if on is Field.PAYMENT_METHOD and not secure:
        base = texts[Field.CARD_NUMBER]
    return f"{base} You can say cancel at any time.".strip()


def _paid_text(state: SessionState, style: Style) -> str:
    payment = state.payment
    assert payment is not None
    card = f" with the {describe_card(state.card, style)}" if state.card else ""
    amount = format_amount(payment.amount, payment.currency, style)
    if style is Style.SPEECH:
        return (
            f"Payment successful: {amount} paid{card}. "
            f"Your confirmation code is {spoken_code(payment.id)}. Thank you!"
        )
    return f"Payment successful: {amount} paid{card}. Your confirmation reference is {payment.id}. Thank you!"


def spoken_code(payment_id: str) -> str:
    """The last six characters of a payment id, one by one: short enough to write down on a call."""
    return " ".join(payment_id[-6:].upper())


def _closed_text(state: SessionState, style: Style) -> str:
    if state.status is Status.COMPLETED and state.payment is not None:
        return (
            f"This payment is already complete (reference {state.payment.id}); nothing more will be charged. "
            "To make another payment, start a new one."
        )
    return (
        f"This payment session is {state.status.value} and nothing more can happen in it. "
        "Start a new payment to try again."
    )


def _currency_words(currency: str) -> str:
    return f"{currency_name(currency, Locale.EN)} ({currency.upper()})" if currency else "another currency"


def answer_text(state: SessionState, notice: Notice, style: Style = Style.TEXT) -> str:
    """A question answered from the session's facts (never a promise the session cannot keep)."""
    question = Question(notice.code or Question.OTHER.value)
    presets = state.presets
    if question is Question.AMOUNT_OWED:
        if presets.amount is not None:
            what = f" for {_reference(state, style)}" if presets.reference else ""
            return f"The amount due is {format_amount(presets.amount, state.currency, style)}{what}."
        if state.amount is not None:
            told = format_amount(state.amount, state.currency, style)
            return f"You told me {told}; you can change it before paying."
        return "You choose the amount: tell me how much you'd like to pay."
    if question is Question.PURPOSE:
        ref = _reference(state, style)
        if presets.description and presets.reference:
            return f"This payment is for {presets.description} (reference {ref})."
        if presets.description:
            return f"This payment is for {presets.description}."
        if presets.reference:
            return f"This payment is for reference {ref}."
        return (
            "I don't have a description of this payment; "
            "the business that sent you here can tell you what it is for."
        )
    if question is Question.SECURITY:
        if state.card_entry is CardEntry.SECURE:
            return (
                "Yes. Your card details go from the secure form straight to our payment processor over an "
                "encrypted connection; this chat never sees the full card number or security code, and only "
                "the card's brand and last 4 digits are shown."
            )
        return (
            "Yes. Card details typed here are held encrypted for this conversation only, are never logged, "
            "and are deleted as soon as the payment method is created; "
            "only the brand and last 4 digits are shown."
        )
    if question is Question.WHY_FIELD:
        return _WHY.get(notice.field, _WHY[None]) if notice.field else _WHY[None]
    if question is Question.PAYMENT_METHODS:
        brands = accepted_brands_text(state)
        asked = _brand_of(notice.text)
        if asked is not None:
            name = BRAND_DISPLAY[asked]
            if asked.value in state.limits.accepted_brands:
                return f"Yes, {name} cards are accepted."
            return f"Sorry, {name} cards aren't accepted here; we accept {brands}."
        return f"You can pay by card: we accept {brands}."
    if question is Question.OTHER_METHOD:
        method = notice.text or "that"
        brands = accepted_brands_text(state)
        return f"No, {method} isn't possible here: this payment can only be made by card ({brands})."
    if question is Question.PARTIAL:
        if presets.amount is not None:
            fixed = format_amount(presets.amount, state.currency, style)
            return f"No, the amount of {fixed} was set by the business and has to be paid in full here."
        return "You choose the amount: tell me how much you'd like to pay."
    if question is Question.PERSON:
        return (
            f"To speak to a person, {state.limits.support_contact}. "
            "This payment stays open if you'd like to finish it here."
        )
    if question is Question.COLLECTED:
        have = []
        if state.name:
            have.append(f"name {state.name}")
        if state.amount is not None:
            have.append(f"amount {format_amount(state.amount, state.currency, style)}")
        if state.card is not None and state.card.last4:
            have.append(f"card {describe_card(state.card, style)}")
        return (
            ("So far I have: " + ", ".join(have) + ".") if have else "I don't have any of your details yet."
        )
    return _help_text(state, notice.field)


_WHY: dict[Field | None, str] = {
    Field.NAME: "The name on the card lets your bank check that the payment is really yours.",
    Field.AMOUNT: "I need the amount to know how much to charge, and I'll confirm it with you before paying.",
    Field.CARD_NUMBER: "The card details are what the payment is made with; they go to the payment processor "
    "and are never stored here.",
    Field.EXPIRY: "Banks check the expiry date with the card number before they approve a payment.",
    Field.CVV: "The security code proves the card is in your hands; it is used once and never stored.",
    Field.PAYMENT_METHOD: "The card details are what the payment is made with; they go from the secure form "
    "to the payment processor and never through this chat.",
    Field.CONFIRMATION: "Nothing is charged until you say yes, so I ask before making the payment.",
    None: "I ask only for what the payment needs: the cardholder's name, the amount and the card.",
}


def _brand_of(detail: str | None) -> Brand | None:
    if not detail:
        return None
    words = detail.replace("american express", "amex").split()
    for word in reversed(words):
        try:
            return Brand(word)
        except ValueError:
            continue
    return None
