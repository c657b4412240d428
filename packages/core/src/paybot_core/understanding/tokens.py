"""Stage 2: the normalised text as tokens: words, numbers, currency signs, punctuation.

Emoji and other symbols are dropped (they never carry an answer); a PCI placeholder
("[card number]") stays one opaque token so nothing reads it as words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from .normalise import forms


class Kind(StrEnum):
    WORD = "word"
    NUMBER = "number"
    SYMBOL = "symbol"  # a currency sign: $ € £ ¥ ...
    SIGN = "sign"  # a minus directly before a number or a currency sign
    PUNCT = "punct"  # , . ! ? ; : and the end of a clause
    PERCENT = "percent"  # "%": what it follows is a share, never money
    PLACEHOLDER = "placeholder"


@dataclass(frozen=True)
class Token:
    kind: Kind
    text: str  # as typed (normalised)
    start: int
    end: int
    value: object = None  # numbers: the reading from `numbers` (a Reading)
    from_words: bool = False  # a number that was written in words
    # The spellings vocabulary is matched by (see `normalise.forms`); punctuation matches as itself,
    # other tokens match no vocabulary. Computed once, here, because every stage reads them.
    forms: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return self.forms[0] if self.forms else self.text


_PATTERN = re.compile(
    r"(?P<placeholder>\[[a-z ]+\])"
    r"|(?P<symbol>(?:us|ca|c|a|au|mx)\$|[$€£¥₩₹₫₱])"
    r"|(?P<sign>-(?=\s?[\d$€£¥₩₹₫₱.]))"
    r"|(?P<number>\d+(?:[.,]\d+)*)"
    r"|(?P<word>[^\W\d_]+(?:['\-][^\W\d_]+)*'?(?:\.(?=\s|$|,)(?<=\b[^\W\d_]\.)|(?<=\b(?:dr|mr|ms|jr|sr|st))\.|(?<=\bmrs)\.)?)"
    r"|(?P<punct>[,.!?;:]|\?)"
    r"|(?P<percent>[%٪﹪％])",
    re.IGNORECASE,
)


_KINDS = {kind.value: kind for kind in Kind}


def tokenise(text: str) -> list[Token]:
    out: list[Token] = []
    for match in _PATTERN.finditer(text):
        kind = _KINDS[match.lastgroup or "punct"]
        text = match.group()
        spellings = forms(text) if kind is Kind.WORD else (text,) if kind is Kind.PUNCT else ()
        out.append(Token(kind, text, match.start(), match.end(), forms=spellings))
    return out


def clauses(tokens: list[Token]) -> list[list[Token]]:
    """Tokens split at punctuation (and at card placeholders): each part is one answer, command or
    sentence."""
    parts: list[list[Token]] = [[]]
    for token in tokens:
        if token.kind in (Kind.PUNCT, Kind.PLACEHOLDER):
            if parts[-1]:
                parts.append([])
        else:
            parts[-1].append(token)
    return [p for p in parts if p]
