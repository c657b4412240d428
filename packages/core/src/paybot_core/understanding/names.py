"""Stage 8: the payer's name, taken whole, in any script.

Two ways a message gives a name: after a cue ("my name is", "the name on the card is",
"me llamo", "I'm"), or, when the bot asked for the name, as a clause made only of name words
("Jane Doe", "Hello! Jane Doe", "... for the gym membership. Sam O'Neil"). A name runs until the
sentence goes on ("and", "calling", a comma), so no part of it is dropped for being a common word
too ("Trần Minh An", "Noah Stop", "Will Power"). A weak cue ("I'm", "soy") also starts sentences
that are not names ("I'm lost", "I'm happy to pay"): what follows it must not be a known non-name
word. A greeting, a question or a command is never a name.
"""

from __future__ import annotations

import re
import unicodedata

from ..conversation.understanding import NameFact
from ..pci import placeholders
from ..pci.text_checks import name_problem
from .intents import covered
from .lexicon import Lexicon
from .tokens import Kind, Token, clauses

MAX_NAME_LENGTH = 100
MIN_NAME_LENGTH = 2
MAX_NAME_WORDS = 8
# Letters of any script, spaces, apostrophes, hyphens, periods: the whole string, checked at once.
_NAME_CHARACTERS = re.compile(r"(?:[^\W\d_]|[ '\-.])*")
# After a weak cue, a word like "calling" or "confused" describes the payer, it does not name them.
_STATE_WORD = re.compile(r"[a-z]{3,}(?:ing|ed)|[a-z]{2,}(?:ado|ada|ido|ida|ando|iendo)")
# A message of name characters (and commas or a "!"), then one amount: "Hi, Jane Doe 50", "Sam $40.50".
_NAME_THEN_NUMBER = re.compile(r"(?:[^\W\d_]|[ '\-.,!])+\s[$€£]?\s?\d+(?:[.,]\d{1,2})?[.!]?")
# Laughter typed at any length ("haha", "hahaha", "jajaja", "hehe"): never a name.
_LAUGHTER = re.compile(r"(?:[hj][aeiou]){2,}[hj]?")
# "I'm happy to pay", "I'm done with this": a complement follows a state, never a name.
_COMPLEMENTS = frozenset(
    {"to", "with", "about", "that", "of", "at", "in", "on", "for", "a", "an", "para", "con", "en"}
)


def validate_name(candidate: str) -> NameFact:
    """The field rule: 2-100 characters of letters (any script), spaces, apostrophes, hyphens, periods."""
    name = " ".join(candidate.split())
    if len(name) > MAX_NAME_LENGTH:
        return NameFact(problem="too_long")
    if not _NAME_CHARACTERS.fullmatch(name) or not any(ch.isalpha() for ch in name):
        return NameFact(problem="invalid_characters")
    problem = name_problem(name)  # the PCI side: no digit of any Unicode kind, not only number words
    if problem is not None:
        return NameFact(problem=problem)
    if len(name) < MIN_NAME_LENGTH:
        return NameFact(problem="too_short")
    return NameFact(value=name)


def extract_name(
    tokens: list[Token], raw: str, lex: Lexicon, *, expecting_name: bool, is_question: bool
) -> NameFact | None:
    cued = _after_cue(tokens, lex, expecting_name=expecting_name)
    if cued is not None:
        return cued
    if not expecting_name or is_question:
        return None
    # "Jane Doe 50": only when the message is plainly letters and then the number, so markup or
    # symbols the tokens do not keep ("<img src=x onerror=alert(1)>") still make no name.
    trailing_number = (
        any(t.kind is Kind.NUMBER for t in tokens) and _NAME_THEN_NUMBER.fullmatch(raw.strip()) is not None
    )
    for clause in clauses(_without_code_labels(tokens)):
        words = _without_greeting(_without_trailing_number(clause) if trailing_number else clause, lex)
        if words and _is_bare_name(words, lex):
            return validate_name(_text(words))
    return _problem(raw, tokens, lex)


