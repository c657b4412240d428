"""money.py: one home for currencies; its CLDR figures checked against Babel's own data."""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel.numbers import format_currency, get_currency_precision

from paybot_core.money import (
    CURRENCIES,
    Locale,
    currency_exponent,
    format_money,
    parse_minor,
    symbol_currency,
    to_minor,
)

CLDR_LOCALE = {Locale.EN: "en_US", Locale.ES: "es_US"}
AMOUNTS = [1, 50, 5000, 7550, 125050, 100000000]


@pytest.mark.parametrize("locale", list(Locale))
@pytest.mark.parametrize("currency", sorted(CURRENCIES))
@pytest.mark.parametrize("minor", AMOUNTS)
def test_formatting_is_cldr(locale: Locale, currency: str, minor: int) -> None:
    exponent = currency_exponent(currency)
    expected = format_currency(
        Decimal(minor).scaleb(-exponent), currency.upper(), locale=CLDR_LOCALE[locale]
    ).replace("\xa0", " ")
    assert format_money(minor, currency, locale) == expected


@pytest.mark.parametrize("currency", [*sorted(CURRENCIES), "krw", "vnd", "clp", "bhd", "kwd", "chf", "inr"])
def test_exponents_agree_with_iso_4217(currency: str) -> None:
    assert currency_exponent(currency) == get_currency_precision(currency.upper())


@pytest.mark.parametrize(
    ("symbol", "session", "currency"),
    [("$", "usd", "usd"), ("$", "cad", "cad"), ("$", "mxn", "mxn"), ("$", "eur", "usd"), ("€", "usd", "eur"),
     ("£", "usd", "gbp"), ("¥", "usd", "jpy"), ("US$", "cad", "usd"), ("CA$", "usd", "cad")],
)  # fmt: skip
def test_a_dollar_sign_is_the_session_dollar(symbol: str, session: str, currency: str) -> None:
    assert symbol_currency(symbol, session) == currency


@pytest.mark.parametrize(
    ("raw", "currency", "minor"),
    [("50", "usd", 5000), ("1,250.50", "usd", 125050), ("75", "jpy", 75), ("0.5", "usd", 50),
     ("50.555", "usd", None), ("0", "usd", None), ("-3", "usd", None), ("abc", "usd", None),
     ("1.5", "jpy", None)],
)  # fmt: skip
def test_parse_minor(raw: str, currency: str, minor: int | None) -> None:
    assert parse_minor(raw, currency) == minor


def test_to_minor_refuses_more_decimals_than_the_currency_has() -> None:
    assert to_minor(Decimal("1.234"), "bhd") == 1234
    assert to_minor(Decimal("1.2345"), "bhd") is None
