"""Money, in one place: currencies, minor units, CLDR formatting per locale, reading amounts.

Amounts are integers in the currency's minor unit (cents) everywhere in paybot. This module
knows how many decimals a currency has, what it is called and written as in each locale paybot
speaks, and turns a decimal string into minor units with the field rule's checks.

Formatting follows CLDR (the data Babel ships) for `en` (en_US) and `es` (es_US, the neutral
Spanish written in the US and Latin America). The few facts needed are kept here rather than
depending on Babel at run time: Babel's locale data is tens of megabytes, which the Lambda zip
budget cannot carry, and paybot needs only two locales. `tests/unit/test_money.py` checks every
figure below against Babel itself, so this table cannot drift from CLDR unnoticed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum


class Locale(StrEnum):
    EN = "en"
    ES = "es"


LOCALES = tuple(Locale)


def as_locale(value: Locale | str) -> Locale:
    """`value` as a Locale. Most callers pass one already, and calling the enum costs about a
    microsecond each time (a reply formats several amounts)."""
    return value if isinstance(value, Locale) else Locale(value)


# ISO 4217 minor-unit exponents that are not 2, as payment processors use them (Stripe's
# zero-decimal list; three-decimal currencies). Every other currency has two decimals.
_ZERO_DECIMAL = [
    "bif",
    "clp",
    "djf",
    "gnf",
    "isk",
    "jpy",
    "kmf",
    "krw",
    "mga",
    "pyg",
    "rwf",
    "ugx",
    "vnd",
    "vuv",
    "xaf",
    "xof",
    "xpf",
]
_THREE_DECIMAL = ["bhd", "jod", "kwd", "omr", "tnd"]
_EXPONENTS = {**dict.fromkeys(_ZERO_DECIMAL, 0), **dict.fromkeys(_THREE_DECIMAL, 3)}


Spoken = tuple[str, str, str, str]


@dataclass(frozen=True)
class Currency:
    code: str  # lower-case ISO 4217
    symbols: dict[Locale, str]  # CLDR's symbol for the currency in each locale
    spoken: dict[Locale, Spoken]  # one, many, minor one, minor many

    @property
    def exponent(self) -> int:
        return currency_exponent(self.code)


def _cur(code: str, en: str, es: str, spoken_en: Spoken, spoken_es: Spoken) -> Currency:
    return Currency(code, {Locale.EN: en, Locale.ES: es}, {Locale.EN: spoken_en, Locale.ES: spoken_es})


# Symbols from CLDR (en_US, es_US). Spoken words are how a voice reads amounts.
CURRENCIES: dict[str, Currency] = {
    c.code: c
    for c in (
        _cur("usd", "$", "$", ("dollar", "dollars", "cent", "cents"),
             ("dólar", "dólares", "centavo", "centavos")),
        _cur("eur", "€", "EUR", ("euro", "euros", "cent", "cents"),
             ("euro", "euros", "céntimo", "céntimos")),
        _cur("gbp", "£", "GBP", ("pound", "pounds", "penny", "pence"),
             ("libra", "libras", "penique", "peniques")),
        _cur("jpy", "¥", "¥", ("yen", "yen", "", ""), ("yen", "yenes", "", "")),
        _cur("cad", "CA$", "CAD", ("Canadian dollar", "Canadian dollars", "cent", "cents"),
             ("dólar canadiense", "dólares canadienses", "centavo", "centavos")),
        _cur("aud", "A$", "AUD", ("Australian dollar", "Australian dollars", "cent", "cents"),
             ("dólar australiano", "dólares australianos", "centavo", "centavos")),
        _cur("mxn", "MX$", "MXN", ("Mexican peso", "Mexican pesos", "centavo", "centavos"),
             ("peso mexicano", "pesos mexicanos", "centavo", "centavos")),
    )
}  # fmt: skip

# What a payer may write for a currency. "$" alone is the session currency's sign when that
# currency is written with it (see `symbol_currency`); these are the unambiguous marks.
SYMBOL_CURRENCY = {"€": "eur", "£": "gbp", "¥": "jpy", "₩": "krw", "₹": "inr", "₫": "vnd", "₱": "php"}
DOLLAR_CURRENCIES = frozenset({"usd", "cad", "aud", "nzd", "sgd", "hkd", "mxn", "clp", "cop", "ars"})
PREFIXED_DOLLARS = {"us$": "usd", "ca$": "cad", "c$": "cad", "a$": "aud", "au$": "aud", "mx$": "mxn"}
# ISO codes a payer might type; a code not in this set is just a word.
ISO_CODES = frozenset(
    {"usd", "eur", "gbp", "jpy", "cad", "aud", "mxn", "chf", "cny", "inr", "brl", "cop", "clp", "ars", "pen"}
    | {"krw", "vnd", "php", "nzd", "sgd", "hkd", "sek", "nok", "dkk", "pln", "czk", "huf", "try", "zar"}
)


def currency_exponent(currency: str) -> int:
    """Decimals of the currency's minor unit: 2 unless ISO 4217 says otherwise."""
    return _EXPONENTS.get(currency.lower(), 2)


