"""Model tokens per completed payment in Bedrock mode (the seed spent about 500).

Runs a fixed set of typed-entry conversations through the real services with the Bedrock model in its
layers (`rules_first(BedrockLanguageModel(ConverseModel(client)))`, as `bootstrap` stacks it), whose
boto3 `bedrock-runtime` client talks HTTP to the local Converse server in tests/support. The
server bills tokens from each request's size the way providers do (system prompt + messages + tool
schema, ~4 characters per token, plus framing; see tests/support/converse_server.py), so the figure
moves when the prompt, the schema or the number of model calls per conversation moves.
Bedrock is asked only for what the rules cannot place, so plainly typed conversations cost 0 tokens.
The figures are the services' counters: model calls and tokens (counted by each Converse call) over
payments completed (counted by the conversation service).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

from paybot_core import (  # noqa: E402
    MODEL_CALLS,
    MODEL_INPUT_TOKENS,
    MODEL_OUTPUT_TOKENS,
    PAYMENTS_COMPLETED,
    BedrockLanguageModel,
    CardEntry,
    ConverseModel,
    Counters,
    MemoryAuditLog,
    MemorySessionStore,
    Presets,
    SandboxGateway,
    Say,
    Settings,
    build,
    rules_first,
)
from tests.support.converse_server import ConverseServer, bedrock_client  # noqa: E402

CARD = ["4242 4242 4242 4242", "12/30", "123", "yes"]
CONVERSATIONS = [
    ["My name is Jane Doe", "$50", *CARD],  # the rules place everything: no model call
    ["hi", "the card holder goes by Maria Lopez", "fifty dollars", *CARD],
    ["I need to make a payment", "Jane Smith", "one hundred and twenty bucks", *CARD],
    ["put it under the name of Ahmed Khan", "$75.20", *CARD],
    ["José Ñúñez", "twenty five dollars", *CARD],
]


def main() -> int:
    server = ConverseServer().start()
    try:
        metrics = Counters()
        model = rules_first(
            BedrockLanguageModel(ConverseModel(bedrock_client(server.url, timeout=2.5), metrics=metrics))
        )
        with tempfile.TemporaryDirectory() as data_dir:
            settings = Settings(data_dir=Path(data_dir), allow_typed_card_entry=True)
            services = build(
                settings,
                store=MemorySessionStore(),
                gateway=SandboxGateway(),
                model=model,
                audit=MemoryAuditLog(),
                metrics=metrics,
            )
            for messages in CONVERSATIONS:
                sid = services.conversations.start(Presets(card_entry=CardEntry.TYPED)).state.session_id
                for message in messages:
                    reply = services.conversations.handle(sid, Say(message))
                assert reply.state.status.value == "completed", (messages, reply.text)
        payments = metrics.total(PAYMENTS_COMPLETED)
        calls = metrics.total(MODEL_CALLS)
        tokens_in, tokens_out = metrics.total(MODEL_INPUT_TOKENS), metrics.total(MODEL_OUTPUT_TOKENS)
        total = tokens_in + tokens_out
        print(f"conversations completed:          {payments}")
        print(f"model calls:                      {calls} ({calls / max(payments, 1):.1f} per payment)")
        print(f"input / output tokens:            {tokens_in} / {tokens_out}")
        print(f"tokens per call:                  {total / max(calls, 1):.0f}")
        print(f"model tokens per completed payment: {total / max(payments, 1):.0f} (seed: ~500)")
        return 0
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
