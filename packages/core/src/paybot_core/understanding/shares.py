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
    at = {t.start: k for k, t in enumerate(tokens)}
    for i, token in enumerate(numbered):
        if token.kind is not Kind.NUMBER or not isinstance(token.value, Reading):
            continue
        k = next((at[t.start] for t in numbered[i + 1 : i + 2] if t.start in at), len(tokens))
        length = (
            1 if k < len(tokens) and tokens[k].kind is Kind.PERCENT else lex.percent_words.match_at(tokens, k)
        )
        if length and not _negated(numbered, i, lex):
            return Share(Fraction(token.value.value) / 100, token.start, tokens[k + length - 1].end)
    return None


def _share_phrase(tokens: list[Token], lex: Lexicon) -> Share | None:
    start = 0
    while (found := lex.share_phrases.find(tokens, start)) is not None:
        i, n = found
        start = i + n  # past the whole phrase: "no la mitad" is not "mitad" read on its own
        fraction = _fraction_of(tokens[i : i + n], lex)
        if fraction is not None and not _negated(tokens, i, lex):
            return Share(fraction, tokens[i].start, tokens[i + n - 1].end)
    return None


def _fraction_of(words: list[Token], lex: Lexicon) -> Fraction | None:
    """The fraction a matched phrase names (its tokens may match through any of their spellings)."""
    for phrase, fraction in lex.shares.items():
        if len(phrase) == len(words) and all(p in t.forms for p, t in zip(phrase, words, strict=True)):
            return fraction
    return None


def _negated(tokens: list[Token], i: int, lex: Lexicon) -> bool:
    return i > 0 and tokens[i - 1].kind is Kind.WORD and lex.negations.has(tokens[i - 1])
