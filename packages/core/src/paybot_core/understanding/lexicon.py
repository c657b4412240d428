"""The per-locale vocabulary (`vocab/en.py`, `vocab/es.py`) in the shape the stages match with.

Entries are folded once here (lower case, no accents, one apostrophe) and phrases are split into
words, so the data files stay plain lists a linguist can edit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from types import ModuleType

from ..money import Locale
from .normalise import fold
from .tokens import Token
from .vocab import en, es

Phrase = tuple[str, ...]

_MODULES: dict[Locale, ModuleType] = {Locale.EN: en, Locale.ES: es}


def phrase(text: str) -> Phrase:
    """A vocabulary entry as folded words; ":" and "?" stay words of their own."""
    return tuple(fold(text).replace(":", " :").replace("?", " ?").split())


@dataclass(frozen=True)
class PhraseSet:
    """Phrases indexed by first word, longest first, for matching at a position."""

    by_first: dict[str, tuple[Phrase, ...]]
    words: frozenset[str]  # every single-word entry

    @classmethod
    def of(cls, entries: Iterable[str]) -> PhraseSet:
        index: dict[str, list[Phrase]] = {}
        for entry in entries:
            p = phrase(entry)
            if p:
                index.setdefault(p[0], []).append(p)
        return cls(
            {k: tuple(sorted(v, key=len, reverse=True)) for k, v in index.items()},
            frozenset(p[0] for v in index.values() for p in v if len(p) == 1),
        )

    def __or__(self, other: PhraseSet) -> PhraseSet:
        merged = {k: list(v) for k, v in self.by_first.items()}
        for k, v in other.by_first.items():
            merged.setdefault(k, []).extend(p for p in v if p not in merged[k])
        return PhraseSet(
            {k: tuple(sorted(v, key=len, reverse=True)) for k, v in merged.items()}, self.words | other.words
        )

    def phrase_at(self, tokens: Sequence[Token], i: int) -> Phrase | None:
        """The longest phrase starting at tokens[i], or None."""
        if i >= len(tokens):
            return None
        for form in tokens[i].forms:
            for p in self.by_first.get(form, ()):
                # A one-word phrase is its first word, which this form is: nothing more to compare.
                if len(p) == 1 or _matches(tokens, i, p):
                    return p
        return None

    def match_at(self, tokens: Sequence[Token], i: int) -> int:
        """Length of the longest phrase starting at tokens[i], or 0."""
        found = self.phrase_at(tokens, i)
        return len(found) if found else 0

    def find(self, tokens: Sequence[Token], start: int = 0) -> tuple[int, int] | None:
        """The first (position, length) where a phrase occurs, or None."""
        firsts = self.by_first.keys()
        for i in range(start, len(tokens)):
            # Most words start no phrase of the set: one set test rules a position out.
            if firsts.isdisjoint(tokens[i].forms):
                continue
            found = self.phrase_at(tokens, i)
            if found:
                return i, len(found)
        return None

    def has(self, token: Token) -> bool:
        return not self.words.isdisjoint(token.forms)


def _matches(tokens: Sequence[Token], i: int, p: Phrase) -> bool:
    if i + len(p) > len(tokens):
        return False
    return all(word in tokens[i + k].forms for k, word in enumerate(p))


@dataclass(frozen=True)
class Lexicon:
    """One or more locales' vocabulary, merged: what a message is matched against."""

    locales: tuple[Locale, ...]
    yes: PhraseSet
    yes_filler: PhraseSet
    no: PhraseSet
    no_filler: PhraseSet
    negations: PhraseSet
    hesitation: PhraseSet
    cancel: PhraseSet
    restart: PhraseSet
    help: PhraseSet
    command_filler: PhraseSet
    command_filler_or_no: PhraseSet  # "no, cancel it": a no may stand before a command
    help_filler: PhraseSet  # "I can't find the cvv on my card": the command filler, details, the card
    # What may surround "the full amount" / "only part of it": built once here, not per message.
    part_choice_filler: PhraseSet
    typo_min_length: int
    change_verbs: PhraseSet
    change_targets: PhraseSet  # card_words, name_words and amount_words together
    change_words: PhraseSet
    card_words: PhraseSet
    card_detail_words: PhraseSet
    name_words: PhraseSet
    amount_words: PhraseSet
    correction_cues: PhraseSet
    correction_openers: PhraseSet
    not_words: PhraseSet
    greetings: PhraseSet
    pay_words: PhraseSet
    pay_in_full: PhraseSet
    pay_part: PhraseSet
    part_filler: PhraseSet
    shares: dict[Phrase, Fraction]  # each phrase of `share_phrases` and the fraction it names
    share_phrases: PhraseSet
    percent_words: PhraseSet
    name_cues_strong: PhraseSet
    name_cues_weak: PhraseSet
    name_cue_filler: PhraseSet
    name_suffix_cues: PhraseSet
    answer_openers: PhraseSet
    clause_words: PhraseSet
    name_particles: frozenset[str]
    not_names: PhraseSet
    currency_words: dict[Phrase, str]
    minor_words: PhraseSet
    amount_cues: PhraseSet
    owed_cues: PhraseSet
    weak_amount_cues: PhraseSet
    negative_words: PhraseSet
    questions: dict[str, PhraseSet]
    question_phrases: PhraseSet  # every kind's phrases and `other_methods`, together
    other_methods: PhraseSet
    card_method_words: PhraseSet
    question_starters: PhraseSet
    not_amount_labels: PhraseSet
    only_here: frozenset[str]
    number_units: dict[str, int]
    number_tens: dict[str, int]
    number_hundreds: dict[str, int]
    number_scales: dict[str, int]
    number_joiners: frozenset[str]
    number_articles: frozenset[str]
    number_unit_articles: frozenset[str]
    decimal_point: frozenset[str]


