"""Bedrock's Converse API, the wire call and nothing else: a request in, an answer or an error out.

What a caller asks (system prompt, messages, an optional tool config, the token budget) is a
`ConverseRequest`; what comes back is a `ConverseAnswer` (stop reason, texts, tool uses, token
usage). No policy lives here: which turns are worth a call, what an answer may change and what
happens when Bedrock is down are the layers' business (`understanding/rules_first.py`,
`breaker.py`, `pci/model_guard.py`), and the prompts are `bedrock_model.py`'s.

Three things happen on every call because they must never be skipped:
- the final request body goes through the PCI model guard (`check_model_request`) right before it
  is sent: card data, or digits nobody accounted for, raise `CardDataLeakError` and nothing is sent;
- a boto3/botocore failure becomes `ModelUnavailableError` (one quick retry first when the request
  allows it and Bedrock pushed back at once: throttled or unavailable in under half a second);
- the call's token usage is added to the `Metrics` counters and logged as one `model_usage` line.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import ModelUnavailableError
from ..metrics import MODEL_CALLS, MODEL_INPUT_TOKENS, MODEL_OUTPUT_TOKENS, Counters
from ..pci.model_guard import check_model_request
from .aws_errors import error_code

if TYPE_CHECKING:
    from ..ports import Metrics
    from ..settings import Settings

log = logging.getLogger("paybot.bedrock")

DEFAULT_MODEL_ID = "us.amazon.nova-micro-v1:0"
_PUSHED_BACK = frozenset({"ThrottlingException", "ServiceUnavailableException"})
_QUICK = 0.5  # seconds: a push-back faster than this is worth one retry within the turn


@dataclass(frozen=True)
class ConverseRequest:
    """One Converse call. `messages` and `tool_config` are in Converse's own shapes, so a caller can
    pass any tool (`{"tools": [...], "toolChoice": ...}`) without this module changing."""

    system: str
    messages: tuple[Mapping[str, Any], ...]
    tool_config: Mapping[str, Any] | None = None
    max_tokens: int = 512
    temperature: float = 0.0
    # For the card-data check of the final body: whether money may appear in it, and the caller's
    # own fixed texts (its system prompt, tool descriptions), which are exempt only when matched whole.
    amounts_allowed: bool = False
    trusted: frozenset[str] = frozenset()
    quick_retry: bool = False  # never on the phone: a caller waits on the line
    session_id: str = ""  # for the usage line only; never sent

    @classmethod
    def asking(cls, system: str, text: str, **options: Any) -> ConverseRequest:
        """A request with one user message holding `text`."""
        return cls(system, ({"role": "user", "content": [{"text": text}]},), **options)

    def body(self, model_id: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "modelId": model_id,
            "system": [{"text": self.system}],
            "messages": [dict(m) for m in self.messages],
            "inferenceConfig": {"maxTokens": self.max_tokens, "temperature": self.temperature},
        }
        if self.tool_config is not None:
            body["toolConfig"] = dict(self.tool_config)
        return body


@dataclass(frozen=True)
class ToolUse:
    name: str
    input: Mapping[str, Any]


@dataclass(frozen=True)
class ConverseAnswer:
    stop_reason: str
    texts: tuple[str, ...] = ()
    tool_uses: tuple[ToolUse, ...] = ()
    input_tokens: int = 0
    output_tokens: int = 0

    @property
    def text(self) -> str:
        return " ".join(t for t in self.texts if t).strip()

    def tool_input(self, name: str) -> Mapping[str, Any] | None:
        """The input of the first call of tool `name`, if the model made one."""
        return next((use.input for use in self.tool_uses if use.name == name), None)

    @classmethod
    def from_response(cls, response: Mapping[str, Any]) -> ConverseAnswer:
        content = response.get("output", {}).get("message", {}).get("content", [])
        texts: list[str] = []
        uses: list[ToolUse] = []
        for block in content if isinstance(content, list) else []:
            if not isinstance(block, dict):
                continue
            if isinstance(block.get("text"), str):
                texts.append(block["text"])
            tool = block.get("toolUse")
            if (
                isinstance(tool, dict)
                and isinstance(tool.get("name"), str)
                and isinstance(tool.get("input"), dict)
            ):
                uses.append(ToolUse(tool["name"], tool["input"]))
        usage = response.get("usage") or {}
        return cls(
            stop_reason=str(response.get("stopReason", "")),
            texts=tuple(texts),
            tool_uses=tuple(uses),
            input_tokens=int(usage.get("inputTokens", 0)),
            output_tokens=int(usage.get("outputTokens", 0)),
        )


class ConverseModel:
    """Converse calls on one model; `client` is a boto3 `bedrock-runtime` client."""

    def __init__(
        self,
        client: Any,
        *,
        model_id: str = DEFAULT_MODEL_ID,
        metrics: Metrics | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.model_id = model_id
        self.metrics = metrics if metrics is not None else Counters()
        self._clock = clock

    def converse(self, request: ConverseRequest) -> ConverseAnswer:
        body = request.body(self.model_id)
        check_model_request(
            body, amounts_allowed=request.amounts_allowed, trusted=request.trusted, skip_keys=("modelId",)
        )
        from botocore.exceptions import BotoCoreError, ClientError

        retries_left = 1 if request.quick_retry else 0
        while True:
            started = self._clock()
            try:
                response: dict[str, Any] = self.client.converse(**body)
                break
            except (ClientError, BotoCoreError) as err:
                code, took = error_code(err) or type(err).__name__, self._clock() - started
                if retries_left and code in _PUSHED_BACK and took < _QUICK:
                    retries_left -= 1
                    continue
                raise ModelUnavailableError(f"bedrock unavailable ({code} after {took:.2f}s)") from None
        answer = ConverseAnswer.from_response(response)
        self._count(answer, request.session_id, self._clock() - started)
        return answer

    def _count(self, answer: ConverseAnswer, session_id: str, took: float) -> None:
        self.metrics.add(MODEL_CALLS)
        self.metrics.add(MODEL_INPUT_TOKENS, answer.input_tokens)
        self.metrics.add(MODEL_OUTPUT_TOKENS, answer.output_tokens)
        log.info(
            "model_usage %s",
            json.dumps(
                {
                    "event": "converse",
                    "session": session_id,
                    "model": self.model_id,
                    "inputTokens": answer.input_tokens,
                    "outputTokens": answer.output_tokens,
                    "latencyMs": round(took * 1000),
                }
            ),
        )


def converse_from_settings(settings: Settings, metrics: Metrics | None = None) -> ConverseModel:
    """The model the settings name, with one hard timeout and no botocore retries (ours are above)."""
    from .aws_clients import client

    timeout = settings.bedrock_timeout_seconds
    runtime = client(
        "bedrock-runtime", connect_timeout=min(timeout, 1.0), read_timeout=timeout, max_attempts=1
    )
    return ConverseModel(runtime, model_id=settings.bedrock_model_id, metrics=metrics)
