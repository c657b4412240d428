"""Classes found by typing as payers do, before the outside check of issue 12 (2026-12-02).

Each table holds several phrasings of one class, in English and Spanish, none of them a sentence
of the public dialogs: the rule under test is the class, not the sentence."""

from __future__ import annotations

import pytest

from paybot_core.conversation.state import Field
from paybot_core.conversation.understanding import Intent, UnderstandingContext
from paybot_core.understanding import understand as understand_text


def understand(text: str, expecting: Field | None = Field.NAME, locale: str = "en"):
    return understand_text(
        text,
        UnderstandingContext(expecting=expecting, currency="usd", amount_preset=False, locale=locale),
    )


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("idk", "en"),
        ("idk lol", "en"),
        ("dunno", "en"),
        ("lol", "en"),
        ("omg", "en"),
        ("ugh", "en"),
        ("huh", "en"),
        ("oops", "en"),
        ("hahaha", "en"),
        ("nvm", "en"),
        ("jaja", "es"),
        ("ns", "es"),
        ("porfa", "es"),
        ("ups", "es"),
    ],
)
def test_chat_shorthand_and_interjections_are_never_names(text: str, locale: str) -> None:
    fact = understand(text, locale=locale).name
    assert fact is None or fact.value is None, fact


@pytest.mark.parametrize(
    ("text", "name", "locale"),
    [
        ("its mike", "mike", "en"),
        ("its Dana Cole", "Dana Cole", "en"),
        ("hello, Sarah here", "Sarah", "en"),
        ("Sarah Jones here", "Sarah Jones", "en"),
        ("hi! Tom Lee speaking", "Tom Lee", "en"),
        ("my name is actually Anne Lee", "Anne Lee", "en"),
        ("wait my name is actually Anne Lee", "Anne Lee", "en"),
        ("the name on the card is really Bo Chen", "Bo Chen", "en"),
        ("my name's just Kim", "Kim", "en"),
        ("mi nombre es en realidad Ana Ruiz", "Ana Ruiz", "es"),
        ("me llamo de hecho Luis Gil", "Luis Gil", "es"),
        ("hola, Marta Vega aquí", "Marta Vega", "es"),
    ],
)
def test_name_cues_people_type(text: str, name: str, locale: str) -> None:
    fact = understand(text, locale=locale).name
    assert fact is not None and fact.value == name, fact


def _amount(text: str, expecting: Field | None, locale: str = "en"):
    return understand(text, expecting, locale).amount


@pytest.mark.parametrize(
    ("text", "minor", "locale"),
    [
        ("1 thousand", 100_000, "en"),
        ("2 hundred", 20_000, "en"),
        ("3 grand", 300_000, "en"),
        ("$1.5k", 150_000, "en"),
        ("2k", 200_000, "en"),
        ("2 mil", 200_000, "es"),
        ("1,5 mil dólares", 150_000, "es"),
    ],
)
def test_digits_with_a_scale_word(text: str, minor: int, locale: str) -> None:
    fact = _amount(text, Field.AMOUNT, locale)
    assert fact is not None and fact.minor == minor and fact.problem is None, fact


@pytest.mark.parametrize("text", ["$1.200", "1.250", "pay 2.500", "3.000 dollars", "50.555"])
def test_three_digits_after_a_dot_are_asked_back_in_english(text: str) -> None:
    """No amount has three decimals: "$1.200" is likely the other convention's thousand, never $1.20."""
    fact = _amount(text, Field.AMOUNT)
    assert fact is not None and fact.problem == "ambiguous" and fact.minor is not None
    assert fact.minor >= 100_000  # the thousands reading, to confirm back


@pytest.mark.parametrize(
    ("text", "minor", "expecting", "locale"),
    [
        ("oops no, 205", 20_500, Field.CARD_NUMBER, "en"),
        ("sorry, 215", 21_500, Field.CARD_NUMBER, "en"),
        ("no wait 230", 23_000, Field.NAME, "en"),
        ("whoops: 75.50", 7_550, Field.CONFIRMATION, "en"),
        ("no, 60", 6_000, Field.CONFIRMATION, "en"),
        ("my bad, 45", 4_500, Field.CARD_NUMBER, "en"),
        ("perdón, 260", 26_000, Field.CARD_NUMBER, "es"),
        ("uy no, 215", 21_500, Field.CONFIRMATION, "es"),
        ("espera, 90", 9_000, Field.NAME, "es"),
    ],
)
def test_a_number_after_only_a_correction_opener_is_the_new_amount(
    text: str, minor: int, expecting: Field, locale: str
) -> None:
    fact = _amount(text, expecting, locale)
    assert fact is not None and fact.minor == minor, fact