def _after_cue(tokens: list[Token], lex: Lexicon, *, expecting_name: bool = True) -> NameFact | None:
    for cues, weak in ((lex.name_cues_strong, False), (lex.name_cues_weak, True)):
        start = 0
        while (found := cues.find(tokens, start)) is not None:
            i, n = found
            start = i + 1
            after = i + n
            while after < len(tokens) and (skip := lex.name_cue_filler.match_at(tokens, after)):
                after += skip  # "my name is actually Anne Lee": the filler is not the name
            taken = _take_name(tokens, after, lex)
            if not taken:
                continue
            if weak and not _plausible_after_weak_cue(taken, tokens, lex):
                continue
            if weak and not expecting_name and not _capitalised(taken[0]):
                # At another step, "this is ridiculous" or "it's late" says how things are; a name
                # given there after a weak cue is typed as one ("it's Dana").
                continue
            return validate_name(_text(taken))
    return None


def _take_name(tokens: list[Token], start: int, lex: Lexicon) -> list[Token]:
    taken: list[Token] = []
    for k in range(start, len(tokens)):
        t = tokens[k]
        if t.kind is not Kind.WORD:
            break
        particle = t.key in lex.name_particles
        if particle and taken and _name_word_after_particles(tokens, k, lex):
            taken.append(t)  # "María de la Cruz", "Ludwig van Beethoven"
            continue
        if particle and not taken and _first_name_like_particle(tokens, k):
            taken.append(t)  # "Al Green", "Van Morrison": a capitalised first word is a name
            continue
        if lex.clause_words.has(t) or particle:
            break
        taken.append(t)
        if len(taken) == MAX_NAME_WORDS:
            break
    return taken


def _name_word_after_particles(tokens: list[Token], k: int, lex: Lexicon) -> bool:
    """Do particles from tokens[k] on lead to a name word ("de la Cruz"), not the sentence's end?"""
    for j in range(k, len(tokens)):
        t = tokens[j]
        if t.kind is not Kind.WORD:
            return False
        if t.key not in lex.name_particles:
            ends = _ends_sentence(tokens, j + 1, lex)
            return not lex.clause_words.has(t) and (not lex.not_names.has(t) or _capitalised(t) or ends)
    return False


def _ends_sentence(tokens: list[Token], start: int, lex: Lexicon) -> bool:
    """Does the name's clause end at tokens[start], courtesy aside ("... Minh An please.", "... Minh
    An and I want to pay")?"""
    for t in tokens[start:]:
        if t.kind is not Kind.WORD or (lex.clause_words.has(t) and not lex.yes_filler.has(t)):
            return True
        if not lex.yes_filler.has(t):
            return False
    return True


def _plausible_after_weak_cue(taken: list[Token], tokens: list[Token], lex: Lexicon) -> bool:
    first = taken[0]
    if lex.not_names.has(first) or (first.text.islower() and _STATE_WORD.fullmatch(first.key)):
        return False
    end = tokens.index(taken[-1]) + 1
    if end < len(tokens) and tokens[end].kind is Kind.WORD and tokens[end].key in _COMPLEMENTS:
        return False
    # Past the first word, a common word is part of the name when typed as one ("Noah Stop") or
    # when it ends the sentence ("i'm jane minh an."); otherwise the sentence is going on.
    at_end = _ends_sentence(tokens, end, lex)
    inner = [t for t in taken[1:] if t.key not in lex.name_particles]
    return all(not lex.not_names.has(t) or _capitalised(t) or (at_end and t is taken[-1]) for t in inner)


def _without_code_labels(tokens: list[Token]) -> list[Token]:
    """The tokens without the words right before a security code the guard took out: the guard
    only takes a code after its label, so those words are the label ("cvn [security code]"), of
    whatever spelling, never a name."""
    kept: list[Token] = []
    for token in tokens:
        if token.kind is Kind.PLACEHOLDER and token.text == placeholders.SECURITY_CODE:
            if kept and kept[-1].kind is Kind.PUNCT and kept[-1].text == ":":
                kept.pop()  # "csc: [security code]"
            while kept and kept[-1].kind is Kind.WORD:
                kept.pop()
        kept.append(token)
    return kept


