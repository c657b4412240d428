"""Amazon Bedrock as the language model, through the Converse API, behind the rules.

What it may do, and no more:
- understand free text the rules cannot place: the rules model runs first; only when it understood
  nothing for the field the bot asked for (a name or an amount) is Bedrock asked, through tool use with a
  JSON schema. Every value it proposes passes the same field rules as typed input (`validate_name`,
  `parse_minor`); a proposed name must be words the payer actually wrote. It never proposes an amount
  when the merchant preset one, and it never confirms anything: intents (yes, cancel, ...) come from the
  rules only, so a model can never trigger a payment;
- rephrase a reply from masked facts (off by default, never on the phone channel), keeping every figure
  of the draft and adding none;
- never see card data: the text it is given passes the PCI model guard first (every digit group that is
  not an amount the bot asked for is replaced), and the final request body is checked by the same guard
  before it is sent, and refused (`CardDataLeakError`) if it holds card data or unaccounted digits.

It fails soft and fast: a hard timeout (botocore connect/read timeouts, 2.5 s by default), no retries on
the phone channel (one quick retry on the web when throttled), a circuit breaker, and the rules' answer
in the same turn whenever Bedrock is slow, down, throttled or says something unusable.

Token usage (from Converse's `usage`) is kept per session and per completed payment in `UsageLedger`,
and logged as one structured line per call.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ..conversation.state import Field
from ..conversation.understanding import AmountFact, Intent, NameFact, UnderstandingContext, Understood
from ..errors import CardDataLeakError
from ..money import parse_minor
from ..pci.model_guard import amounts_asked, check_model_request, sanitise_for_model
from ..understanding.names import validate_name
from .rules_model import RulesLanguageModel

if TYPE_CHECKING:
    from ..ports import LanguageModel
    from ..settings import Settings

log = logging.getLogger("paybot.bedrock")

DEFAULT_MODEL_ID = "us.amazon.nova-micro-v1:0"
TOOL_NAME = "record_payment_details"
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
                    # Plain types: not every model on Bedrock accepts JSON Schema type arrays.
                    "name": {"type": "string", "description": "The payer's full name as written."},
                    "amount": {
                        "type": "string",
                        "description": _AMOUNT_DESCRIPTION,
                    },
                },
            }
        },
    }
}


# ---------------------------------------------------------------- usage accounting


@dataclass(frozen=True)
class Usage:
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens

    def plus(self, input_tokens: int, output_tokens: int) -> Usage:
        return Usage(self.calls + 1, self.input_tokens + input_tokens, self.output_tokens + output_tokens)


class UsageLedger:
    """Model tokens per open session and per completed payment, in process (a bounded window)."""

    def __init__(self, max_sessions: int = 10_000) -> None:
        self.max_sessions = max_sessions
        self._open: OrderedDict[str, Usage] = OrderedDict()
        self._completed: OrderedDict[str, Usage] = OrderedDict()
        self._lock = threading.Lock()

    def record(self, session_id: str, input_tokens: int, output_tokens: int) -> Usage:
        with self._lock:
            usage = self._open.pop(session_id, Usage()).plus(input_tokens, output_tokens)
            self._open[session_id] = usage
            _trim(self._open, self.max_sessions)
            return usage

    def session(self, session_id: str) -> Usage:
        with self._lock:
            return self._open.get(session_id) or self._completed.get(session_id) or Usage()

    def complete(self, session_id: str) -> Usage | None:
        """Close a session whose payment succeeded (once); its usage becomes one completed payment's."""
        with self._lock:
            if session_id in self._completed:
                return None
            usage = self._open.pop(session_id, Usage())
            self._completed[session_id] = usage
            _trim(self._completed, self.max_sessions)
            return usage

    def completed_payments(self) -> list[Usage]:
        with self._lock:
            return list(self._completed.values())

    def tokens_per_completed_payment(self) -> float | None:
        payments = self.completed_payments()
        if not payments:
            return None
        return sum(p.total_tokens for p in payments) / len(payments)


def _trim(entries: OrderedDict[str, Usage], limit: int) -> None:
    while len(entries) > limit:
        entries.popitem(last=False)


# ---------------------------------------------------------------- circuit breaker


