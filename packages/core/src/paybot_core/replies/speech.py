"""Numbers and codes as a voice should read them, per locale: 1250 -> "one thousand two hundred
fifty" / "mil doscientos cincuenta"; "DEMO-1001" -> "DEMO 1 0 0 1"."""

from __future__ import annotations

from ..money import Locale, as_locale

_EN_ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
)  # fmt: skip
_EN_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_EN_SCALES = ((1_000_000_000, "billion"), (1_000_000, "million"), (1_000, "thousand"))

_ES_UNITS = (
    "cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez", "once", "doce",
    "trece", "catorce", "quince", "dieciséis", "diecisiete", "dieciocho", "diecinueve", "veinte", "veintiuno",
    "veintidós", "veintitrés", "veinticuatro", "veinticinco", "veintiséis", "veintisiete", "veintiocho",
    "veintinueve",
)  # fmt: skip
_ES_TENS = ("", "", "", "treinta", "cuarenta", "cincuenta", "sesenta", "setenta", "ochenta", "noventa")
_ES_HUNDREDS = (
    "", "ciento", "doscientos", "trescientos", "cuatrocientos", "quinientos", "seiscientos", "setecientos",
    "ochocientos", "novecientos",
)  # fmt: skip


def number_words(number: int, locale: Locale | str = Locale.EN) -> str:
    """Words for a whole number, as a text-to-speech engine reads them best."""
    return _es(number) if as_locale(locale) is Locale.ES else _en(number)


def _en(number: int) -> str:
    if number < 0:
        return "minus " + _en(-number)
    if number < 20:
        return _EN_ONES[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return _EN_TENS[tens] + (f"-{_EN_ONES[ones]}" if ones else "")
    if number < 1000:
        hundreds, rest = divmod(number, 100)
        return f"{_EN_ONES[hundreds]} hundred" + (f" {_en(rest)}" if rest else "")
    for scale, word in _EN_SCALES:
        if number >= scale:
            high, rest = divmod(number, scale)
            return f"{_en(high)} {word}" + (f" {_en(rest)}" if rest else "")
    raise AssertionError("unreachable")  # pragma: no cover


def _es(number: int) -> str:
    if number < 0:
        return "menos " + _es(-number)
    if number < 30:
        return _ES_UNITS[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return _ES_TENS[tens] + (f" y {_ES_UNITS[ones]}" if ones else "")
    if number < 1000:
        hundreds, rest = divmod(number, 100)
        if number == 100:
            return "cien"
        return _ES_HUNDREDS[hundreds] + (f" {_es(rest)}" if rest else "")
    if number < 1_000_000:
        high, rest = divmod(number, 1000)
        thousands = "mil" if high == 1 else f"{_apocope(_es(high))} mil"
        return thousands + (f" {_es(rest)}" if rest else "")
    high, rest = divmod(number, 1_000_000)
    millions = "un millón" if high == 1 else f"{_apocope(_es(high))} millones"
    return millions + (f" {_es(rest)}" if rest else "")


def _apocope(words: str) -> str:
    """ "uno" before "mil" or "millones" is "un" ("veintiún mil", "treinta y un mil")."""
    if words.endswith("veintiuno"):
        return words[: -len("veintiuno")] + "veintiún"
    if words.endswith("uno"):
        return words[:-1]
    return words


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


def spoken_code(payment_id: str) -> str:
    """The last six characters of a payment id, one by one: short enough to write down on a call."""
    return " ".join(payment_id[-6:].upper())