@pytest.mark.parametrize("text", ["no", "oops", "sorry, 2 cards", "no thanks 5 times"])
def test_an_opener_without_a_lone_number_is_no_amount(text: str) -> None:
    assert _amount(text, Field.CARD_NUMBER) is None


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("actually I don't want to do this anymore", "en"),
        ("i dont want to continue", "en"),
        ("I don't want to pay after all", "en"),
        ("wait, I do not want to do this", "en"),
        ("ya no quiero seguir", "es"),
        ("no quiero hacer esto", "es"),
        ("ya no quiero", "es"),
    ],
)
def test_not_wanting_to_go_on_cancels(text: str, locale: str) -> None:
    assert understand(text, Field.CARD_NUMBER, locale).has(Intent.CANCEL)


@pytest.mark.parametrize(
    ("text", "kind", "locale"),
    [
        ("whats this charge for??", "purpose", "en"),
        ("what is this?", "purpose", "en"),
        ("what's this about", "purpose", "en"),
        ("is my card info stored anywhere?", "security", "en"),
        ("is it encrypted", "security", "en"),
        ("are you going to save my card?", "security", "en"),
        ("is my info safe?", "security", "en"),
        ("de qué se trata?", "purpose", "es"),
        ("¿guardan mis datos?", "security", "es"),
        ("¿está cifrado?", "security", "es"),
    ],
)
def test_question_kinds_in_other_words(text: str, kind: str, locale: str) -> None:
    question = understand(text, Field.NAME, locale).question
    assert question is not None and question.value == kind, question


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("change the expiry", "en"),
        ("the expiry is wrong", "en"),
        ("no, change the expiry, it's 11/28", "en"),
        ("I need to fix the security code", "en"),
        ("wrong cvv", "en"),
        ("the card number was wrong", "en"),
        ("cambiar el vencimiento", "es"),
        ("el código está mal", "es"),
    ],
)
def test_changing_a_card_detail_is_entering_the_card_again(text: str, locale: str) -> None:
    assert understand(text, Field.CONFIRMATION, locale).has(Intent.CHANGE_CARD)


@pytest.mark.parametrize("text", ["cvv 123", "the expiry", "security code", "my cvv is on the back"])
def test_a_card_detail_named_without_a_change_is_no_change(text: str) -> None:
    assert not understand(text, Field.CVV).has(Intent.CHANGE_CARD)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Al Green", "Al Green"),
        ("my name is Al Green", "Al Green"),
        ("Van Morrison", "Van Morrison"),
        ("Del Shannon", "Del Shannon"),
        ("ahmed al hassan", "ahmed al hassan"),
    ],
)
def test_a_capitalised_particle_first_is_a_first_name(text: str, name: str) -> None:
    fact = understand(text).name
    assert fact is not None and fact.value == name, fact


@pytest.mark.parametrize("text", ["de la", "van", "al", "de"])
def test_particles_alone_are_no_name(text: str) -> None:
    fact = understand(text).name
    assert fact is None or fact.value is None, fact


@pytest.mark.parametrize(
    ("text", "minor", "locale"),
    [
        ("I owe 120 but can only pay 60", 6_000, "en"),
        ("my balance is $300, I'll pay $100 today", 10_000, "en"),
        ("my account balance is $300, I'll pay $100", 10_000, "en"),
        ("pay 50, I owe 200", 5_000, "en"),
        ("i owe $120", 12_000, "en"),
        ("debo 500 pero solo puedo pagar 200", 20_000, "es"),
        ("le debo 80", 8_000, "es"),
    ],
)
def test_what_is_paid_now_wins_over_what_is_owed(text: str, minor: int, locale: str) -> None:
    fact = _amount(text, Field.AMOUNT, locale)
    assert fact is not None and fact.minor == minor, fact


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("what do i type here?", "en"),
        ("what should I enter", "en"),
        ("now what", "en"),
        ("i dont get it", "en"),
        ("qué escribo aquí?", "es"),
        ("y ahora qué", "es"),
    ],
)
def test_asking_what_to_type_is_help(text: str, locale: str) -> None:
    understood = understand(text, Field.NAME, locale)
    assert understood.has(Intent.HELP) or understood.question is not None
    assert understood.name is None


@pytest.mark.parametrize(
    ("text", "minor", "locale"),
    [
        ("no not 15, 50", 5_000, "en"),
        ("not 15 but 50", 5_000, "en"),
        ("pay 40, not 400", 4_000, "en"),
        ("not fifteen, fifty", 5_000, "en"),
        ("en vez de 15, 50", 5_000, "es"),
    ],
)
def test_the_value_after_not_is_taken_back(text: str, minor: int, locale: str) -> None:
    fact = _amount(text, Field.CARD_NUMBER, locale)
    assert fact is not None and fact.minor == minor, fact


