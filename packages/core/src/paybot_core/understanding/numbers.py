"""Stage 4: numbers, written in digits with a locale's separators or in words (en, es).

Digits: "1,250.50" and "1.250,50" are read as written (the last separator is the decimal one
when both appear); a single separator is read the locale's way where only one reading makes
sense, and is reported ambiguous otherwise ("50,00" in English, "1,250" in Spanish), with the
likelier reading, so the bot can ask rather than guess.

Words: a small grammar over the locale's number words ("one hundred and twenty",
"seventy-five", "doscientos treinta y cinco", "mil quinientos"), kept here rather than taking a
compiled dependency (text2num ships a native extension per platform) into the Lambda zips.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from ..money import Locale
from .lexicon import Lexicon
from .normalise import fold, forms
from .tokens import Kind, Token


@dataclass(frozen=True)
class Reading:
    value: Decimal
    ambiguous: bool = False  # another reading of the separators is as likely; `value` is the likelier
    decimals: int = 0  # digits after the decimal separator as typed


def read_digits(raw: str, locale: Locale) -> Reading | None:
    """A digit string with separators ("1,250.50", "50,00") as a number, per the rules above."""
    commas, dots = raw.count(","), raw.count(".")
    if not commas and not dots:
        return Reading(Decimal(raw))
    if commas and dots:
        decimal_sep = "," if raw.rfind(",") > raw.rfind(".") else "."
        group_sep = "." if decimal_sep == "," else ","
        whole, _, frac = raw.rpartition(decimal_sep)
        if decimal_sep in whole or not _grouped(whole, group_sep):
            return None
        return Reading(Decimal(whole.replace(group_sep, "") + "." + frac), decimals=len(frac))
    sep = "," if commas else "."
    parts = raw.split(sep)
    if len(parts) > 2:  # 1,250,000 or 1.250.000: only grouping reads it
        return Reading(Decimal("".join(parts))) if _grouped(raw, sep) else None
    whole, frac = parts
    as_decimal = Decimal(whole + "." + frac)
    if len(frac) == 3 and 1 <= len(whole) <= 3 and whole != "0":
        as_thousands = Decimal(whole + frac)
        # English: "1,250" is a thousand. "1.250" would be three decimals, which no amount has:
        # it is the other convention's thousand, likely but not sure, so it is asked back.
        # Spanish payers write both conventions, so either could be meant.
        if locale is Locale.EN and sep == ",":
            return Reading(as_thousands)
        return Reading(as_thousands, ambiguous=True)
    if sep == "," and locale is Locale.EN:
        return Reading(as_decimal, ambiguous=True, decimals=len(frac))  # "50,00": a European decimal?
    return Reading(as_decimal, decimals=len(frac))


def _grouped(whole: str, sep: str) -> bool:
    groups = whole.split(sep)
    return 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])


def read_numbers(tokens: list[Token], lex: Lexicon, locale: Locale) -> list[Token]:
    """Tokens with every digit run read and every run of number words replaced by one NUMBER."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.kind is Kind.NUMBER:
            reading = read_digits(token.text, locale)
            if reading is None:
                out.append(replace(token, kind=Kind.WORD, forms=forms(token.text)))
                i += 1
                continue
            factor, used = _scale_after(tokens, i, lex)
            if factor:
                # "1 thousand", "2 hundred", "1.5 mil", "2k": digits times the scale word after them.
                last = tokens[i + used]
                text = token.text + (" " if last.start > token.end else "") + last.text
                scaled = Reading(reading.value * factor, ambiguous=reading.ambiguous)
                out.append(Token(Kind.NUMBER, text, token.start, last.end, scaled, True))
                i += used + 1
                continue
            out.append(replace(token, value=reading))
            i += 1
            continue
        if token.kind is Kind.WORD and _could_start_number(token, lex):
            parsed = _words_number(tokens, i, lex)
            if parsed is not None:
                value, used = parsed
                last = tokens[i + used - 1]
                text = " ".join(t.text for t in tokens[i : i + used])
                out.append(Token(Kind.NUMBER, text, token.start, last.end, Reading(Decimal(value)), True))
                i += used
                continue
        out.append(token)
        i += 1
    return out


# A "k" typed onto digits is a thousand ("2k", "$1.5k"); apart from them it is only a letter.
_ATTACHED_THOUSAND = "k"


