"""Stage 5: the amount a message states, in the session's minor units, or why it cannot be taken.

A number is money when something says so: a currency sign or code before or after it ("$50",
"75$", "USD 50", "40 euros", "50 bucks"), a cue ("pay 50", "amount: 300", "I meant 60"), or the
bot having asked for the amount (then a lone number will do, unless a label says it is something
else: "reference 1001"). What is refused is reported, never repaired: a minus is "negative" (not
the absolute value), another currency is "other_currency" (never charged as the session's), an
ambiguous separator is "ambiguous" with the likelier reading to confirm back.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..conversation.understanding import AmountFact
from ..money import DOLLAR_CURRENCIES, ISO_CODES, symbol_currency, to_minor
from .lexicon import Lexicon, Phrase, PhraseSet
from .numbers import Reading
from .tokens import Kind, Token

_PESO_CURRENCIES = frozenset({"mxn", "clp", "cop", "ars", "php", "uyu", "dop"})


@dataclass
class _Candidate:
    index: int
    reading: Reading
    marked: bool = False
    cued: bool = False
    currency: str | None = None
    negative: bool = False
    minor_unit: bool = False
    cents: Decimal | None = None  # "fifty dollars and twenty cents"
    after_to: bool = False  # "change it from 50 to 60": the later number is the new one
    rejected: bool = False  # "not 15, 50": the value the payer takes back
    spaced: bool = False  # "$ 1 2 0": digits typed apart, so which number is meant is unclear
    owed: bool = False  # "I owe 120 but can only pay 60": the debt, not what is paid now


def extract_amount(
    tokens: list[Token], lex: Lexicon, session_currency: str, *, expecting: bool
) -> AmountFact | None:
    numbers = [i for i, t in enumerate(tokens) if t.kind is Kind.NUMBER and isinstance(t.value, Reading)]
    if not numbers:
        return None
    candidates = [_describe(tokens, i, lex, session_currency) for i in numbers]
    chosen = _choose(candidates, tokens, lex, expecting=expecting)
    return _fact(chosen, session_currency) if chosen else None


def _describe(tokens: list[Token], i: int, lex: Lexicon, session: str) -> _Candidate:
    token = tokens[i]
    assert isinstance(token.value, Reading)
    c = _Candidate(i, token.value)
    j = i - 1
    if j >= 0 and tokens[j].kind is Kind.SIGN:  # "$-25"
        c.negative, j = True, j - 1
    if j >= 0 and tokens[j].kind is Kind.SYMBOL:
        c.currency, c.marked, j = symbol_currency(tokens[j].text, session), True, j - 1
    if j >= 0 and tokens[j].kind is Kind.SIGN:  # "-$25"
        c.negative, j = True, j - 1
    if j >= 0 and tokens[j].kind is Kind.WORD and tokens[j].key in ISO_CODES:  # "USD 50", "usd50"
        c.currency, c.marked, j = c.currency or tokens[j].key, True, j - 1
    if j >= 0 and tokens[j].kind is Kind.SIGN:
        c.negative, j = True, j - 1
    if j >= 0 and lex.negative_words.has(tokens[j]):  # "minus 25", "menos 25"
        c.negative, j = True, j - 1
    k = i + 1
    c.spaced = _spaced_digits(tokens, i)
    if k < len(tokens) and tokens[k].kind is Kind.SYMBOL:  # "75$", "40€"
        c.currency, c.marked, k = c.currency or symbol_currency(tokens[k].text, session), True, k + 1
    word, used = _currency_word(tokens, k, lex)
    if word is not None:
        c.currency, c.marked, k = c.currency or _resolve(word, session), True, k + used
        c.cents = _spoken_cents(tokens, k)
    elif k < len(tokens) and tokens[k].kind is Kind.WORD and tokens[k].key in ISO_CODES:
        c.currency, c.marked, k = c.currency or tokens[k].key, True, k + 1
    elif lex.minor_words.match_at(tokens, k):
        c.minor_unit, c.marked = True, True
    if not c.minor_unit and c.cents is None:
        c.cents = _trailing_cents(tokens, k, lex)
        # "350 con 75 centavos", "12 and 40 cents": the cents make the number before them money too
        # (else the marked "75 centavos" alone would be taken, as $0.75).
        c.marked = c.marked or c.cents is not None
    clause_ends = _clause_ends(tokens, k, lex)
    # "60 not 50", "60 instead of 50": the payer sets the first against the second.
    if k < len(tokens) and tokens[k].kind is Kind.PUNCT and tokens[k].text == ",":
        k += 1  # "60, no 50"
    not_at = lex.not_words.match_at(tokens, k)
    if not_at and any(t.kind is Kind.NUMBER for t in tokens[k + not_at : k + not_at + 2]):
        c.cued = True
    c.cued = (
        c.cued
        or _cue_before(tokens, j, lex)
        or (_only_openers_before(tokens, j, lex) and _nothing_after(tokens, k, lex))
    )
    c.after_to = j >= 0 and tokens[j].kind is Kind.WORD and tokens[j].key in ("to", "a", "por")
    c.rejected = j >= 0 and _not_ends_at(tokens, j, lex)
    c.owed = _cue_before(tokens, j, lex, lex.owed_cues)
    # "the bill is 45.99", "el saldo es 82": what is owed is money too ("pay 50, I owe 200" still
    # takes 50, see _choose); "it's 45.99" where its clause ends ("it's 45.99, Ana Ruiz").
    weakly_cued = clause_ends and _cue_before(tokens, j, lex, lex.weak_amount_cues)
    # "mi referencia es 1001", "my order, it's 2231", "la factura es 2231": the number is what the
    # label names, not money; "la factura es de 120" still says how much. (It stays owed, so a
    # payment stated beside it still wins in _choose.)
    c.cued = c.cued or ((c.owed or weakly_cued) and not _label_before(tokens, j, lex))
    return c


def _label_before(tokens: list[Token], j: int, lex: Lexicon) -> bool:
    """Does a not-amount label ("reference", "cuenta", "código") come before tokens[j], with no
    "de" / "of" ending the cue that says the number is an amount of it?"""
    if j >= 0 and tokens[j].key in ("de", "of"):
        return False
    return any(t.key != "no" and lex.not_amount_labels.has(t) for t in tokens[: max(j, 0)])


def _clause_ends(tokens: list[Token], k: int, lex: Lexicon) -> bool:
    """Does a clause end at tokens[k]: the message, a mark (",", "."), or only courtesy after it?"""
    return k >= len(tokens) or tokens[k].kind is Kind.PUNCT or _nothing_after(tokens, k, lex)


def _currency_word(tokens: list[Token], k: int, lex: Lexicon) -> tuple[str | None, int]:
    for length in (2, 1):
        words = tokens[k : k + length]
        if len(words) == length and all(t.kind is Kind.WORD for t in words):
            for key in _keys(words):
                if key in lex.currency_words:
                    return lex.currency_words[key], length
    return None, 0


def _keys(words: list[Token]) -> list[Phrase]:
    if len(words) == 1:
        return [(f,) for f in words[0].forms]
    return [tuple(t.key for t in words)]


def _resolve(word: str, session: str) -> str:
    """The currency a word names: "dollars" is the session's dollar when it has one, else usd."""
    if word == "session-dollar":
        return session if session in DOLLAR_CURRENCIES - _PESO_CURRENCIES else "usd"
    if word == "mxn" and session in _PESO_CURRENCIES:
        return session
    return word


