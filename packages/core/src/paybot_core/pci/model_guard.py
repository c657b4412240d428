"""The card-data guard toward a language model: deny by default, then check the final body.

Two steps, both here so that no model adapter decides what card data looks like:
1. `sanitise_for_model` runs before a model layer sees a text: opaque tokens that decode to card
   data (base64, base32, hex: `encodings`) and the recogniser's card material are replaced, then
   every remaining digit group (in any script, spelled or not) is replaced by `[number]` unless it
   is an amount the bot asked for. What is left can only hold digits that are plainly money.
2. `check_model_request` runs on the final request body, right before it goes on the wire: it
   refuses (`CardDataLeakError`) anything the recogniser calls card material (encoded too), and any
   digit group it cannot account for (not amount-shaped, or an amount where none was asked for),
   outside the adapter's own fixed texts (its system prompt and tool description).

`CardDataGuard` is the wrapper layer (as pydantic-ai wraps models) that applies step 1 to every
text a wrapped model is given, for understanding and for phrasing.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from typing import TYPE_CHECKING, Any

from ..conversation.state import Field
from ..errors import CardDataLeakError
from . import placeholders
from .encodings import encoded_card_data
from .recogniser import canonical, digit_runs, redact

if TYPE_CHECKING:
    from ..conversation.understanding import UnderstandingContext, Understood
    from ..ports import LanguageModel

# Money as people write it: 1-7 digits, or thousands with commas, optionally 1-2 decimals.
AMOUNT_SHAPE = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d{1,7})(?:[.,]\d{1,2})?")


def sanitise_for_model(text: str, *, amounts_allowed: bool) -> str:
    """`text` with card material and every digit group that is not an allowed amount replaced."""
    for start, end in reversed(encoded_card_data(text)):
        text = text[:start] + placeholders.CARD_NUMBER + text[end:]
    canon = redact(canonical(text), placeholders.CARD_NUMBER, placeholders.SECURITY_CODE)
    for run in reversed(digit_runs(canon.text)):
        if amounts_allowed and AMOUNT_SHAPE.fullmatch(canon.text[run.start : run.end]):
            continue
        canon = canon.replace(run.start, run.end, placeholders.NUMBER)
    return canon.render()


def amounts_asked(context: UnderstandingContext) -> bool:
    """Whether the bot asked for an amount the payer may state (so money may reach the model)."""
    return context.expecting is Field.AMOUNT and not context.amount_preset


def check_model_request(
    body: dict[str, Any],
    *,
    amounts_allowed: bool,
    trusted: Collection[str] = (),
    skip_keys: Collection[str] = (),
) -> None:
    """Refuse a model request body holding card data or a digit group nobody accounted for.

    `trusted` are the adapter's own fixed texts (compared whole); `skip_keys` name fields that are
    configuration, not text (the model id).
    """
    for text in _strings(body, frozenset(skip_keys)):
        if text in trusted:
            continue
        canon = canonical(text)
        if redact(canon).changed or encoded_card_data(text):
            raise CardDataLeakError("A model request held card data; it was not sent.")
        for run in digit_runs(canon.text):
            if not (amounts_allowed and AMOUNT_SHAPE.fullmatch(canon.text[run.start : run.end])):
                raise CardDataLeakError(
                    "A model request held digits that are not an amount; it was not sent."
                )


def _strings(value: object, skip_keys: frozenset[str]) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in skip_keys:
                yield str(key)
                yield from _strings(item, skip_keys)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item, skip_keys)


class CardDataGuard:
    """A `LanguageModel` layer: the wrapped model only ever sees sanitised text and masked facts."""

    def __init__(self, wrapped: LanguageModel) -> None:
        self.wrapped = wrapped

    def understand(self, text: str, context: UnderstandingContext) -> Understood:
        return self.wrapped.understand(
            sanitise_for_model(text, amounts_allowed=amounts_asked(context)), context
        )

    def phrase(self, draft: str, facts: dict[str, str]) -> str:
        # A draft is the bot's own words: its amounts and the card's last four are masked facts.
        safe_draft = sanitise_for_model(draft, amounts_allowed=True)
        safe_facts = {k: sanitise_for_model(v, amounts_allowed=True) for k, v in facts.items()}
        if safe_draft != draft:
            return draft  # the draft held something that is not the bot's to show a model
        return self.wrapped.phrase(safe_draft, safe_facts)
