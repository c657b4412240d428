"""Understanding what a payer typed: redacted text in, `Understood` out, one job per stage.

    normalise -> tokenise -> detect the language -> read numbers -> share -> amount -> intents
    -> question -> name -> corrections

Every stage is a general rule over tokens and the per-locale vocabulary (`vocab/`), never a list
of sentences. The session's locale and the message's own language are both consulted, the
message's first, so "sí" is understood in an English session and "y" is never a yes in Spanish.
"""

from __future__ import annotations

import re

from ..conversation.state import Field
from ..conversation.understanding import AmountFact, Intent, UnderstandingContext, Understood
from ..money import Locale
from .amounts import extract_amount
from .corrections import corrected_name
from .intents import detect_intents
from .language import detect_language
from .lexicon import lexicon
from .names import extract_name, validate_name
from .normalise import normalise
from .numbers import read_numbers
from .questions import detect_question
from .shares import extract_share
from .tokens import Kind, Token, tokenise

__all__ = ["understand", "validate_name"]

_DIGIT = re.compile(r"\d")
_NOTHING = Understood()


def understand(text: str, context: UnderstandingContext) -> Understood:
    """Intents, a question, a name and an amount from one redacted message."""
    clean = normalise(text)
    tokens = tokenise(clean)
    if tokens and all(t.kind is Kind.PLACEHOLDER for t in tokens):
        # Only card material, which the guard took out (a card step's usual answer): no stage
        # reads a placeholder, so there is nothing else to understand.
        return _NOTHING
    language = detect_language(tokens)
    session = _locale(context.locale)
    locales = (language, session) if language and language is not session else (session,)
    lex = lexicon(*locales)
    numbered = read_numbers(tokens, lex, language or session)
    expecting = context.expecting
    intents = detect_intents(tokens, lex)
    question, detail = detect_question(tokens, lex)
    share = extract_share(tokens, numbered, lex)
    if share is not None:  # "two thirds", "25%": those numbers are the share's, not money
        numbered = [t for t in numbered if not share.covers(t)]
    # A question asks, it does not answer: no bare amount or bare name is read out of one. (A lone
    # number where the name was asked stays a failed name: it may be an invoice or account number.)
    amount = extract_amount(
        numbered, lex, context.currency, expecting=expecting is Field.AMOUNT and question is None
    )
    name = extract_name(
        tokens,
        clean,
        lex,
        expecting_name=expecting is Field.NAME and not intents - {Intent.GREETING, Intent.PAY},
        is_question=question is not None,
    )
    if name is None or name.value is None:
        name = corrected_name(tokens, lex, context.name) or name
    elif amount is None and expecting is Field.NAME and question is None and _ends_in_a_number(numbered):
        # "Jane Doe 50": the name, and the amount a step ahead.
        amount = extract_amount(numbered, lex, context.currency, expecting=True)
    about_else = amount is not None or share is not None or intents or question is not None
    if name is not None and name.value is None and about_else:
        name = None  # the message was about something else; not a failed attempt at a name
    unanswered = not intents and name is None and question is None and share is None
    if amount is None and expecting is Field.AMOUNT and unanswered:
        amount = AmountFact(problem="unreadable") if _DIGIT.search(clean) else None
    return Understood(
        intents=intents,
        name=name,
        amount=amount,
        share=share.fraction if share else None,
        question=question,
        question_detail=detail,
        language=language.value if language else None,
    )


def _ends_in_a_number(tokens: list[Token]) -> bool:
    """Words and then one number ("Jane Doe 50"): where a name was asked for and given, that
    number is the amount, a step ahead."""
    words = [t for t in tokens if t.kind is not Kind.PUNCT]
    numbers = [t for t in words if t.kind is Kind.NUMBER]
    return len(numbers) == 1 and words[-1] is numbers[0]


def _locale(value: str) -> Locale:
    return _LOCALES.get(value, Locale.EN)


_LOCALES = {locale.value: locale for locale in Locale}