def _trailing_cents(tokens: list[Token], k: int, lex: Lexicon) -> Decimal | None:
    """ "... and twenty cents", "... con veinte centavos", "... y 50 centavos" after a marked amount."""
    if k < len(tokens) and tokens[k].kind is Kind.WORD and tokens[k].key in ("and", "y", "con"):
        k += 1
    if k < len(tokens) and tokens[k].kind is Kind.NUMBER and lex.minor_words.match_at(tokens, k + 1):
        value = tokens[k].value
        if isinstance(value, Reading) and value.value == value.value.to_integral_value():
            return value.value
    return None


def _spoken_cents(tokens: list[Token], k: int) -> Decimal | None:
    """ "85 dólares con 50", "40 dollars and 25": after a currency word, a joined 1-99 that ends the
    message is its cents, as people say prices."""
    if k + 1 >= len(tokens) or tokens[k].kind is not Kind.WORD or tokens[k].key not in ("and", "y", "con"):
        return None
    number = tokens[k + 1]
    if number.kind is not Kind.NUMBER or any(t.kind is not Kind.PUNCT for t in tokens[k + 2 :]):
        return None
    value = number.value
    if (
        isinstance(value, Reading)
        and value.value == value.value.to_integral_value()
        and 1 <= value.value <= 99
    ):
        return value.value
    return None


