"""What a language model may propose about one message, and the code that decides what of it stands.

A model (Bedrock, through Converse tool use) is a helper, never a judge (card-data rule 4):
- It sees redacted text only (the PCI model guard sanitises what it is given and checks the final
  request body).
- Its tool (`TOOL_CONFIG`, a JSON schema) can propose three things and no more: the cardholder's
  name, the amount as the payer wrote it, and the kind of question the payer asks. The schema has
  no property for yes, no, cancel or any other command, nor for a card field: what the tool cannot
  say, the model cannot propose, and `read_proposal` reads nothing else out of its answer.
- It is asked only where the rules could not tell (`worth_asking`): the field the bot asked for is
  missing, or the rules understood nothing at all; never for a message the rules read as a command
  or a question, nor one that carried card material (the PCI guard reads those).
- Every proposal is validated here (`take_proposal`) by the same rules as typed input, against the
  payer's own words:
  * a name must pass `validate_name`, be words the payer wrote, whole and in order (the value kept
    is the payer's writing, not the model's), and be a name by the vocabulary's test (not a
    greeting, a command, yes or no, not starting with a common word);
  * an amount is never taken for a preset amount, nor over a problem the rules found (negative,
    another currency, ambiguous separators, too many decimals): only where they could read none;
    and its value must be one of the numbers the code itself reads in the message (digits or
    number words, in the session's or the message's language). The model only points at which
    figure is the amount: it never computes, converts or invents one;
  * a question must be one of the kinds the engine answers, and is taken only when no field was
    (a question is never an answer); its detail (the way to pay asked about) only if it is words
    of the message, since the reply quotes it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from ..conversation.state import Field
from ..conversation.understanding import (
    AmountFact,
    Intent,
    NameFact,
    Question,
    UnderstandingContext,
    Understood,
)
from ..money import Locale, parse_minor, to_minor
from .language import detect_language
from .lexicon import Lexicon, lexicon
from .names import is_name, validate_name
from .normalise import normalise
from .numbers import Reading, read_numbers
from .tokens import Kind, Token, tokenise

TOOL_NAME = "record_payment_details"
MAX_DETAIL_WORDS = 4

# Intents that are answers or commands: a message holding one is the rules' alone.
_COMMANDS = frozenset(set(Intent) - {Intent.GREETING, Intent.PAY})

# Kept short: the prompt and the schema are billed as input tokens on every call (bench/model_tokens.py).
SYSTEM_PROMPT = (
    "Read one message a payer wrote to a payment assistant, in English or Spanish; card details were "
    "removed. Call the tool once, with only what the payer clearly wrote. Never guess, invent, convert "
    "or confirm a payment."
)
_AMOUNT_DESCRIPTION = (
    "Only if written: the amount to pay as a decimal with a point, in whole units (50, 1250.50)."
)
_QUESTION_KINDS = {
    Question.AMOUNT_OWED: "how much is due",
    Question.PURPOSE: "what it is for",
    Question.SECURITY: "is it safe",
    Question.WHY_FIELD: "why a detail is needed",
    Question.PAYMENT_METHODS: "which cards",
    Question.OTHER_METHOD: "paying another way",
    Question.PARTIAL: "paying part",
    Question.PERSON: "a human",
    Question.COLLECTED: "what was given",
    Question.OTHER: "anything else",
}
_QUESTION_DESCRIPTION = "If the message asks something: " + ", ".join(
    f"{kind.value} ({meaning})" for kind, meaning in _QUESTION_KINDS.items()
)
TOOL_CONFIG: dict[str, Any] = {
    "tools": [
        {
            "toolSpec": {
                "name": TOOL_NAME,
                "description": "Record what the payer's message states.",
                "inputSchema": {
                    "json": {
                        "type": "object",
                        # Plain string types: not every model on Bedrock accepts JSON Schema type arrays.
                        "properties": {
                            "name": {
                                "type": "string",
                                "description": "The cardholder's full name as written.",
                            },
                            "amount": {"type": "string", "description": _AMOUNT_DESCRIPTION},
                            "question": {
                                "type": "string",
                                "enum": [kind.value for kind in Question],
                                "description": _QUESTION_DESCRIPTION,
                            },
                            "question_detail": {
                                "type": "string",
                                "description": "The card brand or way to pay asked about, as written.",
                            },
                        },
                    }
                },
            }
        }
    ],
    "toolChoice": {"tool": {"name": TOOL_NAME}},
}
# What the bot had asked for, as the model is told it (the card fields are never shown to it).
_ASKED = {
    Field.NAME: "the name on the card",
    Field.AMOUNT: "the amount to pay",
    Field.CARD_NUMBER: "the card details",
    Field.EXPIRY: "the card details",
    Field.CVV: "the card details",
    Field.PAYMENT_METHOD: "the card details",
    Field.CONFIRMATION: "a yes or no to make the payment",
}
# Fixed texts of this module: the PCI guard's final-body check accepts the figures they hold.
TRUSTED_TEXTS = frozenset({SYSTEM_PROMPT, _AMOUNT_DESCRIPTION, _QUESTION_DESCRIPTION})
_DECIMAL = re.compile(r"\s*\d[\d,]*(?:\.\d+)?\s*")  # "1250.50", "1,250.50"


def user_prompt(text: str, context: UnderstandingContext) -> str:
    """The one user message: what the bot asked for, then the payer's (sanitised) words."""
    asked = _ASKED.get(context.expecting, "nothing in particular") if context.expecting else "nothing"
    return f"The assistant asked the payer for {asked}. The payer wrote: {text}"


