"""The Bedrock model in its layers, through the real boto3 bedrock-runtime client against a local
Converse server: the plain Converse call, the rules-first policy, the card-data guard and the breaker."""

from __future__ import annotations

import json
import time

import pytest

from paybot_core.adapters.bedrock_model import BedrockLanguageModel
from paybot_core.adapters.converse_model import ConverseModel, ConverseRequest
from paybot_core.adapters.memory import MemoryAuditLog, MemorySessionStore
from paybot_core.adapters.sandbox_gateway import SandboxGateway
from paybot_core.bootstrap import build, rules_first
from paybot_core.breaker import CircuitBreaker
from paybot_core.conversation.state import CardEntry, Field, Presets
from paybot_core.conversation.turns import Say
from paybot_core.conversation.understanding import Intent, UnderstandingContext, Understood
from paybot_core.errors import CardDataLeakError, ModelUnavailableError
from paybot_core.metrics import MODEL_CALLS, MODEL_INPUT_TOKENS, PAYMENTS_COMPLETED, Counters
from paybot_core.pci.redact import contains_card_number
from paybot_core.settings import Settings
from tests.support.converse_server import bedrock_client

pytestmark = pytest.mark.aws


def context(expecting: Field | None, *, preset: bool = False, channel: str = "web") -> UnderstandingContext:
    return UnderstandingContext(expecting, "usd", preset, session_id="ses_model", channel=channel)


def plain(converse, timeout: float = 0.6, metrics: Counters | None = None) -> BedrockLanguageModel:
    return BedrockLanguageModel(ConverseModel(bedrock_client(converse.url, timeout=timeout), metrics=metrics))


@pytest.fixture
def model(converse):
    return rules_first(plain(converse))


def test_the_converse_call_sends_the_tool_config_it_is_given_and_reads_the_tool_use(converse):
    wire = ConverseModel(bedrock_client(converse.url, timeout=0.6))
    tool = {"toolSpec": {"name": "pick", "inputSchema": {"json": {"type": "object"}}}}
    converse.script([{"name": "Ada Lovelace"}])
    answer = wire.converse(
        ConverseRequest.asking(
            "Pick.", "Ada Lovelace", tool_config={"tools": [tool], "toolChoice": {"tool": {"name": "pick"}}}
        )
    )
    sent = json.loads(converse.bodies[0])
    assert sent["toolConfig"]["tools"] == [tool] and sent["system"] == [{"text": "Pick."}]
    assert answer.stop_reason == "tool_use" and answer.input_tokens > 0 and answer.output_tokens > 0
    assert answer.tool_input("pick") == {"name": "Ada Lovelace"} and answer.tool_input("other") is None
    # Without a tool config Bedrock answers in text.
    text = wire.converse(ConverseRequest.asking("Rephrase.", "Pay now?"))
    assert text.stop_reason == "end_turn" and text.text
    assert "toolConfig" not in json.loads(converse.bodies[1])


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
    # A command is the rules' alone, even when it carries words they could not place.
    assert model.understand("cancel, the card holder goes by Jane Doe", context(Field.NAME)).has(
        Intent.CANCEL
    )
    assert model.understand("how much do I owe?", context(Field.NAME)).question is not None
    assert model.understand("[card number] [expiry]", context(Field.CARD_NUMBER)) == Understood()
    assert converse.bodies == []
    # What the rules understood nothing of may be asked about, but a model never says yes.
    converse.script([{"question": "other", "name": "Go Ahead"}])
    unclear = model.understand("anything at all, go ahead and decide", context(Field.CONFIRMATION))
    assert unclear.intents == frozenset() and unclear.name is None
    assert len(converse.bodies) == 1


def test_the_plain_model_proposes_and_the_policy_takes_only_what_the_field_rules_accept(converse):
    bare = plain(converse)
    converse.script([{"name": "Somebody Else", "amount": "12"}])
    proposed = bare.understand("the person on the card, you know who", context(Field.NAME))
    assert proposed.name.value == "Somebody Else"  # the plain model reports; it does not judge
    layered = rules_first(bare)
    converse.script(
        [
            {"name": "J4ne D0e", "amount": None},
            {"name": "Somebody Else", "amount": None},
            {"name": None, "amount": "-5"},
            {"name": None, "amount": "0"},
        ]
    )
    assert layered.understand("the person on the card, you know who", context(Field.NAME)).name is None
    invented = layered.understand("the person on the card, you know who", context(Field.NAME))
    assert invented.name is None  # not words the payer wrote
    assert layered.understand("whatever it says on the bill", context(Field.AMOUNT)).amount is None
    assert layered.understand("whatever it says on the bill", context(Field.AMOUNT)).amount is None
    # A preset amount: whatever the model proposes never reaches the amount.
    converse.script([{"amount": "75"}])
    assert layered.understand("make it whatever I like", context(Field.AMOUNT, preset=True)).amount is None
    assert len(converse.bodies) == 6


