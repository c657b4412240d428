"""Amazon Bedrock as a `LanguageModel`: one Converse tool call per message, and phrasing. Nothing more.

This is the plain model of the layers `bootstrap` stacks (`rules_first`): it asks Bedrock about
every text it is given and reports what Bedrock said. The layers around it decide the rest:
- `understanding/rules_first.py`: the rules answer first, this model is asked only where they could
  not tell, and what of its answer stands is `understanding/model_proposals.py`'s decision (which
  also holds the tool's JSON schema and the prompt: what a model may propose lives beside the code
  that validates it); intents never come from a model, so it can never confirm or cancel anything;
- `pci/model_guard.py`: the texts it receives are sanitised (card material and unaccounted digits
  replaced); `ConverseModel` checks the final request body too;
- `breaker.py`: no call while Bedrock keeps failing.

Understanding is a tool call (`record_payment_details`: a name, an amount, a question kind, with
plain string types: not every model on Bedrock accepts type arrays). An answer that did not stop as
asked (cut off at `max_tokens`, stopped by a guardrail) is logged and read as "nothing proposed".
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from ..conversation.state import Channel
from ..conversation.understanding import UnderstandingContext, Understood
from ..pci.model_guard import amounts_asked
from ..understanding.model_proposals import (
    SYSTEM_PROMPT,
    TOOL_CONFIG,
    TOOL_NAME,
    TRUSTED_TEXTS,
    read_proposal,
    user_prompt,
)
from .converse_model import ConverseAnswer, ConverseModel, ConverseRequest, converse_from_settings

if TYPE_CHECKING:
    from ..ports import Metrics
    from ..settings import Settings

log = logging.getLogger("paybot.bedrock")

_PHRASING_SYSTEM = (
    "Rephrase the payment assistant's reply warmly and briefly. Keep every figure "
    "and name exactly; add no facts, no figures, no promises."
)
# The fixed texts of this module: the final-body check accounts for the figures they hold.
_TRUSTED = TRUSTED_TEXTS | {_PHRASING_SYSTEM}


class BedrockLanguageModel:
    """`LanguageModel` on a `ConverseModel`: proposes a name or an amount, rephrases a draft."""

    def __init__(
        self,
        converse: ConverseModel,
        *,
        # Amazon Nova reasons in a <thinking> block before it calls a tool: 64 tokens ended the answer
        # before the call. Output tokens are billed as used, so the headroom costs nothing unused.
        max_tokens: int = 512,
    ) -> None:
        self.converse = converse
        self.max_tokens = max_tokens

    def understand(self, text: str, context: UnderstandingContext) -> Understood:
        request = ConverseRequest.asking(
            SYSTEM_PROMPT,
            user_prompt(text, context),
            tool_config=TOOL_CONFIG,
            max_tokens=self.max_tokens,
            amounts_allowed=amounts_asked(context),
            trusted=_TRUSTED,
            quick_retry=context.channel != Channel.VOICE,
            session_id=context.session_id,
        )
        answer = self.converse.converse(request)
        proposal = answer.tool_input(TOOL_NAME) if _stopped_as_expected(answer, "tool_use") else None
        return read_proposal(proposal or {}, context.currency)

    def phrase(self, draft: str, facts: dict[str, str]) -> str:
        shown = {k: v for k, v in facts.items() if k != "session_id"}
        request = ConverseRequest.asking(
            _PHRASING_SYSTEM,
            json.dumps({"reply": draft, "facts": shown}),
            max_tokens=120,
            temperature=0.2,
            amounts_allowed=True,
            trusted=_TRUSTED,
            quick_retry=facts.get("channel") != Channel.VOICE.value,
            session_id=facts.get("session_id", ""),
        )
        answer = self.converse.converse(request)
        return answer.text if _stopped_as_expected(answer, "end_turn") else draft


def _stopped_as_expected(answer: ConverseAnswer, expected: str) -> bool:
    """Whether the model finished as asked; a cut-off answer (max_tokens, a guardrail) is not used."""
    if answer.stop_reason == expected:
        return True
    log.warning("bedrock stopped with %s, not %s: the rules answer instead", answer.stop_reason, expected)
    return False


def build_from_settings(settings: Settings, metrics: Metrics | None = None) -> BedrockLanguageModel:
    return BedrockLanguageModel(converse_from_settings(settings, metrics))
