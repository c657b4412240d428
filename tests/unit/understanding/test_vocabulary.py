"""Invariants of the per-locale vocabulary (understanding/vocab/*.py), whoever edits it next."""

from __future__ import annotations

import itertools
from types import ModuleType

import pytest

from paybot_core.understanding.lexicon import phrase
from paybot_core.understanding.vocab import en, es

LOCALES = [pytest.param(en, id="en"), pytest.param(es, id="es")]
# Lists whose entries must never meet: a phrase in both would be read two opposite ways.
OPPOSITES = [
    ("YES", "NO"),
    ("YES", "CANCEL"),
    ("YES", "HESITATION"),
    ("YES", "NEGATIONS"),
    ("YES", "HELP"),
    ("YES", "RESTART"),
    ("NO", "RESTART"),
    ("CANCEL", "RESTART"),
    ("CANCEL", "HELP"),
    ("CANCEL", "NAME_CUES_STRONG"),
    ("CANCEL", "NAME_CUES_WEAK"),
    ("YES", "NAME_CUES_STRONG"),
    ("YES", "NAME_CUES_WEAK"),
]
# What is never an answer to "shall I make the payment?", in any language.
NOT_ANSWERS = {"and", "ok so", "hmm", "so", "but", "or", "the", "maybe", "um", "o", "pero", "pues", "ok pero"}
# ... and in Spanish "y" ("and"), which English chat uses for yes.
NOT_ANSWERS_HERE = {"en": set(), "es": {"y"}}


def entries(module: ModuleType, name: str) -> list[tuple[str, ...]]:
    value = getattr(module, name)
    items = value.keys() if isinstance(value, dict) else value
    return [phrase(item) for item in items]


def lists(module: ModuleType) -> list[str]:
    return [n for n in dir(module) if n.isupper() and isinstance(getattr(module, n), tuple | dict)]


@pytest.mark.parametrize("module", LOCALES)
def test_no_duplicates_within_a_list(module: ModuleType) -> None:
    for name in lists(module):
        if name == "QUESTIONS":
            for kind, items in module.QUESTIONS.items():
                folded = [phrase(i) for i in items]
                assert len(folded) == len(set(folded)), (
                    kind,
                    sorted(p for p in folded if folded.count(p) > 1),
                )
            continue
        folded = entries(module, name)
        dupes = sorted({p for p in folded if folded.count(p) > 1})
        assert not dupes, (name, dupes)


@pytest.mark.parametrize("module", LOCALES)
@pytest.mark.parametrize(("one", "other"), OPPOSITES)
def test_no_phrase_in_two_opposite_lists(module: ModuleType, one: str, other: str) -> None:
    assert not set(entries(module, one)) & set(entries(module, other))


@pytest.mark.parametrize("module", LOCALES)
def test_the_yes_list_holds_only_answers(module: ModuleType) -> None:
    yes = set(entries(module, "YES"))
    here = NOT_ANSWERS_HERE[module.__name__.rsplit(".", 1)[1]]
    assert not yes & {phrase(w) for w in NOT_ANSWERS | here}
    joiners = {phrase(w) for w in (*module.NUMBER_JOINERS, *module.CLAUSE_WORDS)}
    assert not yes & joiners, "a word that joins sentences is never a yes"
    negations = {p[0] for p in entries(module, "NEGATIONS") if len(p) == 1}
    assert not [p for p in yes if set(p) & negations], "a yes never holds a negation"


def test_in_spanish_y_is_and_never_yes() -> None:
    assert phrase("y") not in set(entries(es, "YES"))
    assert "y" in es.NUMBER_JOINERS


@pytest.mark.parametrize("module", LOCALES)
def test_question_kinds_are_the_same_in_every_locale(module: ModuleType) -> None:
    assert set(module.QUESTIONS) == set(en.QUESTIONS)


def test_every_locale_has_every_list() -> None:
    for a, b in itertools.permutations([en, es], 2):
        assert set(lists(a)) - {"NUMBER_HUNDRED", "NUMBER_HUNDREDS"} <= set(lists(b)) | {
            "NUMBER_HUNDRED",
            "NUMBER_HUNDREDS",
        }


@pytest.mark.parametrize("module", LOCALES)
def test_language_markers_are_not_shared(module: ModuleType) -> None:
    """A word that marks one language must not mark the other: it would switch both ways."""
    other = es if module is en else en
    assert not {phrase(w) for w in module.ONLY_HERE} & {phrase(w) for w in other.ONLY_HERE}
