"""Stage 7: what a question asks, so the engine can answer it from the session's facts.

Kinds (see `Question`): how much is owed, what it is for, whether it is secure, why a field is
needed, which ways to pay (a card of an accepted brand, or another way: the answer is a plain no),
paying only part, reaching a person, what has been collected. A question is never an answer: the
pipeline does not read a name or a bare amount out of one.
"""

from __future__ import annotations

from ..conversation.understanding import Question
from .lexicon import Lexicon
from .tokens import Kind, Token

# Checked in this order: the more specific kinds first ("can I pay only 25?" is partial, not methods).
_ORDER = (
    Question.PARTIAL,
    Question.PERSON,
    Question.WHY_FIELD,
    Question.SECURITY,
    Question.AMOUNT_OWED,
    Question.PURPOSE,
    Question.COLLECTED,
    Question.PAYMENT_METHODS,
)


def detect_question(tokens: list[Token], lex: Lexicon) -> tuple[Question | None, str | None]:
    """(kind, detail): detail names the way to pay asked about ("paypal", "visa"), when one is."""
    asks = any(t.kind is Kind.PUNCT and t.text == "?" for t in tokens) or bool(
        tokens and lex.question_starters.match_at(tokens, 0)
    )
    if not asks and lex.question_phrases.find(tokens) is None:
        return None, None  # no question mark and no phrase of any kind of question
    other = lex.other_methods.find(tokens)
    if other is not None and (
        asks or lex.pay_words.find(tokens) is not None or lex.questions["payment_methods"].find(tokens)
    ):
        i, n = other
        return Question.OTHER_METHOD, " ".join(t.key for t in tokens[i : i + n])
    for kind in _ORDER:
        if lex.questions[kind].find(tokens) is not None:  # a StrEnum: the kind is its own key
            if kind is Question.PAYMENT_METHODS:
                card = lex.card_method_words.find(tokens)
                return kind, " ".join(t.key for t in tokens[card[0] : card[0] + card[1]]) if card else None
            return kind, None
    if asks and tokens and tokens[-1].kind is Kind.PUNCT and tokens[-1].text == "?":
        return Question.OTHER, None
    return None, None
