"""The rules parser, table-driven with the phrasings people actually type (not the dialogs' sentences)."""

from __future__ import annotations

import pytest

from paybot_core.conversation.state import Field
from paybot_core.conversation.understanding import Intent, UnderstandingContext, Understood
from paybot_core.pci import placeholders
from paybot_core.understanding import understand as understand_text
from paybot_core.understanding import validate_name


def understand(text: str, expecting: Field | None = Field.NAME):
    return understand_text(
        text, UnderstandingContext(expecting=expecting, currency="usd", amount_preset=False)
    )


def understand_in(text: str, locale: str, expecting: Field | None = Field.NAME):
    return understand_text(
        text, UnderstandingContext(expecting=expecting, currency="usd", amount_preset=False, locale=locale)
    )


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Jane Doe", "Jane Doe"),
        ("jane doe", "jane doe"),
        ("My name is Jane Doe", "Jane Doe"),
        ("my name's Priya Patel", "Priya Patel"),
        ("I'm Jane Doe and I want to pay", "Jane Doe"),
        ("I am Carlos Ruiz.", "Carlos Ruiz"),
        ("this is Ahmed", "Ahmed"),
        ("hi, it's Bob Smith here", "Bob Smith"),
        ("Hello! Jane Doe", "Jane Doe"),
        ("call me Li Wei", "Li Wei"),
        ("name: Ana-Maria Lopez", "Ana-Maria Lopez"),
        ("José Ñúñez", "José Ñúñez"),
        ("Mary-Jane O'Brien", "Mary-Jane O'Brien"),
        ("Mary-Jane O’Brien", "Mary-Jane O'Brien"),
        ("John Nolan", "John Nolan"),
        ("Noah", "Noah"),
        ("Bill", "Bill"),
        ("Dr. J. R. Smith", "Dr. J. R. Smith"),
        ("Владимир Петров", "Владимир Петров"),
        ("the cardholder is Sam Lee", "Sam Lee"),
        ("just call me Ana Ruiz", "Ana Ruiz"),
    ],
)
def test_names(text: str, name: str) -> None:
    fact = understand(text).name
    assert fact is not None and fact.value == name


@pytest.mark.parametrize(
    "text",
    [
        "I need to make a payment",
        "Hi, I'd like to pay my bill",
        "hello there",
        "I want to pay",
        "can you help me",
        "what do you need",
        "ok",
        "yes",
        "I'm not sure",
        "I'm ready",
        "this is my first time",
        "pay my invoice please",
        "good morning",
        "I don't know",
        # "call me" names only when a name follows it
        "can somebody call me back about this",
        "call me later please",
        "please call me at home",
        "call me when it's done",
        # who pays, or where a name goes, is not the name
        "whoever",
        "my mum pays, she's the one",
        "put it under whatever",
    ],
)
def test_intent_phrases_and_small_talk_are_not_names(text: str) -> None:
    fact = understand(text).name
    assert fact is None or fact.value is None


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("whoever, put Ana María Ruiz", "en"),
        ("my mum pays, she's Ana María Ruiz", "en"),
        ("anyone, just write Ana María Ruiz", "en"),
        ("cualquiera, ponga Ana María Ruiz", "es"),
        ("alguien, anote Ana María Ruiz", "es"),
    ],
)
def test_a_pronoun_or_a_verb_before_a_name_is_never_part_of_it(text: str, locale: str) -> None:
    fact = understand_in(text, locale).name
    assert fact is None or fact.value in (None, "Ana María Ruiz")


def test_a_bare_name_is_only_taken_when_the_bot_asked_for_one() -> None:
    assert understand("Jane Doe", Field.CONFIRMATION).name is None
    fact = understand("actually my name is Jane Smith", Field.CONFIRMATION).name
    assert fact is not None and fact.value == "Jane Smith"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("<img src=x onerror=alert(1)>", "invalid_characters"),
        ("J4ne", "invalid_characters"),
        ("x" * 101, "too_long"),
    ],
)
def test_invalid_names_are_attempts(text: str, problem: str) -> None:
    fact = understand(text).name
    assert fact is not None and fact.problem == problem


@pytest.mark.parametrize(
    ("name", "ok"), [("Al", True), ("A", False), ("O'Neil", True), ("--", False), ("A" * 100, True)]
)
def test_name_rule(name: str, ok: bool) -> None:
    assert (validate_name(name).value is not None) is ok


