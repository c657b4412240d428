"""The rules-first policy: a `LanguageModel` layer deciding when a model may help, and what it may change.

- Understanding: the rules answer every message. The model is asked only where they could not
  tell (the asked field is missing, or nothing was understood) and never about a command or a
  question the rules read. What it may propose (a name, an amount, a question kind) and what of
  that the code keeps is `understanding/model_proposals.py`: only values the payer wrote that the
  same field rules as typed input accept; intents (yes, cancel, change...) come from the rules
  alone, so a model can never trigger or stop a payment, and it never touches a preset amount
  (card-data rule 4).
- Phrasing (off unless asked for, never on the phone): the model's rephrasing of a reply is used
  only if it keeps every figure of the draft and adds none.
- Failure: when the model is unavailable (`ModelUnavailableError`: slow, throttled, failing, its
  breaker open) or its request was refused for card data (`CardDataLeakError`), the rules' answer
  stands in the same turn; `fallbacks` counts those turns.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from ..conversation.state import Channel
from ..conversation.understanding import UnderstandingContext, Understood
from ..errors import CardDataLeakError, ModelUnavailableError
from .model_proposals import take_proposal, worth_asking

if TYPE_CHECKING:
    from ..ports import LanguageModel

log = logging.getLogger("paybot.model")

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
        if not worth_asking(ruled, text, context):
            return ruled
        try:
            proposed = self.model.understand(text, context)
        except (ModelUnavailableError, CardDataLeakError) as err:
            self._fell_back(err)
            return ruled
        return take_proposal(ruled, proposed, text, context)

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