_PHRASE_FIELDS = [
    "yes",
    "yes_filler",
    "no",
    "no_filler",
    "negations",
    "hesitation",
    "cancel",
    "restart",
    "help",
    "command_filler",
    "change_verbs",
    "change_words",
    "card_words",
    "card_detail_words",
    "name_words",
    "amount_words",
    "correction_cues",
    "correction_openers",
    "not_words",
    "pay_words",
    "pay_in_full",
    "pay_part",
    "part_filler",
    "percent_words",
    "name_cues_strong",
    "name_cues_weak",
    "name_cue_filler",
    "name_suffix_cues",
    "answer_openers",
    "clause_words",
    "not_names",
    "minor_words",
    "amount_cues",
    "owed_cues",
    "weak_amount_cues",
    "negative_words",
    "other_methods",
    "card_method_words",
    "question_starters",
    "not_amount_labels",
]


def _one(locale: Locale) -> Lexicon:
    m = _MODULES[locale]
    sets = {name: PhraseSet.of(getattr(m, name.upper())) for name in _PHRASE_FIELDS}
    hundreds = {fold(k): v for k, v in getattr(m, "NUMBER_HUNDREDS", {}).items()}
    if hasattr(m, "NUMBER_HUNDRED"):
        hundreds.update({fold(k): 100 for k in m.NUMBER_HUNDRED})
    # A word that answers how much is never a name ("half", "everything", "mitad").
    answers_how_much = (*m.PAY_IN_FULL, *m.PAY_PART, *m.SHARES)
    sets["not_names"] = sets["not_names"] | PhraseSet.of(w for w in answers_how_much if len(phrase(w)) == 1)
    return Lexicon(
        locales=(locale,),
        command_filler_or_no=sets["command_filler"] | sets["no"],
        help_filler=sets["command_filler"] | sets["card_detail_words"] | PhraseSet.of(m.HELP_FILLER),
        part_choice_filler=(
            sets["command_filler"]
            | sets["pay_words"]
            | sets["yes_filler"]
            | sets["amount_words"]
            | sets["part_filler"]
        ),
        shares={phrase(k): Fraction(v) for k, v in m.SHARES.items()},
        share_phrases=PhraseSet.of(m.SHARES),
        change_targets=sets["card_words"] | sets["name_words"] | sets["amount_words"],
        typo_min_length=m.TYPO_MIN_LENGTH,
        greetings=PhraseSet.of((*m.GREETINGS, *m.GREETING_PHRASES)),
        name_particles=frozenset(fold(p) for p in m.NAME_PARTICLES),
        currency_words={phrase(k): v for k, v in m.CURRENCY_WORDS.items()},
        questions={kind: PhraseSet.of(entries) for kind, entries in m.QUESTIONS.items()},
        question_phrases=PhraseSet.of(
            [*m.OTHER_METHODS, *(e for entries in m.QUESTIONS.values() for e in entries)]
        ),
        only_here=frozenset(fold(w) for w in m.ONLY_HERE),
        number_units={fold(k): v for k, v in m.NUMBER_UNITS.items()},
        number_tens={fold(k): v for k, v in m.NUMBER_TENS.items()},
        number_hundreds=hundreds,
        number_scales={fold(k): v for k, v in m.NUMBER_SCALES.items()},
        number_joiners=frozenset(fold(w) for w in m.NUMBER_JOINERS),
        number_articles=frozenset(fold(w) for w in m.NUMBER_ARTICLES),
        number_unit_articles=frozenset(fold(w) for w in m.NUMBER_UNIT_ARTICLES),
        decimal_point=frozenset(fold(w) for w in m.DECIMAL_POINT),
        **sets,
    )


def _merge(a: Lexicon, b: Lexicon) -> Lexicon:
    values: dict[str, object] = {}
    for name in Lexicon.__dataclass_fields__:
        x, y = getattr(a, name), getattr(b, name)
        if name == "locales":
            values[name] = x + y
        elif name == "typo_min_length":
            values[name] = max(x, y)
        elif isinstance(x, dict) and name == "questions":
            values[name] = {
                k: x.get(k, PhraseSet({}, frozenset())) | y.get(k, PhraseSet({}, frozenset()))
                for k in x.keys() | y.keys()
            }
        elif isinstance(x, dict):
            values[name] = {**y, **x}
        else:
            values[name] = x | y
    # A word the first locale joins sentences with is never a yes borrowed from the second:
    # in Spanish "y" is "and", whatever it means in an English chat.
    connectives = a.clause_words.words | a.number_joiners
    yes = values["yes"]
    assert isinstance(yes, PhraseSet)
    values["yes"] = PhraseSet(
        {k: v for k, v in yes.by_first.items() if not (k in connectives and k not in a.yes.by_first)},
        yes.words - (connectives - a.yes.words),
    )
    return Lexicon(**values)  # type: ignore[arg-type]


@cache
def lexicon(*locales: Locale) -> Lexicon:
    """The vocabulary of these locales together (the first one wins where they disagree)."""
    result = _one(locales[0])
    for other in locales[1:]:
        if other not in result.locales:
            result = _merge(result, _one(other))
    return result