@pytest.mark.parametrize(
    ("text", "expecting", "minor"),
    [
        ("50", Field.AMOUNT, 5000),
        ("$50", Field.AMOUNT, 5000),
        ("50.00", Field.AMOUNT, 5000),
        ("$1,250.50", Field.AMOUNT, 125050),
        ("50 dollars", Field.AMOUNT, 5000),
        ("USD 50", Field.AMOUNT, 5000),
        ("usd50", Field.AMOUNT, 5000),
        ("$ 75.5", Field.AMOUNT, 7550),
        ("75 bucks", Field.AMOUNT, 7500),
        ("99 cents", Field.AMOUNT, 99),
        ("I want to pay $50", Field.NAME, 5000),
        ("I'm Jane Doe and I want to pay $50", Field.NAME, 5000),
        ("make it $60", Field.CONFIRMATION, 6000),
        ("make it 60", Field.CONFIRMATION, 6000),
        ("change the amount to 80", Field.CONFIRMATION, 8000),
        ("I'd like to pay 120.25 please", Field.AMOUNT, 12025),
    ],
)
def test_amounts(text: str, expecting: Field, minor: int) -> None:
    fact = understand(text, expecting).amount
    assert fact is not None and fact.minor == minor


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("0", "not_positive"),
        ("$0.00", "not_positive"),
        ("-5", "negative"),
        ("50.5555", "too_many_decimals"),
        ("fifty-ish 5 0 x", "unreadable"),
    ],
)
def test_invalid_amounts(text: str, problem: str) -> None:
    fact = understand(text, Field.AMOUNT).amount
    assert fact is not None and fact.problem == problem


def test_bare_numbers_are_not_amounts_unless_asked() -> None:
    assert understand("50", Field.CONFIRMATION).amount is None
    assert understand("my reference is 1001", Field.NAME).amount is None


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("cancel", Intent.CANCEL),
        ("Cancel.", Intent.CANCEL),
        ("stop", Intent.CANCEL),
        ("quit", Intent.CANCEL),
        ("please cancel the payment", Intent.CANCEL),
        ("never mind", Intent.CANCEL),
        ("no, cancel it", Intent.CANCEL),
        ("i want to cancel", Intent.CANCEL),
        ("restart", Intent.RESTART),
        ("can we start over", Intent.RESTART),
        ("let's start again", Intent.RESTART),
        ("help", Intent.HELP),
        ("help me please", Intent.HELP),
        ("?", Intent.HELP),
        ("what should I do", Intent.HELP),
        ("yes", Intent.AFFIRM),
        ("y", Intent.AFFIRM),
        ("Yes please", Intent.AFFIRM),
        ("ok", Intent.AFFIRM),
        ("confirm", Intent.AFFIRM),
        ("go ahead", Intent.AFFIRM),
        ("yep, pay it", Intent.AFFIRM),
        ("sure, go ahead and charge the card", Intent.AFFIRM),
        ("that's correct", Intent.AFFIRM),
        ("no", Intent.DENY),
        ("not yet", Intent.DENY),
        ("nope", Intent.DENY),
        ("wait", Intent.DENY),
        ("change the card", Intent.CHANGE_CARD),
        ("use a different card", Intent.CHANGE_CARD),
        ("the card", Intent.CHANGE_CARD),
        ("I need to change my name", Intent.CHANGE_NAME),
        ("wrong amount", Intent.CHANGE_AMOUNT),
    ],
)
def test_intents(text: str, intent: Intent) -> None:
    assert intent in understand(text, Field.CONFIRMATION).intents


@pytest.mark.parametrize(
    ("text", "not_intent"),
    [
        ("John Nolan", Intent.CANCEL),
        ("Noah", Intent.CANCEL),
        ("I don't know", Intent.CANCEL),
        ("stop by later", Intent.CANCEL),
        ("don't stop me now", Intent.CANCEL),
        ("Christopher", Intent.CANCEL),
        ("unconfirmed", Intent.AFFIRM),
        ("I'm not sure", Intent.AFFIRM),
        ("maybe", Intent.AFFIRM),
        ("yes but not now", Intent.AFFIRM),
        ("no", Intent.AFFIRM),
        ("don't pay", Intent.AFFIRM),
        ("okay wait", Intent.AFFIRM),
        ("yesterday", Intent.AFFIRM),
        ("the restart button is broken", Intent.RESTART),
        ("I helped my friend pay", Intent.HELP),
    ],
)
def test_words_inside_other_words_or_sentences_are_not_commands(text: str, not_intent: Intent) -> None:
    assert not_intent not in understand(text, Field.CONFIRMATION).intents


@pytest.mark.parametrize("locale", ["en", "es"])
@pytest.mark.parametrize("expecting", [None, *Field])
@pytest.mark.parametrize(
    "text",
    [placeholders.CARD_NUMBER, f"{placeholders.EXPIRY} {placeholders.SECURITY_CODE}", *placeholders.ALL],
)
def test_card_material_alone_says_nothing_else(text: str, expecting: Field | None, locale: str) -> None:
    """What the guard took out is no answer, name, amount, command or question, at any step."""
    context = UnderstandingContext(
        expecting=expecting, currency="usd", amount_preset=False, locale=locale, name="Jane Doe"
    )
    assert understand_text(text, context) == Understood()
