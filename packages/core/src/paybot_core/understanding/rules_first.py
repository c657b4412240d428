"""The rules-first policy: a `LanguageModel` layer deciding when a model may help, and what it may change.

- Understanding: the rules answer every message. The model is asked only when the rules found
  nothing for the field the bot asked for (a name, or an amount the merchant did not preset) and
  the message is no command. From its answer only that field is taken, and only when the same
  field rules as typed input accept it: a name must pass `validate_name` and be words the payer
  actually wrote; an amount must be a positive number of minor units. Intents (yes, cancel,
  change...) come from the rules alone, so a model can never trigger or stop a payment, and it
  never touches a preset amount (card-data rule 4).
- Phrasing (off unless asked for, never on the phone): the model's rephrasing of a reply is used
  only if it keeps every figure of the draft and adds none.
- Failure: when the model is unavailable (`ModelUnavailableError`: slow, throttled, failing, its
  breaker open) or its request was refused for card data (`CardDataLeakError`), the rules' answer
  stands in the same turn; `fallbacks` counts those turns.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from typing import TYPE_CHECKING

from ..conversation.state import Channel, Field
from ..conversation.understanding import AmountFact, Intent, NameFact, UnderstandingContext, Understood
from ..errors import CardDataLeakError, ModelUnavailableError
from .names import validate_name

if TYPE_CHECKING:
    from ..ports import LanguageModel

log = logging.getLogger("paybot.model")

# Messages that are commands are the rules' alone, even when they also hold a name or an amount.
_COMMANDS = frozenset(
    {
        Intent.CANCEL,
        Intent.RESTART,
        Intent.HELP,
        Intent.AFFIRM,
        Intent.DENY,
        Intent.CHANGE_CARD,
        Intent.CHANGE_NAME,
        Intent.CHANGE_AMOUNT,
    }
)
_FIGURES = re.compile(r"\d+(?:[.,]\d+)*")


class RulesFirstModel:
    """`rules` answer first; `model` only helps where they could not tell (see the module docstring)."""

    def __init__(self, rules: LanguageModel, model: LanguageModel, *, phrasing: bool = False) -> None:
        self.rules = rules
        self.model = model
        self.phrasing = phrasing
        self.fallbacks = 0

    def understand(self, text: str, context: UnderstandingContext) -> Understood:
        ruled = self.rules.understand(text, context)
        if not _worth_asking(ruled, text, context):
            return ruled
        try:
            proposed = self.model.understand(text, context)
        except (ModelUnavailableError, CardDataLeakError) as err:
            self._fell_back(err)
            return ruled
        return _take_asked_field(ruled, proposed, text, context)

    def phrase(self, draft: str, facts: dict[str, str]) -> str:
        if not self.phrasing or facts.get("channel") == Channel.VOICE.value:
            return draft
        try:
            phrased = self.model.phrase(draft, facts).strip()
        except (ModelUnavailableError, CardDataLeakError) as err:
            self._fell_back(err)
            return draft
        if not phrased or sorted(_FIGURES.findall(phrased)) != sorted(_FIGURES.findall(draft)):
            return draft  # a rephrasing that drops or invents a figure is not used
        return phrased

    def _fell_back(self, err: Exception) -> None:
        self.fallbacks += 1
        if isinstance(err, CardDataLeakError):
            log.error("model request refused: %s", err)
        else:
            log.warning("%s; the rules answer this turn", err)


def _worth_asking(ruled: Understood, text: str, context: UnderstandingContext) -> bool:
    """Only when the rules found nothing for the asked field, and the message is no command."""
    if ruled.intents & _COMMANDS or not any(ch.isalpha() for ch in text):
        return False
    if context.expecting is Field.NAME:
        return ruled.name is None
    if context.expecting is Field.AMOUNT and not context.amount_preset:
        return ruled.amount is None or ruled.amount.problem == "unreadable"
    return False


def _take_asked_field(
    ruled: Understood, proposed: Understood, text: str, context: UnderstandingContext
) -> Understood:
    """The rules' answer with the model's value for the asked field, if the field rules accept it."""
    if context.expecting is Field.NAME and proposed.name is not None and proposed.name.value:
        fact = validate_name(proposed.name.value)
        written = " ".join(text.split()).casefold()
        if fact.value and fact.value.casefold() in written:
            return replace(ruled, name=NameFact(value=fact.value))
    elif context.expecting is Field.AMOUNT and not context.amount_preset and proposed.amount is not None:
        minor = proposed.amount.minor
        if proposed.amount.problem is None and minor is not None and minor > 0:
            return replace(ruled, amount=AmountFact(minor=minor))
    return ruled