def _without_trailing_number(clause: list[Token]) -> list[Token]:
    """ "Jane Doe 50", "Jane Doe $50": the name, then the amount (read by the amount stage)."""
    if not clause or clause[-1].kind is not Kind.NUMBER:
        return list(clause)
    words = list(clause[:-1])
    return words[:-1] if words and words[-1].kind is Kind.SYMBOL else words


def _without_greeting(clause: list[Token], lex: Lexicon) -> list[Token]:
    words = list(clause)
    # "hi Bob Brown", "ok Bob Brown", "umm, pues Ana Ruiz": what opens the answer is not the name.
    while words and (n := lex.greetings.match_at(words, 0) or _opener_before_more(words, lex)):
        words = words[n:]
    while words and words[-1].kind is Kind.WORD and lex.yes_filler.has(words[-1]) and len(words) > 1:
        words = words[:-1]  # "Jane Doe please"
    for k in range(1, len(words)):
        if lex.name_suffix_cues.match_at(words, k) == len(words) - k:
            return words[:k]  # "Sarah here", "Tom Lee speaking"
    return words


def _opener_before_more(words: list[Token], lex: Lexicon) -> int:
    """The length of an answer opener ("ok", "umm") at the start of `words`, when words follow it."""
    n = lex.answer_openers.match_at(words, 0)
    return n if n < len(words) else 0


def is_name(words: list[Token], lex: Lexicon) -> bool:
    """Whether these words, standing alone, are a name by the vocabulary's test: no greeting,
    command, yes or no, no common word first, particles only inside (what a bare answer must be)."""
    return bool(words) and not lex.greetings.match_at(words, 0) and _is_bare_name(words, lex)


def _is_bare_name(words: list[Token], lex: Lexicon) -> bool:
    if len(words) > MAX_NAME_WORDS or any(t.kind is not Kind.WORD for t in words):
        return False
    for command in (lex.cancel, lex.restart, lex.help, lex.yes, lex.no):
        if covered(words, command, lex.command_filler):
            return False
    if lex.not_names.has(words[0]):
        return False
    if words[0].key in lex.name_particles and not _first_name_like_particle(words, 0):
        return False
    if any(_LAUGHTER.fullmatch(t.key) for t in words):
        return False
    if words[-1].key in lex.name_particles:
        return False
    # Particles inside a name stay lower case ("María de los Ángeles"); every other word is checked.
    inner = [t for t in words if t.key not in lex.name_particles]
    title_case = all(_capitalised(t) for t in inner)
    # A common word inside a name typed as a name ("Trần Minh An", "Noah Stop") is part of it.
    return all(not lex.not_names.has(t) or (title_case and k > 0) for k, t in enumerate(inner))


def _first_name_like_particle(tokens: list[Token], k: int) -> bool:
    """A particle typed capitalised before another capitalised word is a first name ("Al Green",
    "Van Morrison", "Del Shannon"); lower case it only joins a name ("ahmed al hassan")."""
    after = tokens[k + 1] if k + 1 < len(tokens) else None
    return _capitalised(tokens[k]) and after is not None and after.kind is Kind.WORD and _capitalised(after)


def _capitalised(token: Token) -> bool:
    return token.text[:1].isupper()


def _text(words: list[Token]) -> str:
    return " ".join(t.text for t in words)


def _problem(raw: str, tokens: list[Token], lex: Lexicon) -> NameFact | None:
    """A message that tries to be a name and breaks the rule ("J4ne", "<b>x</b>", 101 letters)."""
    if any(t.kind is Kind.PLACEHOLDER for t in tokens) or any(lex.not_names.has(t) for t in tokens):
        return None  # a sentence, not an attempt at a name
    greeting = lex.greetings.match_at(tokens, 0)
    rest = raw[tokens[greeting - 1].end :] if greeting else raw
    # Emoji and other pictographs are decoration; markup and digits are not a name's characters.
    body = "".join(
        ch for ch in rest if not unicodedata.category(ch).startswith(("So", "Sk", "C")) or ch in "^`"
    )
    body = body.strip(" ,.!?;:")
    if not body:
        return None
    if len(body) > MAX_NAME_LENGTH:
        return NameFact(problem="too_long")
    if not _NAME_CHARACTERS.fullmatch(body):
        return NameFact(problem="invalid_characters")
    return None
