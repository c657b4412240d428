"""Bedrock tool use on the default model (Amazon Nova), against the Converse server.

Nova reasons in a <thinking> block before it writes a tool call (the server models that cost), so
too small a `maxTokens` ends the answer before the call: `stopReason` is then `max_tokens`, and the
fallback to the rules would hide that the model never worked. Not every model accepts JSON Schema
type arrays, so the tool's schema uses plain types.
"""

from __future__ import annotations

import json
import logging

import pytest

from paybot_core.adapters.bedrock_model import BedrockLanguageModel
from paybot_core.adapters.converse_model import ConverseModel
from paybot_core.bootstrap import rules_first
from paybot_core.conversation.state import Field
from paybot_core.conversation.understanding import UnderstandingContext
from tests.support.converse_server import bedrock_client

pytestmark = pytest.mark.aws


def context(expecting: Field) -> UnderstandingContext:
    return UnderstandingContext(expecting, "usd", False, session_id="ses_nova", channel="web")


def test_the_default_max_tokens_leaves_room_for_the_reasoning_before_the_tool_call(converse) -> None:
    model = rules_first(BedrockLanguageModel(ConverseModel(bedrock_client(converse.url, timeout=0.6))))
    understood = model.understand("the card holder goes by Ada Lovelace", context(Field.NAME))
    assert understood.name is not None and understood.name.value == "Ada Lovelace"
    sent = json.loads(converse.bodies[-1])
    assert sent["inferenceConfig"]["maxTokens"] >= 256


def test_a_cut_off_answer_is_noticed_logged_and_not_used(converse, caplog: pytest.LogCaptureFixture) -> None:
    model = rules_first(
        BedrockLanguageModel(ConverseModel(bedrock_client(converse.url, timeout=0.6)), max_tokens=64)
    )
    with caplog.at_level(logging.WARNING, logger="paybot"):
        understood = model.understand("the card holder goes by Ada Lovelace", context(Field.NAME))
    assert understood.name is None, "nothing is taken from an answer that stopped at max_tokens"
    assert any("max_tokens" in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)


def test_the_tool_schema_uses_plain_string_types(converse) -> None:
    model = rules_first(BedrockLanguageModel(ConverseModel(bedrock_client(converse.url, timeout=0.6))))
    model.understand("the card holder goes by Grace Hopper", context(Field.NAME))
    schema = json.loads(converse.bodies[-1])["toolConfig"]["tools"][0]["toolSpec"]["inputSchema"]["json"]
    types = {name: prop["type"] for name, prop in schema["properties"].items()}
    assert types == {"name": "string", "amount": "string", "question": "string", "question_detail": "string"}
