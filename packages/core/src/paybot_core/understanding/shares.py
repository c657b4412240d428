"""Stage 5b: a share of what is due ("half", "two thirds of it", "25%", "la mitad"), as a fraction.

A share is not an amount: only the engine, and only where the merchant lets the payer pay a
part, turns it into one (of what is due). Elsewhere it is said back, never guessed. So a
percentage is never money either: "25%" is a quarter, not $25.00, and the numbers a share is
made of ("two thirds", "25 percent") are kept out of the amount stage.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .lexicon import Lexicon
from .numbers import Reading
from .tokens import Kind, Token


@dataclass(frozen=True)
class Share:
    fraction: Fraction
    start: int  # character span in the normalised text, so the amount stage can skip its numbers
    end: int

    def covers(self, token: Token) -> bool:
        return self.start <= token.start and token.end <= self.end


def extract_share(tokens: list[Token], numbered: list[Token], lex: Lexicon) -> Share | None:
    """The first share the message states, unless it is negated ("not half", "no la mitad")."""
    return _percentage(tokens, numbered, lex) or _share_phrase(tokens, lex)


def _percentage(tokens: list[Token], numbered: list[Token], lex: Lexicon) -> Share | None:
    """A number, then "%" or a percent word. The words are matched in the unread tokens, since
    reading numbers may have taken one of them ("por ciento": "ciento" is also a hundred)."""
    for i, number in enumerate(numbered):
        if number.kind is not Kind.NUMBER or not isinstance(number.value, Reading):
            continue
        k = _first_after(tokens, number.end)
        if k < len(tokens) and tokens[k].kind is Kind.PERCENT:
            length = 1
        else:
            length = lex.percent_words.match_at(tokens, k)
        if length and not _negated(numbered, i, lex):
            return Share(Fraction(number.value.value) / 100, number.start, tokens[k + length - 1].end)
    return None


def _first_after(tokens: list[Token], end: int) -> int:
    """The index of the first token that starts at or after character `end` (len(tokens) if none)."""
    return next((k for k, t in enumerate(tokens) if t.start >= end), len(tokens))


def _share_phrase(tokens: list[Token], lex: Lexicon) -> Share | None:
    i = 0
    while i < len(tokens):
        phrase = lex.share_phrases.phrase_at(tokens, i)
        if phrase is None:
            i += 1
            continue
        if not _negated(tokens, i, lex):
            return Share(lex.shares[phrase], tokens[i].start, tokens[i + len(phrase) - 1].end)
        i += len(phrase)  # past the whole phrase: "no la mitad" is not "mitad" read on its own
    return None


def _negated(tokens: list[Token], i: int, lex: Lexicon) -> bool:
    return i > 0 and tokens[i - 1].kind is Kind.WORD and lex.negations.has(tokens[i - 1])
