"""Reply catalogues (replies/en.py, es.py): every locale says everything, with the same facts."""

from __future__ import annotations

import string

import pytest

from paybot_core.money import Locale
from paybot_core.replies import CATALOGUES, Style, format_amount, number_words


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
