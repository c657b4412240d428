"""Stage 9: corrections of a field already given, at any step.

"the name should be Jon Smith, not John Smith", "Jon Smith not John Smith", "change John Smith to
Jon Smith", "change the name to Jon Smith", "I meant Jon Smith": the value that is right, for the
field whose current value the payer names or whose cue they use. Amounts ("I meant 60", "60 not 50",
"change it to 80") are read by the amount stage's cues; this stage finds the names.
"""

from __future__ import annotations

from ..conversation.understanding import NameFact
from .lexicon import Lexicon
from .names import validate_name
from .normalise import fold
from .tokens import Kind, Token


def corrected_name(tokens: list[Token], lex: Lexicon, current: str | None) -> NameFact | None:
    words = tokens
    cue = lex.correction_cues.find(words)
    if cue is not None:
        i, n = cue
        taken = _name_run(words, i + n, lex)
        if taken and not any(lex.not_names.has(t) for t in taken[:1]):
            return validate_name(" ".join(t.text for t in taken))
    to_new = _after_change_of_the_name(words, lex)
    if to_new is not None:
        return to_new
    if current is None:
        return None
    said = fold(" ".join(current.split()))
    # "X, not Y" / "X instead of Y": Y is the name we have, X the one that is right.
    not_at = lex.not_words.find(words)
    if not_at is not None:
        i, n = not_at
        before = _trailing_name_run(words[:i], lex)
        after = _name_run(words, i + n, lex)
        if before and after and fold(" ".join(t.text for t in after)) == said:
            return validate_name(" ".join(t.text for t in before))
    # "change Y to X": the name we have, then the new one.
    for k, t in enumerate(words):
        if t.kind is Kind.WORD and t.key in ("to", "por", "a"):
            before = _trailing_name_run(words[:k], lex)
            after = _name_run(words, k + 1, lex)
            if before and after and fold(" ".join(x.text for x in before)).endswith(said):
                return validate_name(" ".join(x.text for x in after))
    return None


def _after_change_of_the_name(words: list[Token], lex: Lexicon) -> NameFact | None:
    """ "change the name to Sara Connor", "can you update my name to ...", "cambia el nombre a ...":
    a change verb, the word for name, then to / a / por and the new name."""
    change = lex.change_verbs.find(words)
    if change is None:
        return None
    for k in range(change[0] + change[1], len(words)):
        if not lex.name_words.has(words[k]):
            continue
        # "the name to X", "the name on the card to X": a few words may stand before the "to".
        for j in range(k + 1, min(k + 5, len(words))):
            if words[j].kind is not Kind.WORD:
                break
            if words[j].key in _TO:
                taken = _name_run(words, j + 1, lex)
                if taken and not lex.not_names.has(taken[0]):
                    return validate_name(" ".join(t.text for t in taken))
                break
    return None


_TO = frozenset({"to", "a", "por"})


def _name_run(words: list[Token], start: int, lex: Lexicon) -> list[Token]:
    run: list[Token] = []
    for t in words[start:]:
        if t.kind is not Kind.WORD or lex.clause_words.has(t) or lex.not_words.has(t):
            break
        run.append(t)
    return run


def _trailing_name_run(words: list[Token], lex: Lexicon) -> list[Token]:
    run: list[Token] = []
    for t in reversed(words):
        if t.kind is Kind.PUNCT and not run:
            continue
        if (
            t.kind is not Kind.WORD
            or lex.clause_words.has(t)
            or (lex.not_names.has(t) and not t.text[:1].isupper())
        ):
            break
        run.insert(0, t)
    return run
