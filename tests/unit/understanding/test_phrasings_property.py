"""Property tests: phrasings generated from small grammars, in both languages, read the same way.

A message is a greeting, a name with its cue and an amount with its currency, in any order, with
filler, punctuation, case and emoji around them; the name and the amount must come out whole.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from paybot_core.conversation.state import Field
from paybot_core.conversation.understanding import Intent, UnderstandingContext
from paybot_core.replies import number_words
from paybot_core.understanding import understand

FIRST = ["Jane", "José", "Trần", "Nguyễn", "Mary-Jane", "Sam", "Ana", "Noah", "Will", "Zoë", "Ólafur", "Li"]
LAST = ["Doe", "Ñúñez", "Minh An", "Văn An", "O'Brien", "O'Neil", "Lima", "Stop", "Power", "García", "Wei"]
GRAMMAR = {
    "en": {
        "greeting": ["", "hi", "hello", "heyyy", "good morning", "hi there"],
        "cue": ["my name is", "I'm", "this is", "the name on the card is", "name:", "call me"],
        "amount": ["${n}", "{n} dollars", "{n} bucks", "USD {n}", "{n}$", "{words} dollars"],
        "pay": ["I want to pay", "I'd like to pay", "I need to pay", "paying"],
        "filler": ["", "please", "thanks", "🙂", "!"],
    },
    "es": {
        "greeting": ["", "hola", "holaaa", "buenos días", "buenas tardes"],
        "cue": ["me llamo", "mi nombre es", "soy", "el nombre en la tarjeta es"],
        "amount": ["${n}", "{n} dólares", "{n} dolares", "USD {n}", "{words} dólares"],
        "pay": ["quiero pagar", "necesito pagar", "voy a pagar"],
        "filler": ["", "por favor", "gracias", "🙂", "!"],
    },
}


@st.composite
def message(draw: st.DrawFn, locale: str) -> tuple[str, str, int]:
    g = GRAMMAR[locale]
    name = f"{draw(st.sampled_from(FIRST))} {draw(st.sampled_from(LAST))}"
    n = draw(st.integers(min_value=1, max_value=9999))
    amount = draw(st.sampled_from(g["amount"])).format(n=n, words=number_words(n, locale))
    parts = [
        f"{draw(st.sampled_from(g['cue']))} {name}",
        f"{draw(st.sampled_from(g['pay']))} {amount}",
    ]
    if draw(st.booleans()):
        parts.reverse()
    joiner = draw(st.sampled_from([". ", ", ", "! ", " and " if locale == "en" else " y "]))
    greeting = draw(st.sampled_from(g["greeting"]))
    text = (greeting + draw(st.sampled_from([", ", "! ", " "])) if greeting else "") + joiner.join(parts)
    text += " " + draw(st.sampled_from(g["filler"]))
    if draw(st.booleans()):
        text = text.lower() if draw(st.booleans()) else text
    return text, name if text.count(name) else name.lower(), n * 100


def read(text: str, locale: str, expecting: Field = Field.NAME):
    return understand(
        text, UnderstandingContext(expecting=expecting, currency="usd", amount_preset=False, locale=locale)
    )


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["en", "es"]).flatmap(lambda loc: st.tuples(st.just(loc), message(loc))))
def test_name_and_amount_in_any_order_with_filler(case: tuple[str, tuple[str, str, int]]) -> None:
    locale, (text, name, minor) = case
    understood = read(text, locale)
    assert understood.name is not None and understood.name.value == name, text
    assert understood.amount is not None and understood.amount.minor == minor, text
    assert Intent.AFFIRM not in understood.intents and Intent.CANCEL not in understood.intents


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=999_999), st.sampled_from(["en", "es"]))
def test_number_words_read_back_as_the_number(n: int, locale: str) -> None:
    understood = read(number_words(n, locale), locale, Field.AMOUNT)
    assert understood.amount is not None and understood.amount.minor == n * 100


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=1, max_value=99_999_999),
    st.sampled_from(["en", "es"]),
    st.sampled_from(["{sym}{num}", "{num} USD", "USD {num}", "{num}{sym}"]),
)
def test_digits_with_grouping_and_two_decimals(cents: int, locale: str, shape: str) -> None:
    value = Decimal(cents) / 100
    text = shape.format(sym="$", num=f"{value:,.2f}")
    understood = read(text, locale, Field.AMOUNT)
    assert understood.amount is not None and understood.amount.minor == cents, text


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=1, max_value=9999), st.sampled_from(["-${n}", "$-{n}", "-{n} dollars", "minus {n}"])
)
def test_a_negative_is_never_its_absolute_value(n: int, shape: str) -> None:
    understood = read(shape.format(n=n), "en", Field.AMOUNT)
    assert understood.amount is not None and understood.amount.minor is None, shape
    assert understood.amount.problem == "negative"


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["and", "y", "ok so", "hmm", "so", "but", "maybe", "pues", "mmm", "o sea"]),
    st.sampled_from(["", "?", "...", " 🙂", "!!"]),
    st.sampled_from(["en", "es"]),
)
def test_words_that_are_no_answer_are_never_a_yes(word: str, tail: str, locale: str) -> None:
    if word == "y" and locale == "en":
        return  # "y" is English chat's yes; in Spanish it is "and"
    understood = read(word + tail, locale, Field.CONFIRMATION)
    assert Intent.AFFIRM not in understood.intents, (word, locale)
