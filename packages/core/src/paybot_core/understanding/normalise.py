"""Stage 1: the text as a payer meant it, and the loose forms words are matched by.

`normalise` keeps the payer's letters (a name is stored as typed) but folds what varies without
meaning: Unicode compatibility forms (NFKC: full-width digits, ligatures), curly apostrophes,
dashes and odd spaces. `forms` gives the lower-case, accent-free spellings of one word that the
vocabulary is matched against, including the word with stretched letters squeezed
("yesss", "heyyy", "goood").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .vocab.en import APOSTROPHE_DROPPED

_TRANSLATE = str.maketrans(
    {
        "’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'",
        "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "−": "-",
        "\u00a0": " ", "\u2009": " ", "\u202f": " ", "¿": " ", "¡": " ",
    }
)  # fmt: skip
_RUN3 = re.compile(r"(\w)\1{2,}")
_RUN2 = re.compile(r"(\w)\1+")


def normalise(text: str) -> str:
    """NFKC, one kind of apostrophe and dash, plain spaces; leading Spanish marks dropped."""
    return unicodedata.normalize("NFKC", text).translate(_TRANSLATE).strip()


def fold(word: str) -> str:
    """Lower case without accents: how vocabulary entries and typed words are compared."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("ß", "ss")


@lru_cache(maxsize=4096)
def forms(word: str) -> tuple[str, ...]:
    """The spellings a typed word may stand for: as typed (folded), then with stretched letters
    squeezed to two and to one ("goood" -> "good", "yesss" -> "yes", "heyy" -> "hey")."""
    base = fold(word)
    out = [base]
    contraction = APOSTROPHE_DROPPED.get(base)
    if contraction:
        out.append(contraction)
    for candidate in (_RUN3.sub(r"\1\1", base), _RUN3.sub(r"\1", base), _RUN2.sub(r"\1", base)):
        if candidate not in out:
            out.append(candidate)
    return tuple(out)
