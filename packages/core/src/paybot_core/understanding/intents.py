"""Stage 6: commands (cancel, restart, help), the yes and the no, changes, greetings.

A command is a whole clause of the message: its words, with only filler around them ("please
cancel the payment", "can we start over?"). Another clause may say something else ("never mind,
I'll pay later"), but a command word inside a longer clause ("stop by later", "John Nolan",
"don't stop") is not one. A negation before it turns it off.

The yes is stricter: every clause must be a yes (with filler), nothing may hesitate or negate,
and nothing else may be asked for: "yes but change the amount first" is a change, "and" or
"ok so" are no answer at all.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..conversation.understanding import Intent
from .lexicon import Lexicon, PhraseSet
from .tokens import Kind, Token, clauses


def covered(clause: Sequence[Token], phrases: PhraseSet, filler: PhraseSet, *, typos: int = 0) -> bool:
    """Is the clause made of `phrases` (at least one) and `filler` only?"""
    i = hits = 0
    while i < len(clause):
        found = phrases.phrase_at(clause, i)
        if found:
            hits, i = hits + 1, i + len(found)
            continue
        if typos and _typo_of(clause[i], phrases, typos):
            hits, i = hits + 1, i + 1
            continue
        found = filler.phrase_at(clause, i)
        if not found:
            return False
        i += len(found)
    return hits > 0


def _typo_of(token: Token, phrases: PhraseSet, min_length: int) -> bool:
    key = token.key
    if token.kind is not Kind.WORD or len(key) < min_length:
        return False
    return any(len(w) >= min_length and _one_edit(key, w) for w in phrases.words)


def _one_edit(a: str, b: str) -> bool:
    """One substitution, insertion, deletion or swap of neighbours apart (Damerau)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [k for k in range(len(a)) if a[k] != b[k]]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:k] + long_[k + 1 :] == short for k in range(len(long_)))


def detect_intents(tokens: list[Token], lex: Lexicon) -> frozenset[Intent]:
    parts = clauses([t for t in tokens if t.kind is not Kind.PLACEHOLDER])
    if not parts:
        # Only punctuation: a lone "?" asks for help.
        return frozenset({Intent.HELP}) if any(t.text == "?" for t in tokens) else frozenset()
    found: set[Intent] = set()
    command_filler = lex.command_filler_or_no
    for clause in parts:
        if covered(clause, lex.cancel, command_filler, typos=lex.typo_min_length):
            found.add(Intent.CANCEL)
        if covered(clause, lex.restart, command_filler, typos=lex.typo_min_length):
            found.add(Intent.RESTART)
        if covered(clause, lex.help, lex.help_filler):
            found.add(Intent.HELP)
    found |= _changes(parts, lex)
    found |= _part_choice(parts, lex)
    if Intent.PAY_IN_FULL in found:
        found.discard(Intent.CHANGE_AMOUNT)  # "el total" answers how much; it does not reopen the amount
    if _is_yes(parts, tokens, lex) and not found:
        found.add(Intent.AFFIRM)
    elif any(covered(clause, lex.no, lex.no_filler) for clause in parts) and Intent.CANCEL not in found:
        found.add(Intent.DENY)
    if lex.greetings.match_at(parts[0], 0):
        found.add(Intent.GREETING)
    if any(lex.pay_words.has(t) for t in tokens):
        found.add(Intent.PAY)
    return frozenset(found)


def _is_yes(parts: list[list[Token]], tokens: list[Token], lex: Lexicon) -> bool:
    if lex.hesitation.find(tokens) is not None:
        return False
    if any(lex.negations.has(t) or lex.no.has(t) for t in tokens):
        return False
    # Every clause is a yes or only courtesy ("Sí, por favor"), and at least one is a yes.
    answers = [covered(clause, lex.yes, lex.yes_filler) for clause in parts]
    if not any(answers):
        return False
    return all(
        a or covered(clause, lex.yes_filler, lex.yes_filler) for a, clause in zip(answers, parts, strict=True)
    )


def _part_choice(parts: list[list[Token]], lex: Lexicon) -> set[Intent]:
    """ "the full amount", "I'll pay all of it", "solo una parte": a clause of them and filler only,
    so "not all of it" or "cancel everything" is neither."""
    filler = lex.part_choice_filler
    found: set[Intent] = set()
    for clause in parts:
        if covered(clause, lex.pay_in_full, filler):
            found.add(Intent.PAY_IN_FULL)
        elif covered(clause, lex.pay_part, filler):
            found.add(Intent.PAY_PART)
    return found if len(found) == 1 else set()  # both at once is no answer


def _changes(parts: list[list[Token]], lex: Lexicon) -> set[Intent]:
    """ "change the card", "wrong amount", "use a different card"; or, after "what would you like to
    change?", just "the card" / "my name"."""
    found: set[Intent] = set()
    targets = (
        (Intent.CHANGE_CARD, lex.card_words),
        (Intent.CHANGE_NAME, lex.name_words),
        (Intent.CHANGE_AMOUNT, lex.amount_words),
    )
    for clause in parts:
        verb = any(lex.change_verbs.has(t) or lex.change_words.has(t) for t in clause)
        if not verb and lex.change_targets.find(clause) is None:
            continue  # no change asked for, and no card, name or amount named
        for intent, words in targets:
            named = words.find(clause) is not None
            if named and (verb or covered(clause, words, lex.command_filler)):
                found.add(intent)
        if verb and lex.card_detail_words.find(clause) is not None:
            found.add(Intent.CHANGE_CARD)  # "the expiry is wrong": the card is entered again
    return found