def test_a_request_with_card_data_is_refused_before_it_is_sent(converse):
    wire = ConverseModel(bedrock_client(converse.url, timeout=0.6))
    for leaky in ("4242 4242 4242 4242", "expires 12/27", "my cvv is 123", "4000000000000002"):
        for amounts_allowed in (True, False):
            with pytest.raises(CardDataLeakError):
                wire.converse(ConverseRequest.asking("Extract.", leaky, amounts_allowed=amounts_allowed))
    assert converse.bodies == []
    # The plain model on its own is refused too; in the layers the guard sanitises the text first.
    with pytest.raises(CardDataLeakError):
        plain(converse).understand("goes by Jane, card 4242 4242 4242 4242", context(Field.NAME))
    assert converse.bodies == []
    rules_first(plain(converse)).understand(
        "goes by Jane, card 4242 4242.4242 4242 cvn 123", context(Field.NAME)
    )
    assert len(converse.bodies) == 1
    assert not any(ch.isdigit() for ch in json.loads(converse.bodies[0])["messages"][0]["content"][0]["text"])


@pytest.mark.parametrize("mode", ["slow", "throttle", "error"])
def test_slow_throttled_or_failing_bedrock_falls_back_to_the_rules_within_the_turn(model, converse, mode):
    converse.mode = mode
    with pytest.raises(ModelUnavailableError):
        plain(converse).understand("the card holder goes by Jane Doe", context(Field.NAME, channel="voice"))
    converse.reset(mode)
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
    breaker = CircuitBreaker(threshold=2, cooldown=30, clock=lambda: now[0])
    model = rules_first(plain(converse), breaker=breaker)
    converse.mode = "error"
    for _ in range(4):
        model.understand("goes by Jane Doe", context(Field.NAME))
    assert len(converse.bodies) == 2 and breaker.is_open and model.fallbacks == 4
    converse.mode = "ok"
    now[0] = 31.0
    assert model.understand("goes by Jane Doe", context(Field.NAME)).name.value == "Jane Doe"
    assert not breaker.is_open


def test_a_refused_request_does_not_open_the_breaker(converse):
    breaker = CircuitBreaker(threshold=1)
    bare = plain(converse)
    layered = rules_first(bare, breaker=breaker)
    # The guard sanitises what it can see; a draft holding card data is never phrased at all.
    assert layered.phrase("4242 4242 4242 4242", {"channel": "web"}) == "4242 4242 4242 4242"
    with pytest.raises(CardDataLeakError):
        breaker.call(lambda: bare.understand("goes by 4242 4242 4242 4242", context(Field.NAME)))
    assert not breaker.is_open


def test_phrasing_is_off_by_default_never_on_the_phone_and_keeps_every_figure(converse):
    off = rules_first(plain(converse))
    assert (
        off.phrase("You will pay $50.00.", {"channel": "web", "status": "confirming"})
        == "You will pay $50.00."
    )
    phrasing = rules_first(plain(converse), phrasing=True)
    assert phrasing.phrase("Pay $50.00?", {"channel": "voice", "status": "confirming"}) == "Pay $50.00?"
    assert converse.bodies == []
    assert phrasing.phrase(
        "Pay $50.00?", {"channel": "web", "status": "confirming", "session_id": "ses_x"}
    ) == ("Sure. Pay $50.00?")
    assert "ses_x" not in converse.bodies[0]


def test_a_bedrock_conversation_never_sends_card_data_and_counts_usage_and_completion(tmp_path, converse):
    metrics = Counters()
    settings = Settings(data_dir=tmp_path, allow_typed_card_entry=True)
    services = build(
        settings,
        store=MemorySessionStore(),
        gateway=SandboxGateway(),
        model=rules_first(plain(converse, timeout=1.0, metrics=metrics)),
        audit=MemoryAuditLog(),
        metrics=metrics,
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
    services.conversations.handle(sid, Say("yes"))  # after the payment: nothing more is counted
    services.conversations.get(sid)
    captured = "\n".join(converse.bodies)
    # The model is asked only where the rules found nothing: the greeting and "goes by" (the rules
    # read "fifty dollars" themselves).
    assert len(converse.bodies) == 2
    assert not contains_card_number(captured)
    for secret in ("4242", "12/30", "123"):
        assert secret not in captured
    totals = metrics.totals()
    assert totals[MODEL_CALLS] == 2 and totals[MODEL_INPUT_TOKENS] > 0 and totals[PAYMENTS_COMPLETED] == 1
    # Counters, not a ledger: totals by name, nothing kept per session.
    assert set(totals) == {MODEL_CALLS, MODEL_INPUT_TOKENS, "model_output_tokens", PAYMENTS_COMPLETED}