class CircuitBreaker:
    """Open after `threshold` consecutive failures; let one trial call through after `cooldown` seconds."""

    def __init__(
        self, threshold: int = 3, cooldown: float = 30.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.threshold = threshold
        self.cooldown = cooldown
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        with self._lock:
            return self._opened_at is not None and self._clock() - self._opened_at < self.cooldown

    def allow(self) -> bool:
        with self._lock:
            if self._opened_at is None:
                return True
            if self._clock() - self._opened_at >= self.cooldown:
                self._opened_at = self._clock()  # half-open: this caller is the trial; others wait
                return True
            return False

    def success(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None

    def failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._failures >= self.threshold:
                self._opened_at = self._clock()


# ---------------------------------------------------------------- the guard

_PHRASING_SYSTEM = (
    "Rephrase the payment assistant's reply warmly and briefly. Keep every figure "
    "and name exactly; add no facts, no figures, no promises."
)
# The adapter's own fixed texts: the final-body check accounts for the figures they hold.
_FIXED_TEXTS = frozenset({_SYSTEM, _PHRASING_SYSTEM, _AMOUNT_DESCRIPTION})


def check_request(body: dict[str, Any], *, amounts_allowed: bool) -> None:
    """Refuse a model request that holds card data or digits the PCI model guard cannot account for."""
    check_model_request(body, amounts_allowed=amounts_allowed, trusted=_FIXED_TEXTS, skip_keys=("modelId",))


# ---------------------------------------------------------------- the model


class BedrockLanguageModel:
    """`LanguageModel` on Bedrock's Converse API; `client` is a boto3 `bedrock-runtime` client."""

    def __init__(
        self,
        client: Any,
        *,
        model_id: str = DEFAULT_MODEL_ID,
        rules: LanguageModel | None = None,
        phrasing: bool = False,
        breaker: CircuitBreaker | None = None,
        ledger: UsageLedger | None = None,
        # Amazon Nova reasons in a <thinking> block before it calls a tool: 64 tokens ended the answer
        # before the call. Output tokens are billed as used, so the headroom costs nothing unused.
        max_tokens: int = 512,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.model_id = model_id
        self.rules = rules or RulesLanguageModel()
        self.phrasing = phrasing
        self.breaker = breaker or CircuitBreaker()
        self.usage = ledger or UsageLedger()
        self.max_tokens = max_tokens
        self._clock = clock
        self.fallbacks = 0

    # ------------------------------------------------------------- understanding

    def understand(self, text: str, context: UnderstandingContext) -> Understood:
        ruled = self.rules.understand(text, context)
        if not _worth_asking(ruled, text, context):
            return ruled
        proposal = self._ask_tool(sanitise_for_model(text, amounts_allowed=amounts_asked(context)), context)
        if proposal is None:
            return ruled
        return _merge(ruled, proposal, text, context)

    def _ask_tool(self, text: str, context: UnderstandingContext) -> dict[str, Any] | None:
        asked = "name" if context.expecting is Field.NAME else "amount"
        body: dict[str, Any] = {
            "modelId": self.model_id,
            "system": [{"text": _SYSTEM}],
            "messages": [
                {
                    "role": "user",
                    "content": [
                        {"text": f"The assistant asked for the payer's {asked}. The payer wrote: {text}"}
                    ],
                }
            ],
            "toolConfig": {"tools": [_TOOL_SPEC], "toolChoice": {"tool": {"name": TOOL_NAME}}},
            "inferenceConfig": {"maxTokens": self.max_tokens, "temperature": 0},
        }
        answer = self._converse(body, context.session_id, context.channel, amounts_allowed=asked == "amount")
        if answer is None or not _stopped_as_expected(answer, "tool_use"):
            return None
        for block in answer.get("output", {}).get("message", {}).get("content", []):
            tool_use = block.get("toolUse") if isinstance(block, dict) else None
            if tool_use and tool_use.get("name") == TOOL_NAME and isinstance(tool_use.get("input"), dict):
                result: dict[str, Any] = tool_use["input"]
                return result
        return None

    # ------------------------------------------------------------- phrasing

    def phrase(self, draft: str, facts: dict[str, str]) -> str:
        session_id = facts.get("session_id", "")
        if facts.get("status") == "completed" and session_id:
            usage = self.usage.complete(session_id)
            if usage is not None:
                log.info(
                    "model_usage %s",
                    json.dumps(
                        {
                            "event": "payment_completed",
                            "session": session_id,
                            "calls": usage.calls,
                            "inputTokens": usage.input_tokens,
                            "outputTokens": usage.output_tokens,
                            "totalTokens": usage.total_tokens,
                        }
                    ),
                )
        if not self.phrasing or facts.get("channel") == "voice":
            return draft
        masked = {
            k: sanitise_for_model(v, amounts_allowed=True)
            for k, v in facts.items()
            if k not in ("session_id",)
        }
        body: dict[str, Any] = {
            "modelId": self.model_id,
            "system": [{"text": _PHRASING_SYSTEM}],
            "messages": [
                {"role": "user", "content": [{"text": json.dumps({"reply": draft, "facts": masked})}]}
            ],
            "inferenceConfig": {"maxTokens": 120, "temperature": 0.2},
        }
        answer = self._converse(body, session_id, facts.get("channel", "web"), amounts_allowed=True)
        if answer is None or not _stopped_as_expected(answer, "end_turn"):
            return draft
        texts = [
            b.get("text", "")
            for b in answer.get("output", {}).get("message", {}).get("content", [])
            if isinstance(b, dict)
        ]
        phrased = " ".join(t for t in texts if t).strip()
        if not phrased or sorted(_FIGURES.findall(phrased)) != sorted(_FIGURES.findall(draft)):
            return draft  # a rephrasing that drops or invents a figure is not used
        return phrased

    # ------------------------------------------------------------- the call

    def _converse(
        self, body: dict[str, Any], session_id: str, channel: str, *, amounts_allowed: bool
    ) -> dict[str, Any] | None:
        try:
            check_request(body, amounts_allowed=amounts_allowed)
        except CardDataLeakError as err:
            log.error("model request refused: %s", err)
            self.fallbacks += 1
            return None
        if not self.breaker.allow():
            self.fallbacks += 1
            return None
        from botocore.exceptions import BotoCoreError, ClientError

        retries_left = 0 if channel == "voice" else 1
        while True:
            started = self._clock()
            try:
                answer: dict[str, Any] = self.client.converse(**body)
            except (ClientError, BotoCoreError) as err:
                code = _error_code(err)
                took = self._clock() - started
                # One quick retry on the web when Bedrock pushed back at once; never on the phone.
                if (
                    retries_left
                    and code in ("ThrottlingException", "ServiceUnavailableException")
                    and took < 0.5
                ):
                    retries_left -= 1
                    continue
                self.breaker.failure()
                self.fallbacks += 1
                log.warning("bedrock unavailable (%s after %.2fs); the rules answer this turn", code, took)
                return None
            break
        self.breaker.success()
        usage = answer.get("usage") or {}
        input_tokens, output_tokens = int(usage.get("inputTokens", 0)), int(usage.get("outputTokens", 0))
        total = self.usage.record(session_id, input_tokens, output_tokens)
        log.info(
            "model_usage %s",
            json.dumps(
                {
                    "event": "converse",
                    "session": session_id,
                    "model": self.model_id,
                    "inputTokens": input_tokens,
                    "outputTokens": output_tokens,
                    "sessionTotalTokens": total.total_tokens,
                    "latencyMs": round((self._clock() - started) * 1000),
                }
            ),
        )
        return answer


def _error_code(err: Exception) -> str:
    response = getattr(err, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", type(err).__name__))
    return type(err).__name__


def _worth_asking(ruled: Understood, text: str, context: UnderstandingContext) -> bool:
    """Only when the rules found nothing for the asked field, and the message is no command."""
    if ruled.intents & _COMMANDS or not any(ch.isalpha() for ch in text):
        return False
    if context.expecting is Field.NAME:
        return ruled.name is None
    if context.expecting is Field.AMOUNT and not context.amount_preset:
        return ruled.amount is None or ruled.amount.problem == "unreadable"
    return False


def _stopped_as_expected(answer: dict[str, Any], expected: str) -> bool:
    """Whether the model finished as asked; a cut-off answer (max_tokens, a guardrail) is not used."""
    reason = answer.get("stopReason")
    if reason == expected:
        return True
    log.warning("bedrock stopped with %s, not %s: the rules answer instead", reason, expected)
    return False


def _merge(
    ruled: Understood, proposal: dict[str, Any], text: str, context: UnderstandingContext
) -> Understood:
    """Take the model's value for the asked field only, and only if the field rules accept it."""
    if context.expecting is Field.NAME:
        name = proposal.get("name")
        if isinstance(name, str) and name.strip():
            fact = validate_name(name)
            if fact.value and fact.value.casefold() in " ".join(text.split()).casefold():
                return replace(ruled, name=NameFact(value=fact.value))
    elif context.expecting is Field.AMOUNT and not context.amount_preset:
        amount = proposal.get("amount")
        if isinstance(amount, int | float) and not isinstance(amount, bool):
            amount = str(amount)
        if isinstance(amount, str) and re.fullmatch(r"\s*\d[\d,]*(?:\.\d+)?\s*", amount):
            minor = parse_minor(amount.strip(), context.currency)
            if minor is not None:
                return replace(ruled, amount=AmountFact(minor=minor))
    return ruled


def build_from_settings(settings: Settings) -> BedrockLanguageModel:
    from .aws_clients import client

    timeout = settings.bedrock_timeout_seconds
    runtime = client(
        "bedrock-runtime", connect_timeout=min(timeout, 1.0), read_timeout=timeout, max_attempts=1
    )
    return BedrockLanguageModel(
        runtime, model_id=settings.bedrock_model_id, phrasing=settings.bedrock_phrasing
    )