def read_proposal(tool_input: Any, currency: str) -> Understood:
    """The tool's input read for shape only, as an `Understood`; `take_proposal` validates it.
    Only the schema's properties are read: nothing else in a model's answer can become a fact."""
    if not isinstance(tool_input, dict):
        return Understood()
    name = tool_input.get("name")
    amount = tool_input.get("amount")
    if isinstance(amount, int | float) and not isinstance(amount, bool):
        amount = str(amount)
    minor = parse_minor(amount, currency) if isinstance(amount, str) and _DECIMAL.fullmatch(amount) else None
    question = tool_input.get("question")
    kind = next((k for k in Question if k.value == question), None)
    detail = tool_input.get("question_detail")
    return Understood(
        name=NameFact(value=name.strip()) if isinstance(name, str) and name.strip() else None,
        amount=AmountFact(minor=minor) if minor is not None else None,
        question=kind,
        question_detail=detail.strip() if kind and isinstance(detail, str) and detail.strip() else None,
    )


def worth_asking(ruled: Understood, text: str, context: UnderstandingContext) -> bool:
    """Whether a model may help with this message: the rules could not tell, and it is no command
    and no question (those are the rules' alone)."""
    if ruled.intents & _COMMANDS or ruled.question is not None or not any(ch.isalpha() for ch in text):
        return False
    if ruled.card_typed_in_secure_form or any(t.kind is Kind.PLACEHOLDER for t in tokenise(normalise(text))):
        return False  # card material was typed: its facts are the PCI guard's, nothing for a model
    return _asked_field_missing(ruled, context) or _understood_nothing(ruled)


def take_proposal(
    ruled: Understood, proposed: Understood, text: str, context: UnderstandingContext
) -> Understood:
    """The rules' answer with what of the model's proposal the code accepts (see the module docstring).
    Intents, card facts and the language always stay the rules'."""
    if not worth_asking(ruled, text, context):
        return ruled
    words = _Words(text, context)
    open_to_any = _understood_nothing(ruled)
    result = ruled
    if ruled.name is None and (context.expecting is Field.NAME or open_to_any):
        name = words.name(proposed.name.value if proposed.name else None)
        if name is not None:
            result = replace(result, name=NameFact(value=name))
    # A share the rules read ("25%", "half") answers how much: a model's figure ("25") never replaces it.
    amount_open = ruled.share is None and (ruled.amount is None or ruled.amount.problem == "unreadable")
    if not context.amount_preset and amount_open and (context.expecting is Field.AMOUNT or open_to_any):
        minor = words.amount(proposed.amount, context.currency)
        if minor is not None:
            result = replace(result, amount=AmountFact(minor=minor))
    if open_to_any and not result.fills_anything and proposed.question is not None:
        result = replace(
            result, question=proposed.question, question_detail=words.detail(proposed.question_detail)
        )
    return result


