"""Amazon Bedrock as a `LanguageModel`: the prompts, the tool and reading its answers. Nothing more.

This is the plain model of the layers `bootstrap` stacks (`rules_first`): it asks Bedrock about
every text it is given and reports what Bedrock said. The layers around it decide the rest:
- `understanding/rules_first.py`: the rules answer first, this model is asked only for a field
  they could not place, and only the asked field of its answer is taken, after the field rules
  accept it; intents never come from a model, so it can never confirm or cancel anything;
- `pci/model_guard.py`: the texts it receives are sanitised (card material and unaccounted digits
  replaced); `ConverseModel` checks the final request body too;
- `breaker.py`: no call while Bedrock keeps failing.

Understanding is a tool call (`record_payment_details`, JSON schema with plain string types:
not every model on Bedrock accepts type arrays). An answer that did not stop as asked (cut off at
`max_tokens`, stopped by a guardrail) is logged and read as "nothing proposed".
"""

from __future__ import annotations

import json
import logging
import re
from typing import TYPE_CHECKING, Any

from ..conversation.state import Channel, Field
from ..conversation.understanding import AmountFact, NameFact, UnderstandingContext, Understood
from ..money import parse_minor
from .converse_model import ConverseAnswer, ConverseModel, ConverseRequest, converse_from_settings

if TYPE_CHECKING:
    from ..ports import Metrics
    from ..settings import Settings

log = logging.getLogger("paybot.bedrock")

TOOL_NAME = "record_payment_details"
_SYSTEM = (
    "You extract details from one message a payer wrote to a payment assistant. Card details were "
    "removed before you see the message. Call the tool once. Fill only what the payer clearly stated; "
    "leave out anything else. Never guess, never invent, never confirm a payment."
)
_AMOUNT_DESCRIPTION = "The amount as a decimal number in major units, e.g. 50 or 1250.50."
_TOOL_SPEC = {
    "toolSpec": {
        "name": TOOL_NAME,
        "description": "Record the payer's name or payment amount stated in the message.",
        "inputSchema": {
            "json": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "description": "The payer's full name as written."},
                    "amount": {"type": "string", "description": _AMOUNT_DESCRIPTION},
                },
            }
        },
    }
}
_TOOL_CONFIG = {"tools": [_TOOL_SPEC], "toolChoice": {"tool": {"name": TOOL_NAME}}}
_PHRASING_SYSTEM = (
    "Rephrase the payment assistant's reply warmly and briefly. Keep every figure "
    "and name exactly; add no facts, no figures, no promises."
)
# The fixed texts of this module: the final-body check accounts for the figures they hold.
_TRUSTED = frozenset({_SYSTEM, _PHRASING_SYSTEM, _AMOUNT_DESCRIPTION})
_DECIMAL = re.compile(r"\s*\d[\d,]*(?:\.\d+)?\s*")
_ASKED = {Field.NAME: "name", Field.AMOUNT: "amount"}


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
        asked = _ASKED.get(context.expecting) if context.expecting else None
        if asked is None:
            return Understood()  # the tool knows names and amounts only
        request = ConverseRequest.asking(
            _SYSTEM,
            f"The assistant asked for the payer's {asked}. The payer wrote: {text}",
            tool_config=_TOOL_CONFIG,
            max_tokens=self.max_tokens,
            amounts_allowed=asked == "amount",
            trusted=_TRUSTED,
            quick_retry=context.channel != Channel.VOICE,
            session_id=context.session_id,
        )
        answer = self.converse.converse(request)
        proposal = answer.tool_input(TOOL_NAME) if _stopped_as_expected(answer, "tool_use") else None
        return _read_proposal(proposal or {}, context.currency)

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


def _read_proposal(proposal: Any, currency: str) -> Understood:
    """The tool's input as facts, read for shape only (the rules-first layer validates them)."""
    name = proposal.get("name")
    amount = proposal.get("amount")
    if isinstance(amount, int | float) and not isinstance(amount, bool):
        amount = str(amount)
    minor = (
        parse_minor(amount.strip(), currency)
        if isinstance(amount, str) and _DECIMAL.fullmatch(amount)
        else None
    )
    return Understood(
        name=NameFact(value=name.strip()) if isinstance(name, str) and name.strip() else None,
        amount=AmountFact(minor=minor) if minor is not None else None,
    )


def build_from_settings(settings: Settings, metrics: Metrics | None = None) -> BedrockLanguageModel:
    return BedrockLanguageModel(converse_from_settings(settings, metrics))
