"""Rules-based understanding of redacted text: names, amounts and whole-message commands.

The rules are general (how people write these things), not a list of sentences:
- a command (cancel, restart, help) is a command word plus only filler words, so a name or
  a longer sentence that merely contains "no" or "stop" is never one;
- a name follows a cue ("my name is", "I'm", "this is") or, when the bot asked for a name,
  is a short message of name-like words none of which is a common non-name word;
- an amount needs a currency marker or a cue ("pay", "make it"), except when the bot asked
  for the amount, where a bare number will do.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from ..pci import placeholders
from . import vocabulary as vocab
from .state import Field
from .understanding import AmountFact, Intent, NameFact, UnderstandingContext, Understood

MAX_NAME_LENGTH = 100
MIN_NAME_LENGTH = 2

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'"})
_WORD = re.compile(r"[^\W_]+(?:['\-.][^\W_]+)*'?|\?")
# A name word: letters (any script), with inner apostrophes, hyphens or periods ("O'Brien", "J.").
_NAME_TOKEN = re.compile(r"[^\W\d_]+(?:['\-.][^\W\d_]+)*\.?")
_NAME_ALLOWED = re.compile(r"[^\W\d_]|[ '\-.]")
_NAME_CUE = re.compile(
    r"(?:^|\b)(?:my\s+(?:full\s+)?name\s+is|my\s+name's|(?:the\s+)?name\s+is|name's|name\s*:|"
    r"i\s+am|i'm|im|this\s+is|it's|it\s+is|call\s+me|(?:the\s+)?card\s*holder(?:'s)?(?:\s+name)?\s+is)\s+",
    re.IGNORECASE,
)
_NUMBER = r"-?\s?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|-?\.\d+"
_SYMBOL = "|".join(re.escape(s) for s in vocab.CURRENCY_SYMBOLS)
_CODES = "|".join(sorted(vocab.CURRENCY_WORDS, key=len, reverse=True))
_AMOUNT_SYMBOL = re.compile(rf"(?:(?<![\w])(?:{_CODES})\s*)?(?:{_SYMBOL})\s*({_NUMBER})", re.IGNORECASE)
_AMOUNT_CODE_BEFORE = re.compile(rf"(?<![\w])(?:{_CODES})\s*({_NUMBER})(?![\w])", re.IGNORECASE)
_AMOUNT_WORD_AFTER = re.compile(rf"(?<![\w.,])({_NUMBER})\s*(?:{_CODES}|cents?)(?![\w])", re.IGNORECASE)
_AMOUNT_CUE = re.compile(
    rf"\b(?:pay(?:ing)?|amount(?:\s+(?:is|of|to))?|make\s+it|change\s+(?:it|the\s+amount)\s+to|total(?:\s+is)?|"
    rf"owe)\s+({_NUMBER})(?![\w/%])",
    re.IGNORECASE,
)
_BARE_AMOUNT = re.compile(rf"\s*({_NUMBER})\s*", re.IGNORECASE)
_CENTS = re.compile(r"cents?\b", re.IGNORECASE)
# What the PCI guard leaves where card material was; not words of the payer's.
_PLACEHOLDERS = placeholders.PATTERN


def normalise(text: str) -> str:
    return unicodedata.normalize("NFC", text).translate(_APOSTROPHES).strip()


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def understand_text(text: str, context: UnderstandingContext) -> Understood:
    """The rules model: intents, a name and an amount from one redacted message."""
    text = normalise(text)
    tokens = words(text)
    intents = detect_intents(text, tokens)
    name = parse_name(text, tokens, expecting_name=context.expecting is Field.NAME)
    amount = parse_amount(text, context.currency, bare_allowed=context.expecting is Field.AMOUNT)
    if amount is None and context.expecting is Field.AMOUNT and not intents and name is None:
        amount = _unreadable_amount(text)
    return Understood(intents=intents, name=name, amount=amount)


# ---------------------------------------------------------------- intents


def _only(tokens: list[str], keywords: frozenset[str], filler: frozenset[str]) -> bool:
    return any(t in keywords for t in tokens) and all(t in keywords or t in filler for t in tokens)


def _phrase_only(text: str, phrases: tuple[str, ...], filler: frozenset[str]) -> bool:
    lowered = " ".join(words(text))
    for phrase in phrases:
        if phrase in lowered:
            rest = lowered.replace(phrase, " ").split()
            if all(t in filler for t in rest):
                return True
    return False


def detect_intents(text: str, tokens: list[str]) -> frozenset[Intent]:
    found: set[Intent] = set()
    if not tokens:
        return frozenset()
    if _only(tokens, vocab.CANCEL_WORDS, vocab.COMMAND_FILLER) or _phrase_only(
        text, vocab.CANCEL_PHRASES, vocab.COMMAND_FILLER
    ):
        found.add(Intent.CANCEL)
    if _only(tokens, vocab.RESTART_WORDS, vocab.COMMAND_FILLER) or _phrase_only(
        text, vocab.RESTART_PHRASES, vocab.COMMAND_FILLER
    ):
        found.add(Intent.RESTART)
    if _only(tokens, vocab.HELP_WORDS, vocab.COMMAND_FILLER | {"me", "need", "some"}) or _phrase_only(
        text, vocab.HELP_PHRASES, vocab.COMMAND_FILLER
    ):
        found.add(Intent.HELP)
    if _is_affirmation(text, tokens):
        found.add(Intent.AFFIRM)
    elif _only(tokens, vocab.DENY_STRONG, vocab.DENY_WEAK):
        found.add(Intent.DENY)
    found |= _change_intents(tokens)
    if tokens[0] in vocab.GREETINGS or (
        len(tokens) > 1 and " ".join(tokens[:2]) in {"good morning", "good evening"}
    ):
        found.add(Intent.GREETING)
    if any(t in vocab.PAY_WORDS for t in tokens):
        found.add(Intent.PAY)
    return frozenset(found)


def _is_affirmation(text: str, tokens: list[str]) -> bool:
    if any(t in vocab.NEGATIONS for t in tokens):
        return False
    lowered = " ".join(tokens)
    for phrase in vocab.AFFIRM_PHRASES:
        lowered = lowered.replace(phrase, "confirm")
    rest = lowered.split()
    return _only(rest, vocab.AFFIRM_STRONG, vocab.AFFIRM_WEAK)


def _change_intents(tokens: list[str]) -> set[Intent]:
    # "change the card", or after "what would you like to change?" just "the card" / "my name".
    targets = vocab.CARD_TARGETS | vocab.NAME_TARGETS | vocab.AMOUNT_TARGETS
    bare_target = _only(tokens, targets, vocab.COMMAND_FILLER | {"card's", "name's"})
    if not bare_target and not any(t in vocab.CHANGE_VERBS for t in tokens):
        return set()
    found: set[Intent] = set()
    if any(t in vocab.CARD_TARGETS for t in tokens):
        found.add(Intent.CHANGE_CARD)
    if any(t in vocab.NAME_TARGETS for t in tokens):
        found.add(Intent.CHANGE_NAME)
    if any(t in vocab.AMOUNT_TARGETS for t in tokens):
        found.add(Intent.CHANGE_AMOUNT)
    return found


# ---------------------------------------------------------------- names


def parse_name(text: str, tokens: list[str], *, expecting_name: bool) -> NameFact | None:
    """A name after a cue anywhere, or a bare name when the bot asked for one."""
    for cue in _NAME_CUE.finditer(text):
        candidate = _name_words_after(text[cue.end() :])
        if candidate:
            return validate_name(candidate)
    if not expecting_name:
        return None
    body = _strip_greeting(_PLACEHOLDERS.sub(" ", text)).strip(" ,.!?;:")
    if not body:
        return None
    parts = body.split()
    if len(parts) <= 6 and all(_NAME_TOKEN.fullmatch(p) for p in parts):
        if not any(p.lower().rstrip(".") in vocab.STOPWORDS for p in parts):
            return validate_name(" ".join(parts))
        return None
    if any(t in vocab.STOPWORDS for t in tokens):
        return None  # a sentence, not an attempt at a name
    if len(body) > MAX_NAME_LENGTH:
        return NameFact(problem="too_long")
    if any(not _NAME_ALLOWED.match(ch) for ch in body):
        return NameFact(problem="invalid_characters")
    return None


def _strip_greeting(text: str) -> str:
    parts = text.split()
    while parts and parts[0].lower().strip(",.!") in vocab.GREETINGS | {"there", "good"}:
        parts.pop(0)
    return " ".join(parts)


def _name_words_after(rest: str) -> str | None:
    taken: list[str] = []
    for raw in rest.split():
        stop_after = raw[-1] in ",;:!?" or (raw.endswith(".") and len(raw.rstrip(".")) > 1 and taken)
        word = raw.rstrip(",;:!?")
        if word.endswith(".") and len(word) > 2:
            word = word.rstrip(".")
        if not _NAME_TOKEN.fullmatch(word) or word.lower() in vocab.STOPWORDS:
            break
        taken.append(word)
        if stop_after or len(taken) == 6:
            break
    return " ".join(taken) if taken else None


def validate_name(candidate: str) -> NameFact:
    """The field rule: 2-100 characters of letters, spaces, apostrophes, hyphens, periods."""
    name = " ".join(candidate.split())
    if len(name) > MAX_NAME_LENGTH:
        return NameFact(problem="too_long")
    if any(not _NAME_ALLOWED.match(ch) for ch in name) or not any(ch.isalpha() for ch in name):
        return NameFact(problem="invalid_characters")
    if len(name) < MIN_NAME_LENGTH:
        return NameFact(problem="too_short")
    return NameFact(value=name)


# ---------------------------------------------------------------- amounts


def parse_amount(text: str, currency: str, *, bare_allowed: bool) -> AmountFact | None:
    """An amount in minor units, or a problem, or None when the text states no amount."""
    for pattern in (_AMOUNT_SYMBOL, _AMOUNT_CODE_BEFORE, _AMOUNT_WORD_AFTER):
        match = pattern.search(text)
        if match:
            in_cents = pattern is _AMOUNT_WORD_AFTER and bool(_CENTS.search(match.group(0)))
            return to_minor_units(match.group(1), currency, already_minor=in_cents)
    if bare_allowed:
        bare = _BARE_AMOUNT.fullmatch(text)
        if bare:
            return to_minor_units(bare.group(1), currency)
    match = _AMOUNT_CUE.search(text)
    if match and not re.search(r"[\[\]]", text):
        return to_minor_units(match.group(1), currency)
    return None


def _unreadable_amount(text: str) -> AmountFact | None:
    return AmountFact(problem="unreadable") if re.search(r"\d", text) else None


def currency_exponent(currency: str) -> int:
    return 0 if currency.lower() in vocab.ZERO_DECIMAL_CURRENCIES else 2


def to_minor_units(raw: str, currency: str, *, already_minor: bool = False) -> AmountFact:
    cleaned = raw.replace(",", "").replace(" ", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return AmountFact(problem="unreadable")
    if value <= 0:
        return AmountFact(problem="not_positive")
    exponent = 0 if already_minor else currency_exponent(currency)
    scaled = value.scaleb(exponent)
    if scaled != scaled.to_integral_value():
        return AmountFact(problem="too_many_decimals")
    return AmountFact(minor=int(scaled))
