"""The Bedrock model through the real boto3 bedrock-runtime client against a local Converse server."""

from __future__ import annotations

import json
import time

import pytest

from paybot_core.adapters.bedrock_model import BedrockLanguageModel, CircuitBreaker, check_request
from paybot_core.adapters.memory import MemoryAuditLog, MemorySessionStore
from paybot_core.adapters.sandbox_gateway import SandboxGateway
from paybot_core.bootstrap import build
from paybot_core.conversation.state import CardEntry, Field, Presets
from paybot_core.conversation.turns import Say
from paybot_core.conversation.understanding import Intent, UnderstandingContext
from paybot_core.errors import CardDataLeakError
from paybot_core.pci.redact import contains_card_number
from paybot_core.settings import Settings
from tests.support.converse_server import bedrock_client

pytestmark = pytest.mark.aws


def context(expecting: Field | None, *, preset: bool = False, channel: str = "web") -> UnderstandingContext:
    return UnderstandingContext(expecting, "usd", preset, session_id="ses_model", channel=channel)


@pytest.fixture
def model(converse) -> BedrockLanguageModel:
    return BedrockLanguageModel(bedrock_client(converse.url, timeout=0.6))


def test_free_text_the_rules_cannot_place_is_understood_through_tool_use(model, converse):
    understood = model.understand("the card holder goes by Jane Doe", context(Field.NAME))
    assert understood.name is not None and understood.name.value == "Jane Doe"
    amount = model.understand("fifty five dollars please", context(Field.AMOUNT))
    assert amount.amount is not None and amount.amount.minor == 5500
    sent = json.loads(converse.bodies[0])
    assert converse.paths[0] == "/model/us.amazon.nova-micro-v1%3A0/converse"
    assert sent["toolConfig"]["toolChoice"] == {"tool": {"name": "record_payment_details"}}
    assert "ses_model" not in converse.bodies[0]


def test_the_rules_answer_first_and_bedrock_is_not_asked_when_they_suffice(model, converse):
    assert model.understand("My name is Jane Doe", context(Field.NAME)).name.value == "Jane Doe"
    assert model.understand("$50", context(Field.AMOUNT)).amount.minor == 5000
    assert model.understand("yes", context(Field.CONFIRMATION)).has(Intent.AFFIRM)
    assert (
        model.understand("anything at all, go ahead and decide", context(Field.CONFIRMATION)).intents
        == frozenset()
    )
    assert converse.bodies == []


def test_proposals_pass_the_field_rules_and_never_touch_a_preset_amount(model, converse):
    converse.script(
        [
            {"name": "J4ne D0e", "amount": None},
            {"name": "Somebody Else", "amount": None},
            {"name": None, "amount": "-5"},
        ]
    )
    assert model.understand("the person on the card, you know who", context(Field.NAME)).name is None
    assert (
        model.understand("the person on the card, you know who", context(Field.NAME)).name is None
    )  # invented
    assert model.understand("whatever it says on the bill", context(Field.AMOUNT)).amount is None
    # A preset amount: the model is not asked, so nothing it proposes can reach the amount.
    assert model.understand("make it whatever I like", context(Field.AMOUNT, preset=True)).amount is None
    assert len(converse.bodies) == 3


def test_a_request_with_card_data_is_refused_before_it_is_sent(model, converse):
    for leaky in ("4242 4242 4242 4242", "expires 12/27", "my cvv is 123", "4000000000000002"):
        for amounts_allowed in (True, False):
            with pytest.raises(CardDataLeakError):
                check_request(
                    {"messages": [{"role": "user", "content": [{"text": leaky}]}]},
                    amounts_allowed=amounts_allowed,
                )
    # Text that reaches the model layer with card data still in it is sanitised, not sent as is.
    model.understand("goes by Jane, card 4242 4242.4242 4242 cvn 123", context(Field.NAME))
    sent = "".join(converse.bodies)
    assert len(converse.bodies) == 1 and not any(
        ch.isdigit() for ch in json.loads(sent)["messages"][0]["content"][0]["text"]
    )