def _cue_before(tokens: list[Token], j: int, lex: Lexicon, cues: PhraseSet | None = None) -> bool:
    """Does an amount cue ("pay", "amount:", "I meant") end at tokens[j] (a ":" may follow it)?"""
    cues = cues or lex.amount_cues
    if j >= 0 and tokens[j].kind is Kind.PUNCT and tokens[j].text == ":":
        j -= 1
    return any(cues.match_at(tokens, start) == j - start + 1 for start in range(max(0, j - 4), j + 1))


def _only_openers_before(tokens: list[Token], j: int, lex: Lexicon) -> bool:
    """Is everything up to tokens[j] a correction opener ("oops no, 205", "perdón, 260")?"""
    words = [t for t in tokens[: j + 1] if t.kind is not Kind.PUNCT]
    if not words:
        return False
    k = 0
    while k < len(words):
        n = lex.correction_openers.match_at(words, k)
        if not n:
            return False
        k += n
    return True


def _nothing_after(tokens: list[Token], k: int, lex: Lexicon) -> bool:
    """Does the message end at tokens[k], but for marks and courtesy ("205.", "205 please")?
    ("sorry, 2 cards" goes on: the number counts something else.)"""
    rest = [t for t in tokens[k:] if t.kind is not Kind.PUNCT]
    return all(t.kind is Kind.WORD and (lex.yes_filler.has(t) or lex.part_filler.has(t)) for t in rest)


def _not_ends_at(tokens: list[Token], j: int, lex: Lexicon) -> bool:
    """Does a "not" phrase ("not", "rather than", "en vez de") end at tokens[j]?"""
    return any(
        lex.not_words.match_at(tokens, start) == j - start + 1 for start in range(max(0, j - 2), j + 1)
    )


def _choose(
    candidates: list[_Candidate], tokens: list[Token], lex: Lexicon, *, expecting: bool
) -> _Candidate | None:
    taken_back = [c for c in candidates if c.rejected]
    if taken_back and len(taken_back) < len(candidates):
        # "no not 15, 50", "en vez de 15, 50": the value after the "not" is taken back; the other
        # one is the correction.
        candidates = [c for c in candidates if not c.rejected]
        for c in candidates:
            c.cued = True
    if lex.change_verbs.find(tokens) is not None:
        later = [c for c in candidates if c.after_to]
        if later:
            return later[-1]
    # What the payer will pay now comes before what they owe: "I owe $120 but can only pay $60".
    for owed in (False, True):
        for c in candidates:
            if c.marked and c.owed is owed:
                return c
        for c in candidates:
            if c.cued and c.owed is owed:
                return c
    if expecting:
        # A lone number answers "how much?"; several ("5 0") or a labelled one ("reference 1001") do not.
        unlabelled = [
            c for c in candidates if not (c.index > 0 and lex.not_amount_labels.has(tokens[c.index - 1]))
        ]
        if len(unlabelled) == 1:
            return unlabelled[0]
    return None


def _spaced_digits(tokens: list[Token], i: int) -> bool:
    """Is tokens[i] one of several one-digit numbers typed apart ("$ 1 2 0", "5 0")?"""

    def one_digit(k: int) -> bool:
        return 0 <= k < len(tokens) and tokens[k].kind is Kind.NUMBER and len(tokens[k].text) == 1

    return one_digit(i) and (one_digit(i + 1) or one_digit(i - 1))


def _fact(c: _Candidate, session: str) -> AmountFact:
    if c.negative:
        return AmountFact(problem="negative")
    if c.spaced:
        return AmountFact(problem="unreadable")  # never one digit of several: ask again
    if c.currency is not None and c.currency != session:
        return AmountFact(problem="other_currency", currency=c.currency)
    value = c.reading.value
    if c.minor_unit:
        if value != value.to_integral_value() or value <= 0:
            return AmountFact(problem="unreadable" if value > 0 else "not_positive")
        return AmountFact(minor=int(value))
    if c.cents is not None:
        value += c.cents / 100
    if value <= 0:
        return AmountFact(problem="not_positive")
    minor = to_minor(value, session)
    if minor is None:
        return AmountFact(problem="too_many_decimals")
    if c.reading.ambiguous:
        return AmountFact(minor=minor, problem="ambiguous")
    return AmountFact(minor=minor)
