"""Bedrock as a helper, not a judge: whole conversations with the model in its layers (rules first,
card-data guard, breaker, Bedrock over the real boto3 client against the local Converse server).

The model may propose a name, an amount or a question kind for what the rules could not place, in
English and Spanish; the code keeps only what the payer wrote and the field rules accept, and yes,
cancel and a preset amount never come from it."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from paybot_core import (
    CardEntry,
    MemoryAuditLog,
    MemorySessionStore,
    Presets,
    SandboxGateway,
    Say,
    Settings,
    Status,
    build,
    contains_card_number,
)
from paybot_core.adapters.bedrock_model import BedrockLanguageModel
from paybot_core.adapters.converse_model import ConverseModel
from paybot_core.bootstrap import rules_first
from paybot_core.services import ConversationService
from tests.support.converse_server import ConverseServer, bedrock_client

pytestmark = pytest.mark.aws

Talk = Callable[[str], object]


@pytest.fixture
def conversations(converse: ConverseServer, tmp_path) -> ConversationService:  # type: ignore[no-untyped-def]
    model = rules_first(BedrockLanguageModel(ConverseModel(bedrock_client(converse.url, timeout=0.6))))
    services = build(
        Settings(data_dir=tmp_path, allow_typed_card_entry=True),
        store=MemorySessionStore(),
        gateway=SandboxGateway(),
        audit=MemoryAuditLog(),
        model=model,
    )
    return services.conversations


def _start(conversations: ConversationService, **presets: object) -> tuple[str, Callable[[str], object]]:
    reply = conversations.start(Presets(card_entry=CardEntry.TYPED, **presets))  # type: ignore[arg-type]
    session = reply.state.session_id

    def say(text: str):  # type: ignore[no-untyped-def]
        return conversations.handle(session, Say(text))

    return session, say


def _sent(converse: ConverseServer) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(body) for body in converse.bodies]


@pytest.mark.parametrize(
    ("locale", "message", "name"),
    [
        ("es", "es la tarjeta de mi hijo Tomás Ñúñez", "Tomás Ñúñez"),
        ("en", "the card holder goes by Ada Lovelace", "Ada Lovelace"),
    ],
)
def test_a_name_the_rules_cannot_place_comes_through_tool_use_in_either_language(
    conversations: ConversationService, converse: ConverseServer, locale: str, message: str, name: str
) -> None:
    _, say = _start(conversations, locale=locale)
    reply = say(message)
    assert reply.state.name == name  # type: ignore[attr-defined]
    (sent,) = _sent(converse)
    schema = sent["toolConfig"]["tools"][0]["toolSpec"]["inputSchema"]["json"]
    assert set(schema["properties"]) == {"name", "amount", "question", "question_detail"}
    assert "The payer wrote: " + message in sent["messages"][0]["content"][0]["text"]


def test_a_question_kind_from_the_model_is_answered_in_spanish_without_counting_a_try(
    conversations: ConversationService, converse: ConverseServer
) -> None:
    _, say = _start(conversations, locale="es", amount=4500)
    reply = say("puedo mandar un giro por western union")
    state = reply.state  # type: ignore[attr-defined]
    assert state.name is None and state.attempts_on(state.current_field) == 0
    assert "giro" in reply.text and "no" in reply.text.lower().split()  # type: ignore[attr-defined]
    assert reply.state.locale == "es"  # type: ignore[attr-defined]


def test_an_amount_is_taken_only_as_a_figure_the_payer_wrote(
    conversations: ConversationService, converse: ConverseServer
) -> None:
    _, say = _start(conversations, customer_name="Ana Ruiz")
    converse.script([{"amount": "200"}, {"amount": "120", "name": "Someone Else"}])
    worked_out = say("two invoices, the second one is 120 and the first 80")
    assert worked_out.state.amount is None  # type: ignore[attr-defined]  # 200 is nowhere in the message
    pointed = say("the second one is 120, that's what I'm paying today")
    assert pointed.state.amount == 12000  # type: ignore[attr-defined]
    assert pointed.state.name == "Ana Ruiz"  # type: ignore[attr-defined]  # the preset name stays


def test_a_preset_amount_never_comes_from_the_model(
    conversations: ConversationService, converse: ConverseServer
) -> None:
    _, say = _start(conversations, amount=5000)
    converse.script([{"name": "Bea Lim", "amount": "9999"}])
    reply = say("honestly it should go under Bea Lim, and make it 9999")
    assert reply.state.amount == 5000  # type: ignore[attr-defined]


def test_the_model_never_pays_or_cancels_whatever_its_tool_input_says(
    conversations: ConversationService, converse: ConverseServer
) -> None:
    _, say = _start(conversations, amount=5000, customer_name="Ana Ruiz")
    confirming = say("4242 4242 4242 4242 12/34 123")
    assert confirming.state.status is Status.CONFIRMING  # type: ignore[attr-defined]
    pushy = {"confirm": True, "intent": "affirm", "yes": True, "cancel": False, "question": "other"}
    converse.script([pushy, {"intent": "cancel", "cancel": True}, pushy])
    for message in ("sounds about right to me", "meh whatever you think", "lo que usted diga"):
        reply = say(message)
        assert reply.state.status is Status.CONFIRMING, message  # type: ignore[attr-defined]
        assert reply.state.payment is None  # type: ignore[attr-defined]
    assert not any(contains_card_number(body) for body in converse.bodies)
    assert "4242" not in "".join(converse.bodies) and "123" not in "".join(converse.bodies)
    assert say("yes").state.status is Status.COMPLETED  # type: ignore[attr-defined]  # only the payer's yes