@pytest.mark.parametrize(
    ("text", "minor", "locale"),
    [
        ("son ochenta y cinco dólares con cincuenta", 8_550, "es"),
        ("85 dólares con 50", 8_550, "es"),
        ("40 dollars and 25", 4_025, "en"),
        ("forty dollars and twenty-five", 4_025, "en"),
        ("50 dollars and 2 cards", 5_000, "en"),
    ],
)
def test_cents_said_after_the_currency_word(text: str, minor: int, locale: str) -> None:
    fact = _amount(text, Field.AMOUNT, locale)
    assert fact is not None and fact.minor == minor, fact


def test_a_name_ending_in_a_period_is_not_followed_by_a_second_one() -> None:
    from paybot_core.money import Locale
    from paybot_core.replies.catalogue import message

    assert message(Locale.EN, "accepted.name", name="Chris P.") == "Thanks, Chris P."
    assert message(Locale.ES, "accepted.name", name="Dr.") == "Gracias, Dr."


@pytest.mark.parametrize("text", ["$ 1 2 0", "1 2 3 dollars", "pay $ 4 5", "5 0"])
def test_digits_typed_apart_are_never_one_of_them(text: str) -> None:
    """ "$ 1 2 0" was charged as $1.00: which number is meant is unclear, so it is asked again."""
    fact = _amount(text, Field.AMOUNT)
    assert fact is not None and fact.minor is None and fact.problem == "unreadable", fact


@pytest.mark.parametrize(
    ("text", "name", "minor"),
    [
        ("Jane Doe 50", "Jane Doe", 5_000),
        ("hi Sam Lee 40.50", "Sam Lee", 4_050),
        ("Ana Ruiz 120", "Ana Ruiz", 12_000),
    ],
)
def test_a_name_then_a_number_where_the_name_was_asked_gives_both(text: str, name: str, minor: int) -> None:
    understood = understand(text, Field.NAME)
    assert understood.name is not None and understood.name.value == name
    assert understood.amount is not None and understood.amount.minor == minor


@pytest.mark.parametrize(
    "text", ["cvn 512", "csc: 512", "CV2 512", "pin 512", "sec code 512", "security number 512"]
)
def test_the_label_of_a_code_the_guard_took_is_never_a_name(text: str) -> None:
    """ "cvn 512" at the name prompt stored "cvn" as the name: a code's label, of any spelling."""
    from paybot_core.pci.capture import Expecting, capture_card_material

    redacted, _ = capture_card_material(text, Expecting.OTHER, typed_entry=False)
    fact = understand(redacted).name
    assert fact is None or fact.value is None, (redacted, fact)


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("this is ridiculous", "en"),
        ("its late", "en"),
        ("it's too expensive", "en"),
        ("it's urgent", "en"),
        ("its visa", "en"),
        ("es tarde", "es"),
        ("esto es ridículo", "es"),
        ("es visa", "es"),
    ],
)
@pytest.mark.parametrize("expecting", [Field.NAME, Field.CARD_NUMBER, Field.CONFIRMATION])
def test_how_things_are_after_a_weak_cue_is_no_name(text: str, locale: str, expecting: Field) -> None:
    """ "this is ridiculous" at the card step replaced the name with "ridiculous"."""
    fact = understand(text, expecting, locale).name
    assert fact is None or fact.value is None, fact


@pytest.mark.parametrize(
    ("text", "expecting", "name"),
    [
        ("it's Dana", Field.CARD_NUMBER, "Dana"),
        ("this is Dana Cole", Field.CONFIRMATION, "Dana Cole"),
        ("its mike", Field.NAME, "mike"),
        ("i'm dana", Field.NAME, "dana"),
    ],
)
def test_a_name_after_a_weak_cue_is_still_a_name(text: str, expecting: Field, name: str) -> None:
    fact = understand(text, expecting).name
    assert fact is not None and fact.value == name, fact


