"""Stage 3: the language a message is plainly written in, if any.

Plainly: it holds words that exist only in one of the languages paybot speaks ("hola",
"gracias", "sí", "cancelar", "ayuda"; "hello", "please", "the") and none of the other's, or
clearly more. Names and shared words ("no", "ok", "José García") decide nothing.
"""

from __future__ import annotations

from functools import cache

from ..money import LOCALES, Locale
from .lexicon import lexicon
from .tokens import Kind, Token


@cache
def _markers() -> dict[str, frozenset[Locale]]:
    """Each marker word and the locales it marks (built on first use, not at import: cold starts)."""
    found: dict[str, set[Locale]] = {}
    for loc in LOCALES:
        for word in lexicon(loc).only_here:
            found.setdefault(word, set()).add(loc)
    return {word: frozenset(locs) for word, locs in found.items()}


def detect_language(tokens: list[Token]) -> Locale | None:
    counts = dict.fromkeys(LOCALES, 0)
    markers = _markers()
    for token in tokens:
        if token.kind is not Kind.WORD:
            continue
        marks: frozenset[Locale] = frozenset()
        for form in token.forms[:2]:
            marks = marks | markers.get(form, frozenset())
        for loc in marks:
            counts[loc] += 1
    ranked = sorted(LOCALES, key=lambda loc: counts[loc], reverse=True)
    best, runner_up = counts[ranked[0]], counts[ranked[1]]
    if best and (runner_up == 0 or best >= 3 * runner_up):
        return ranked[0]
    return None