def symbol_currency(symbol: str, session_currency: str) -> str:
    """The currency a written symbol stands for, given the session's currency.

    "$" is the session currency when that currency is a dollar or peso written with "$";
    otherwise it is the US dollar (a payer in a euro session who writes "$40" means dollars).
    """
    lowered = symbol.lower()
    if lowered == "$":
        return session_currency if session_currency in DOLLAR_CURRENCIES else "usd"
    if lowered in PREFIXED_DOLLARS:
        return PREFIXED_DOLLARS[lowered]
    return SYMBOL_CURRENCY.get(symbol, lowered)


def to_minor(value: Decimal, currency: str) -> int | None:
    """`value` in minor units, or None when it has more decimals than the currency has."""
    scaled = value.scaleb(currency_exponent(currency))
    if scaled != scaled.to_integral_value():
        return None
    return int(scaled)


def parse_decimal(raw: str) -> Decimal | None:
    """A plain decimal string ("1250.50", "-3") as a Decimal, or None."""
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def parse_minor(raw: str, currency: str) -> int | None:
    """A positive plain amount ("1,250.50", "75") in minor units, or None when it is not one."""
    value = parse_decimal(raw.replace(",", "").replace(" ", ""))
    if value is None or value <= 0:
        return None
    return to_minor(value, currency)


# ---------------------------------------------------------------- formatting (CLDR)

_GROUP = {Locale.EN: ",", Locale.ES: ","}  # es_US writes 1,250.50 like en_US
_DECIMAL = {Locale.EN: ".", Locale.ES: "."}


def format_number(value: Decimal | int, locale: Locale | str, decimals: int = 0) -> str:
    """A number with the locale's grouping and decimal separators."""
    loc = as_locale(locale)
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", _DECIMAL[loc]).replace("\0", _GROUP[loc])


def format_money(minor: int, currency: str, locale: Locale | str = Locale.EN) -> str:
    """An amount as CLDR writes it for the locale: "$1,250.50", "EUR1,250.50" (es), "¥5,000"."""
    loc = as_locale(locale)
    code = currency.lower()
    exponent = currency_exponent(code)
    value = Decimal(minor).scaleb(-exponent)
    number = format_number(abs(value), loc, exponent)
    known = CURRENCIES.get(code)
    symbol = known.symbols[loc] if known else code.upper()
    return ("-" if minor < 0 else "") + symbol + number


def currency_name(currency: str, locale: Locale | str, plural: bool = True) -> str:
    """The currency's name for a sentence ("dollars", "euros", "pesos mexicanos")."""
    known = CURRENCIES.get(currency.lower())
    if known is None:
        return currency.upper()
    one, many, _, _ = known.spoken[as_locale(locale)]
    return many if plural else one