@pytest.mark.parametrize(
    ("text", "minor", "locale"),
    [
        ("it's 45.99", 4_599, "en"),
        ("its 45", 4_500, "en"),
        ("that's 120.50 please", 12_050, "en"),
        ("it comes to 19.99", 1_999, "en"),
        ("the bill is 45.99", 4_599, "en"),
        ("my balance is 82", 8_200, "en"),
        ("es 45.99", 4_599, "es"),
        ("el saldo es 45.99", 4_599, "es"),
        ("la factura es de 120", 12_000, "es"),
        ("el total es de 64.20", 6_420, "es"),
    ],
)
@pytest.mark.parametrize("expecting", [Field.NAME, Field.CARD_NUMBER, Field.CONFIRMATION])
def test_what_something_comes_to_is_the_amount_at_any_step(
    text: str, minor: int, locale: str, expecting: Field
) -> None:
    # Outside the amount step a number needs a word saying it is money; "it's", "the bill is" and
    # "es de" say so as much as "pay" does (they were ignored: "Sorry, I didn't catch that").
    fact = _amount(text, expecting, locale)
    assert fact is not None and fact.minor == minor, fact


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("it's 2 cards", "en"),
        ("that's 3 tries", "en"),
        ("its 10 past", "en"),
        ("es la 2 de 3", "es"),
        # what a label names, said the same way: a reference, an account, a postcode
        ("my order, it's 2231", "en"),
        ("mi referencia es 1001", "es"),
        ("el número de cuenta es 1001", "es"),
        ("mi código postal es 28001", "es"),
        ("la factura es 2231", "es"),
    ],
)
def test_a_number_that_does_not_end_its_clause_after_a_weak_cue_is_no_amount(text: str, locale: str) -> None:
    assert _amount(text, Field.NAME, locale) is None


def test_a_name_after_what_it_comes_to_is_taken_too() -> None:
    understood = understand("It's 45.99, Maria Gonzalez", Field.NAME)
    assert understood.amount is not None and understood.amount.minor == 4_599
    assert understood.name is not None and understood.name.value == "Maria Gonzalez"


@pytest.mark.parametrize(
    ("text", "name", "locale"),
    [
        ("ok Bob Brown", "Bob Brown", "en"),
        ("Okay Li Wei", "Li Wei", "en"),
        ("umm Bob Brown", "Bob Brown", "en"),
        ("yeah Priya Patel", "Priya Patel", "en"),
        ("alright Tom Lee", "Tom Lee", "en"),
        ("ok María López", "María López", "es"),
        ("pues Ana Ruiz", "Ana Ruiz", "es"),
        ("eh Jorge Díaz", "Jorge Díaz", "es"),
    ],
)
def test_what_opens_an_answer_is_not_part_of_the_name(text: str, name: str, locale: str) -> None:
    # "ok Bob Brown" was refused, and in Spanish "ok María López" was stored as the name whole.
    understood = understand(text, Field.NAME, locale)
    assert understood.name is not None and understood.name.value == name


@pytest.mark.parametrize("text", ["So Yeon Park", "Oh Min Ji", "ok", "umm", "pues"])
def test_a_word_that_may_be_a_name_is_never_dropped_as_an_opener(text: str) -> None:
    understood = understand(text, Field.NAME)
    assert understood.name is None or understood.name.value in (None, text), understood.name


@pytest.mark.parametrize(
    ("text", "name", "locale"),
    [
        ("cardholder name Bob Brown", "Bob Brown", "en"),
        ("name on card Li Wei", "Li Wei", "en"),
        ("the card says Bob Brown", "Bob Brown", "en"),
        ("Robert Brown but the card says Bob Brown", "Bob Brown", "en"),
        ("Bob Brown is on the card", "Bob Brown", "en"),
        ("la tarjeta dice María López", "María López", "es"),
        ("María López es el nombre en la tarjeta", "María López", "es"),
    ],
)
def test_the_name_the_card_shows_however_it_is_labelled(text: str, name: str, locale: str) -> None:
    # "cardholder name Bob Brown" was stored with its label; "the card says ..." was not read.
    understood = understand(text, Field.NAME, locale)
    assert understood.name is not None and understood.name.value == name


@pytest.mark.parametrize(
    ("text", "expecting", "locale"),
    [
        ("I don't have a cvv", Field.CVV, "en"),
        ("there's no code on my card", Field.CVV, "en"),
        ("i cant find the security code", Field.CVV, "en"),
        ("it's worn off", Field.CVV, "en"),
        ("I can't find the expiry date", Field.EXPIRY, "en"),
        ("I don't have my card number", Field.CARD_NUMBER, "en"),
        ("no encuentro el código", Field.CVV, "es"),
        ("mi tarjeta no tiene cvv", Field.CVV, "es"),
        ("no se ve la fecha", Field.EXPIRY, "es"),
    ],
)
def test_a_detail_the_payer_cannot_find_asks_for_help(text: str, expecting: Field, locale: str) -> None:
    # These were "Sorry, I didn't catch that": the help for the field says where to find it.
    understood = understand(text, expecting, locale)
    assert understood.has(Intent.HELP), understood


@pytest.mark.parametrize(
    ("text", "locale"),
    [("I don't have the money right now", "en"), ("there is no way", "en"), ("no tengo dinero", "es")],
)
def test_not_having_something_else_is_no_help(text: str, locale: str) -> None:
    assert not understand(text, Field.CVV, locale).has(Intent.HELP)
