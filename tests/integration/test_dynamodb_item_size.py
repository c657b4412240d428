"""A session's DynamoDB item stays under 1 KB (one write unit) at every step of a secure-form payment.

Sizes are counted as DynamoDB bills them (developer guide, "Item sizes"): attribute names and
string/binary values by their UTF-8 bytes, numbers at one byte per two significant digits plus
one, maps and lists 3 bytes plus 1 per element. The items are read back raw from the moto server.
"""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any

import pytest

from paybot_core.adapters.dynamodb_store import DynamoDBSessionStore
from paybot_core.adapters.memory import MemoryAuditLog
from paybot_core.adapters.sandbox_gateway import SandboxGateway
from paybot_core.bootstrap import Services, build
from paybot_core.conversation.state import CardEntry, Presets, state_from_json, state_to_json
from paybot_core.conversation.turns import NextActionDone, Say, UsePaymentMethod
from paybot_core.ports import CardDetails
from paybot_core.settings import Settings
from tests.support.moto_server import SessionTable

pytestmark = pytest.mark.aws
ONE_WRITE_UNIT = 1024


def _number_size(text: str) -> int:
    digits = str(Decimal(text).normalize()).lstrip("-").replace(".", "").lstrip("0") or "0"
    digits = digits.split("E")[0].rstrip("0") or "0"
    return (len(digits) + 1) // 2 + 1


def value_size(value: dict[str, Any]) -> int:
    ((kind, body),) = value.items()
    if kind == "S":
        return len(body.encode())
    if kind == "N":
        return _number_size(body)
    if kind == "B":
        return len(body)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "M":
        return 3 + sum(1 + len(k.encode()) + value_size(v) for k, v in body.items())
    if kind == "L":
        return 3 + sum(1 + value_size(v) for v in body)
    raise AssertionError(f"attribute type {kind} not counted here")


def item_size(item: dict[str, Any]) -> int:
    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


def test_the_size_rules_match_dynamodbs_published_examples() -> None:
    assert value_size({"N": "12345"}) == 4 and value_size({"N": "1764600000.125"}) == 8
    assert item_size({"sessionId": {"S": "ses_abc"}}) == 9 + 7
    assert value_size({"M": {"a": {"S": "xy"}}}) == 3 + 1 + 1 + 2


def test_every_step_of_a_secure_form_payment_fits_one_write_unit(tmp_path, table) -> None:
    dynamodb, kms, name, key_id = table
    gateway = SandboxGateway()
    services = build(
        Settings(data_dir=tmp_path, vault_key=base64.b64encode(b"k" * 32).decode()),
        store=DynamoDBSessionStore(dynamodb, name, kms_client=kms, kms_key_id=key_id),
        gateway=gateway,
        audit=MemoryAuditLog(),
    )
    conversations = services.conversations
    presets = Presets(
        amount=123_456,
        reference="INV-2026-000123-ACME",
        description="Invoice INV-2026-000123, plumbing and parts",
        card_entry=CardEntry.SECURE,
    )
    sizes: list[tuple[str, int]] = []

    def measure(step: str, session_id: str) -> None:
        item = dynamodb.get_item(TableName=name, Key={"sessionId": {"S": session_id}}, ConsistentRead=True)
        sizes.append((step, item_size(item["Item"])))

    sid = conversations.start(presets).state.session_id
    measure("started", sid)
    conversations.handle(sid, Say("Maria-Fernanda de la Cruz Rodriguez"))
    measure("named", sid)
    declined, _ = gateway.create_payment_method(CardDetails("4000000000000002", 12, 2030, "123"))
    conversations.handle(sid, UsePaymentMethod(declined))
    measure("card", sid)
    conversations.handle(sid, Say("yes"))
    measure("declined", sid)
    card, _ = gateway.create_payment_method(CardDetails("4000002500003155", 12, 2030, "123"))
    conversations.handle(sid, UsePaymentMethod(card))
    measure("second card", sid)
    reply = conversations.handle(sid, Say("yes"))
    measure("3-D Secure asked", sid)
    assert reply.state.status.value == "requires_action", reply.text
    assert reply.state.payment is not None
    gateway.authenticate(reply.state.payment.id, approve=True)  # the payer passes the bank's check
    reply = conversations.handle(sid, NextActionDone())
    measure("paid", sid)
    assert reply.state.status.value == "completed", reply.text

    print("item sizes:", sizes)
    assert max(size for _, size in sizes) < ONE_WRITE_UNIT, sizes


def services_on(table: SessionTable) -> tuple[DynamoDBSessionStore, Services]:
    """The session store on `table` and the services around it (sandbox gateway, memory audit)."""
    store = DynamoDBSessionStore(
        table.dynamodb, table.name, kms_client=table.kms, kms_key_id=table.kms_key_id
    )
    services = build(
        Settings(vault_key=base64.b64encode(b"k" * 32).decode()),
        store=store,
        gateway=SandboxGateway(),
        audit=MemoryAuditLog(),
    )
    return store, services


def test_items_leave_out_what_a_reader_gets_from_defaults_and_read_back_whole(table) -> None:
    dynamodb, name = table.dynamodb, table.name
    store, services = services_on(table)
    state = services.conversations.start(Presets(amount=5000)).state
    item = dynamodb.get_item(TableName=name, Key={"sessionId": {"S": state.session_id}})["Item"]
    text = item["state"]["S"]
    assert "null" not in text and "max_field_attempts" not in text
    assert store.load(state.session_id) == state.evolve(version=1)


def test_an_item_an_older_version_wrote_in_full_reads_the_same(table) -> None:
    dynamodb, name = table.dynamodb, table.name
    store, services = services_on(table)
    state = services.conversations.start(Presets(amount=5000)).state
    from paybot_core.conversation.state import _ADAPTER

    full = _ADAPTER.dump_json(state.evolve(version=1)).decode()  # every field, nulls and limits too
    assert "null" in full and "max_field_attempts" in full
    dynamodb.update_item(
        TableName=name,
        Key={"sessionId": {"S": state.session_id}},
        UpdateExpression="SET #s = :s",
        ExpressionAttributeNames={"#s": "state"},
        ExpressionAttributeValues={":s": {"S": full}},
    )
    assert store.load(state.session_id) == state.evolve(version=1)
    assert state_from_json(state_to_json(state)) == state
