"""Reply catalogues (replies/en.py, es.py): every locale says everything, with the same facts."""

from __future__ import annotations

import string

import pytest

from paybot_core.conversation.state import CardSummary
from paybot_core.money import Locale
from paybot_core.replies import CATALOGUES, Style, format_amount, number_words
from paybot_core.replies.render import cvv_prompt


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("locale", [loc for loc in Locale if loc is not Locale.EN])
def test_every_locale_has_every_message_with_the_same_fields(locale: Locale) -> None:
    english, other = CATALOGUES[Locale.EN], CATALOGUES[locale]
    assert set(other) == set(english)
    for key, template in english.items():
        assert fields(other[key]) == fields(template), key


@pytest.mark.parametrize("locale", list(Locale))
def test_no_message_is_empty_or_untranslated_english(locale: Locale) -> None:
    for key, template in CATALOGUES[locale].items():
        assert template.strip(), key
    if locale is not Locale.EN:
        # Identical to English and holding words, not only {fields}: forgotten in translation.
        words = {k: string.Formatter().parse(v) for k, v in CATALOGUES[locale].items()}
        same = [
            k
            for k, v in CATALOGUES[locale].items()
            if v == CATALOGUES[Locale.EN][k] and any(literal.strip(" ()") for literal, *_ in words[k])
        ]
        assert not same, same


@pytest.mark.parametrize(
    ("number", "words"),
    [(0, "cero"), (1, "uno"), (16, "dieciséis"), (21, "veintiuno"), (22, "veintidós"),
     (35, "treinta y cinco"), (100, "cien"), (101, "ciento uno"), (250, "doscientos cincuenta"),
     (1000, "mil"), (1500, "mil quinientos"),
     (21000, "veintiún mil"), (31000, "treinta y un mil"), (1_000_000, "un millón"),
     (2_500_000, "dos millones quinientos mil")],
)  # fmt: skip
def test_spanish_number_words(number: int, words: str) -> None:
    assert number_words(number, Locale.ES) == words


@pytest.mark.parametrize(
    ("minor", "currency", "spoken"),
    [(5000, "usd", "cincuenta dólares"), (100, "usd", "un dólar"), (2100, "usd", "veintiún dólares"),
     (5020, "usd", "cincuenta dólares con veinte centavos"), (101, "usd", "un dólar con un centavo"),
     (100, "gbp", "una libra"), (5000, "jpy", "cinco mil yenes")],
)  # fmt: skip
def test_amounts_spoken_in_spanish(minor: int, currency: str, spoken: str) -> None:
    assert format_amount(minor, currency, Style.SPEECH, Locale.ES) == spoken


@pytest.mark.parametrize(
    ("locale", "minor", "currency", "text"),
    [(Locale.EN, 125050, "usd", "$1,250.50"), (Locale.ES, 125050, "usd", "$1,250.50"),
     (Locale.EN, 4000, "eur", "€40.00"), (Locale.ES, 4000, "eur", "EUR40.00")],
)  # fmt: skip
def test_amounts_written_per_cldr(locale: Locale, minor: int, currency: str, text: str) -> None:
    assert format_amount(minor, currency, Style.TEXT, locale) == text


CVV_QUESTIONS = [
    ("amex", Style.SPEECH, Locale.EN, "And the four digit security code on the front of the card, "
     "then press pound."),
    ("visa", Style.SPEECH, Locale.ES, "Y el código de seguridad de tres dígitos del reverso de la tarjeta, "
     "seguido de la tecla numeral."),
    ("amex", Style.TEXT, Locale.EN, "And the 4-digit security code on the front of the card?"),
    ("unknown", Style.TEXT, Locale.ES, "¿Y el código de seguridad de 3 dígitos del reverso de la tarjeta?"),
]  # fmt: skip


@pytest.mark.parametrize(("brand", "style", "locale", "question"), CVV_QUESTIONS)
def test_the_security_codes_question_says_its_length_and_side_for_the_brand(
    brand: str, style: Style, locale: Locale, question: str
) -> None:
    """One home for where a brand prints its code and how long it is: the engine's prompt and the
    phone's flow (which asks for the code before the engine does) both say it with `cvv_prompt`."""
    assert cvv_prompt(CardSummary(brand, "0005"), style, locale) == question