@pytest.mark.parametrize("mode", ["slow", "throttle", "error"])
def test_slow_throttled_or_failing_bedrock_falls_back_to_the_rules_within_the_turn(model, converse, mode):
    converse.mode = mode
    started = time.monotonic()
    understood = model.understand("Jane Doe", context(Field.NAME))  # the rules place this one alone
    assert understood.name.value == "Jane Doe"
    fallback = model.understand("the card holder goes by Jane Doe", context(Field.NAME))
    took = time.monotonic() - started
    assert fallback.name is None  # the rules' answer: nothing, and the bot asks again
    assert took < 1.5
    assert model.fallbacks == 1


def test_no_retry_on_the_phone_one_quick_retry_on_the_web(model, converse):
    converse.mode = "throttle"
    model.understand("goes by Jane Doe", context(Field.NAME, channel="voice"))
    assert len(converse.bodies) == 1
    model.understand("goes by Jane Doe", context(Field.NAME, channel="web"))
    assert len(converse.bodies) == 3


def test_the_breaker_opens_after_repeated_failures_and_closes_after_a_good_trial(converse):
    now = [0.0]
    model = BedrockLanguageModel(
        bedrock_client(converse.url, 0.6),
        breaker=CircuitBreaker(threshold=2, cooldown=30, clock=lambda: now[0]),
    )
    converse.mode = "error"
    for _ in range(4):
        model.understand("goes by Jane Doe", context(Field.NAME))
    assert len(converse.bodies) == 2 and model.breaker.is_open
    converse.mode = "ok"
    now[0] = 31.0
    assert model.understand("goes by Jane Doe", context(Field.NAME)).name.value == "Jane Doe"
    assert not model.breaker.is_open


def test_phrasing_is_off_by_default_never_on_the_phone_and_keeps_every_figure(converse):
    plain = BedrockLanguageModel(bedrock_client(converse.url, 0.6))
    assert (
        plain.phrase("You will pay $50.00.", {"channel": "web", "status": "confirming"})
        == "You will pay $50.00."
    )
    phrasing = BedrockLanguageModel(bedrock_client(converse.url, 0.6), phrasing=True)
    assert phrasing.phrase("Pay $50.00?", {"channel": "voice", "status": "confirming"}) == "Pay $50.00?"
    assert converse.bodies == []
    assert phrasing.phrase(
        "Pay $50.00?", {"channel": "web", "status": "confirming", "session_id": "ses_x"}
    ) == ("Sure. Pay $50.00?")
    assert "ses_x" not in converse.bodies[0]


def test_a_bedrock_conversation_never_sends_card_data_and_counts_tokens_per_payment(tmp_path, converse):
    model = BedrockLanguageModel(bedrock_client(converse.url, 1.0))
    settings = Settings(data_dir=tmp_path, allow_typed_card_entry=True)
    services = build(
        settings, store=MemorySessionStore(), gateway=SandboxGateway(), model=model, audit=MemoryAuditLog()
    )
    sid = services.conversations.start(Presets(card_entry=CardEntry.TYPED)).state.session_id
    typed = [
        "hello there",
        "the card holder goes by Jane Doe",
        "fifty dollars",
        "4242 4242 4242 4242",
        "it expires 12/30",
        "cvv 123",
        "yes",
    ]
    for message in typed:
        reply = services.conversations.handle(sid, Say(message))
    assert reply.state.status.value == "completed" and reply.state.amount == 5000
    captured = "\n".join(converse.bodies)
    # The model is asked only where the rules found nothing: the greeting and "goes by" (the rules
    # read "fifty dollars" themselves).
    assert len(converse.bodies) == 2
    assert not contains_card_number(captured)
    for secret in ("4242", "12/30", "123"):
        assert secret not in captured
    usage = model.usage.completed_payments()
    assert len(usage) == 1 and usage[0].calls == 2 and usage[0].total_tokens > 0
    assert model.usage.tokens_per_completed_payment() == usage[0].total_tokens
