"""What the bot says, in the session's language: per-locale catalogues and the rendering from
the engine's notices and state."""

from ..money import Locale
from .catalogue import CATALOGUES, message
from .render import (
    Style,
    answer_text,
    confirmation_question,
    decline_text,
    describe_card,
    format_amount,
    locale_of,
    notice_text,
    prompt,
    render,
    render_parts,
)
from .speech import number_words, spell_digits, spoken_code

__all__ = [
    "CATALOGUES",
    "Locale",
    "Style",
    "answer_text",
    "confirmation_question",
    "decline_text",
    "describe_card",
    "format_amount",
    "locale_of",
    "message",
    "notice_text",
    "number_words",
    "prompt",
    "render",
    "render_parts",
    "spell_digits",
    "spoken_code",
]