def _scale_after(tokens: list[Token], i: int, lex: Lexicon) -> tuple[int, int]:
    """(factor, tokens used) when a scale word follows the digits at tokens[i], else (0, 0)."""
    if i + 1 >= len(tokens) or tokens[i + 1].kind is not Kind.WORD:
        return 0, 0
    after = tokens[i + 1]
    word = fold(after.text)
    if word in lex.number_scales:
        return lex.number_scales[word], 1
    if lex.number_hundreds.get(word) == 100 and word not in lex.number_units:
        return 100, 1
    if word == _ATTACHED_THOUSAND and after.start == tokens[i].end:
        return 1000, 1
    return 0, 0


def _could_start_number(token: Token, lex: Lexicon) -> bool:
    first = token.key.split("-", 1)[0]  # the folded word (folding keeps hyphens where they are)
    return (
        first in lex.number_units
        or first in lex.number_tens
        or first in lex.number_hundreds
        or first in lex.number_scales
        or first in lex.number_articles
    )


def _parts(tokens: list[Token], i: int) -> list[tuple[str, int]]:
    """The words from tokens[i] on, hyphenated words split ("seventy-five"), with their token index."""
    parts: list[tuple[str, int]] = []
    for j in range(i, min(len(tokens), i + 12)):
        t = tokens[j]
        if t.kind is not Kind.WORD:
            break
        parts.extend((fold(p), j) for p in t.text.split("-") if p)
    return parts


def _words_number(tokens: list[Token], i: int, lex: Lexicon) -> tuple[int, int] | None:
    """(value, tokens used) for a number in words starting at tokens[i], or None."""
    parts = _parts(tokens, i)
    total = current = 0
    used_parts = 0
    last_kind = ""
    k = 0
    while k < len(parts):
        word, _ = parts[k]
        nxt = parts[k + 1][0] if k + 1 < len(parts) else ""
        if (
            word in lex.number_articles
            and not used_parts
            and (nxt in lex.number_scales or nxt in lex.number_hundreds)
        ):
            current, last_kind = 1, "unit"
        elif (
            word in lex.number_units
            and lex.number_units[word] < 10
            and last_kind in ("", "tens", "hundred", "scale", "join")
        ):
            if last_kind == "join" and current % 100 == 0 and _prev_kind_before_join(parts, k, lex) == "unit":
                break
            current += lex.number_units[word]
            last_kind = "unit"
        elif word in lex.number_units and last_kind in ("", "hundred", "scale", "join"):
            current += lex.number_units[word]
            last_kind = "teen"
        elif word in lex.number_tens and last_kind in ("", "hundred", "scale", "join") and current % 100 == 0:
            current += lex.number_tens[word]
            last_kind = "tens"
        elif word in lex.number_hundreds and lex.number_hundreds[word] > 100 and last_kind in ("", "scale"):
            current += lex.number_hundreds[word]  # Spanish: doscientos
            last_kind = "hundred"
        elif word in lex.number_hundreds and last_kind in ("", "unit", "teen", "scale", "tens"):
            if last_kind in ("", "scale"):
                current += 100  # "cien", "ciento", "a hundred"
            elif current % 100 and current % 1000 < 100:
                current = current - current % 100 + (current % 100) * 100
            else:
                break
            last_kind = "hundred"
        elif word in lex.number_scales and last_kind in ("", "unit", "teen", "tens", "hundred"):
            total += (current or 1) * lex.number_scales[word]
            current, last_kind = 0, "scale"
        elif word in lex.number_joiners and last_kind in ("hundred", "scale", "tens") and used_parts:
            if not (nxt in lex.number_units or nxt in lex.number_tens):
                break
            last_kind = "join"
        else:
            break
        k += 1
        if last_kind != "join":
            used_parts = k
    if not used_parts:
        return None
    first_word = parts[0][0]
    if used_parts == 1 and first_word in lex.number_articles:
        return None
    if used_parts == 1 and first_word in lex.number_unit_articles and _names_no_currency(tokens, i + 1, lex):
        return None
    last_token = parts[used_parts - 1][1]
    # A word split by hyphens must be used whole ("seventy-five", not "seventy" of "seventy-fiver").
    if used_parts < len(parts) and parts[used_parts][1] == last_token:
        return None
    return total + current, last_token - i + 1


def _names_no_currency(tokens: list[Token], k: int, lex: Lexicon) -> bool:
    """Is tokens[k] a word, and not a currency or minor unit ("un dólar", "una libra", "un centavo")?"""
    if k >= len(tokens) or tokens[k].kind is not Kind.WORD:
        return False
    return not any((f,) in lex.currency_words for f in tokens[k].forms) and not lex.minor_words.match_at(
        tokens, k
    )


def _prev_kind_before_join(parts: list[tuple[str, int]], k: int, lex: Lexicon) -> str:
    return "unit" if k >= 2 and parts[k - 2][0] in lex.number_units else ""