def _asked_field_missing(ruled: Understood, context: UnderstandingContext) -> bool:
    if context.expecting is Field.NAME:
        return ruled.name is None
    if context.expecting is Field.AMOUNT and not context.amount_preset:
        return ruled.share is None and (ruled.amount is None or ruled.amount.problem == "unreadable")
    return False


def _understood_nothing(ruled: Understood) -> bool:
    unreadable = ruled.amount is not None and ruled.amount.problem == "unreadable"
    amount = None if unreadable else ruled.amount
    filled = (ruled.name, amount, ruled.share, ruled.card_number, ruled.expiry, ruled.cvv)
    return all(fact is None for fact in filled) and ruled.question is None and not ruled.intents & _COMMANDS


class _Words:
    """The payer's message as the rules read it, to check proposals against."""

    def __init__(self, text: str, context: UnderstandingContext) -> None:
        self.tokens = tokenise(normalise(text))
        language = detect_language(self.tokens)
        session = _locale(context.locale)
        self.locale = language or session
        self.lex: Lexicon = lexicon(*dict.fromkeys((self.locale, session)))

    def name(self, proposed: str | None) -> str | None:
        """The payer's own writing of the proposed name, if it is one (None otherwise)."""
        if not proposed or validate_name(proposed).value is None:
            return None
        wanted = [t.key for t in tokenise(normalise(proposed)) if t.kind is Kind.WORD]
        run = self._find(wanted)
        if run is None or not is_name(run, self.lex):
            return None
        return validate_name(" ".join(t.text for t in run)).value

    def amount(self, proposed: AmountFact | None, currency: str) -> int | None:
        """The proposed amount, if it is a number the payer wrote (None otherwise)."""
        if proposed is None or proposed.problem is not None or not proposed.minor or proposed.minor <= 0:
            return None
        numbered = read_numbers(self.tokens, self.lex, self.locale)
        written = {
            to_minor(t.value.value, currency)
            for i, t in enumerate(numbered)
            if t.kind is Kind.NUMBER
            and isinstance(t.value, Reading)
            and not t.value.ambiguous
            and not self._negative(numbered, i)
        }
        if proposed.minor not in written:
            return None  # a figure the payer did not write: the model made it up or worked it out
        return proposed.minor

    def _negative(self, numbered: list[Token], i: int) -> bool:
        """Is the number at `i` written negative ("-25", "- $25", "minus 25", "menos 25")? Its
        absolute value is never an amount."""
        before = [t for t in numbered[max(0, i - 2) : i] if t.kind is not Kind.SYMBOL]
        return bool(before) and (before[-1].kind is Kind.SIGN or self.lex.negative_words.has(before[-1]))

    def detail(self, proposed: str | None) -> str | None:
        """The way to pay asked about, if it is words of the message (the reply quotes it)."""
        if not proposed:
            return None
        wanted = [t.key for t in tokenise(normalise(proposed))]
        if not wanted or len(wanted) > MAX_DETAIL_WORDS or any(not k.isalpha() for k in wanted):
            return None
        run = self._find(wanted)
        return " ".join(t.key for t in run) if run else None

    def _find(self, wanted: list[str]) -> list[Token] | None:
        """The message's words matching `wanted` whole and in order, or None."""
        if not wanted:
            return None
        keys = [t.key if t.kind is Kind.WORD else None for t in self.tokens]
        for i in range(len(keys) - len(wanted) + 1):
            if keys[i : i + len(wanted)] == wanted:
                return self.tokens[i : i + len(wanted)]
        return None


def _locale(value: str) -> Locale:
    try:
        return Locale(value)
    except ValueError:
        return Locale.EN
