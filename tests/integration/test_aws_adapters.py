"""DynamoDB, S3, KMS and Secrets Manager adapters over real HTTP (moto in server mode), through boto3."""

from __future__ import annotations

import base64
import json
import secrets
import uuid

import pytest
from fastapi.testclient import TestClient

from paybot_channels.web.app import create_app
from paybot_core.adapters.audit_chain import verify_chain
from paybot_core.adapters.dynamodb_store import DynamoDBSessionStore
from paybot_core.adapters.memory import MemoryAuditLog
from paybot_core.adapters.s3_audit import S3AuditLog
from paybot_core.adapters.sandbox_gateway import SandboxGateway
from paybot_core.adapters.secrets import SecretsCache, stripe_secret_key_provider, vault_key_from_settings
from paybot_core.bootstrap import build
from paybot_core.conversation.state import CardEntry, Presets
from paybot_core.conversation.turns import Say
from paybot_core.errors import SecretUnavailableError, StoreUnavailableError, VersionConflictError
from paybot_core.pci.redact import contains_card_number
from paybot_core.ports import AuditEvent
from paybot_core.settings import Settings
from tests.support import moto_server as moto
from tests.support.servers import free_port

pytestmark = pytest.mark.aws
PAN = "4242424242424242"


def dynamo_services(tmp_path, store, gateway=None):
    settings = Settings(
        data_dir=tmp_path, allow_typed_card_entry=True, vault_key=base64.b64encode(b"k" * 32).decode()
    )
    return build(settings, store=store, gateway=gateway or SandboxGateway(), audit=MemoryAuditLog())


def raw_item(dynamodb, table_name, session_id):
    return dynamodb.get_item(TableName=table_name, Key={"sessionId": {"S": session_id}}, ConsistentRead=True)[
        "Item"
    ]


def test_typed_card_is_envelope_encrypted_in_its_own_attribute_and_removed_on_tokenization(tmp_path, table):
    dynamodb, kms, name, key_id = table
    store = DynamoDBSessionStore(dynamodb, name, kms_client=kms, kms_key_id=key_id)
    services = dynamo_services(tmp_path, store)
    start = services.conversations.start(Presets(card_entry=CardEntry.TYPED))
    sid = start.state.session_id
    for message in ("Jane Doe", "$50", PAN):
        services.conversations.handle(sid, Say(message))
    item = raw_item(dynamodb, name, sid)
    assert set(item["sealedCard"]["M"]) == {"edk", "ct", "exp"}
    assert int(item["ttl"]["N"]) >= float(item["sweepAt"]["N"])
    assert "sealed_card" not in item["state"]["S"] or json.loads(item["state"]["S"])["sealed_card"] is None
    dump = json.dumps({k: str(v) for k, v in item.items()})
    assert PAN not in dump and not contains_card_number(dump)
    # The data key was made for this session: KMS refuses it under another session's context.
    with pytest.raises(Exception, match="InvalidCiphertext"):
        kms.decrypt(
            CiphertextBlob=item["sealedCard"]["M"]["edk"]["B"], EncryptionContext={"paybot:session": "other"}
        )
    services.conversations.handle(sid, Say("12/30"))
    reply = services.conversations.handle(sid, Say("123"))
    assert reply.state.status.value == "confirming"
    item = raw_item(dynamodb, name, sid)
    assert "sealedCard" not in item
    assert services.conversations.handle(sid, Say("yes")).state.status.value == "completed"
    assert "sweepAt" not in raw_item(dynamodb, name, sid)


class RacingStore(DynamoDBSessionStore):
    """Lets another writer save first, once, between the service's read and its write."""

    raced = 0

    def save(self, state, expected_version, events=()):
        if not self.raced:
            self.raced += 1
            current = self.load(state.session_id)
            super().save(current.evolve(turns=current.turns), expected_version=expected_version)
        return super().save(state, expected_version, events)


def test_a_conditional_write_failure_is_retried_from_a_fresh_read(tmp_path, table):
    dynamodb, kms, name, key_id = table
    store = RacingStore(dynamodb, name, kms_client=kms, kms_key_id=key_id)
    services = dynamo_services(tmp_path, store)
    sid = services.conversations.start().state.session_id
    reply = services.conversations.handle(sid, Say("My name is Jane Doe"))
    assert store.raced == 1
    assert (reply.state.name, reply.state.version, reply.state.turns) == ("Jane Doe", 3, 1)
    with pytest.raises(VersionConflictError):
        store.save(reply.state, expected_version=2)


def test_an_unreachable_store_answers_503_as_json_and_charges_nothing(tmp_path):
    dead = moto.client("dynamodb", f"http://127.0.0.1:{free_port()}", connect_timeout=0.5, read_timeout=0.5)
    store = DynamoDBSessionStore(dead, "sessions")
    with pytest.raises(StoreUnavailableError):
        store.load("ses_abc")
    gateway = SandboxGateway()
    client = TestClient(
        create_app(dynamo_services(tmp_path, store, gateway), sweep_expired=False),
        raise_server_exceptions=False,
    )
    answer = client.post("/v1/chat", json={"sessionId": "ses_abc", "message": "yes"})
    assert answer.status_code == 503
    assert answer.json()["error"]["code"] == "store_unavailable"
    assert answer.headers["retry-after"]
    assert gateway.list_intents("ses_abc") == []


def test_webhook_event_ids_are_claimed_once_with_a_ttl(table):
    dynamodb, _, name, _ = table
    events = DynamoDBSessionStore(dynamodb, name).webhook_events()
    assert events.claim("evt_1", 1_800_000_000) is True
    assert events.claim("evt_1", 1_800_000_001) is False
    events.release("evt_1")
    assert events.claim("evt_1", 1_800_000_002) is True
    item = raw_item(dynamodb, name, "webhook-event#evt_1")
    assert int(item["ttl"]["N"]) > 1_800_000_002
    assert DynamoDBSessionStore(dynamodb, name).load("webhook-event#evt_1") is None


def test_s3_audit_records_are_chained_kms_encrypted_and_named_without_raw_ids(moto_url):
    s3, kms = moto.client("s3", moto_url), moto.client("kms", moto_url)
    bucket = f"audit-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    key_id = moto.create_kms_key(kms)
    audit = S3AuditLog(s3, bucket, hmac_key=secrets.token_bytes(32), kms_key_id=key_id)
    at = 1_800_000_000.0
    for index, sid in enumerate(["ses_alpha", "ses_beta", "ses_alpha"]):
        audit.append(
            AuditEvent("turn", sid, at + index, {"card": "visa 4242", "note": f"typed {PAN} by mistake"})
        )
    listed = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert len(listed) == 3
    assert all(k.startswith("audit/2027-01-15/") for k in listed)
    assert not any("ses_" in k for k in listed)
    assert sum(audit.keyed_id("ses_alpha") in k for k in listed) == 2
    head = s3.head_object(Bucket=bucket, Key=listed[0])
    assert head["ServerSideEncryption"] == "aws:kms" and key_id in head["SSEKMSKeyId"]
    records = audit.read_records()
    assert verify_chain(records) == 3
    assert not contains_card_number(json.dumps(records))
    records[1]["details"]["card"] = "visa 0000"
    with pytest.raises(ValueError, match="altered"):
        verify_chain(records)


def test_secrets_are_fetched_once_per_ttl_and_name_the_vault_key(moto_url):
    manager = moto.client("secretsmanager", moto_url)
    key = base64.b64encode(secrets.token_bytes(32)).decode()
    manager.create_secret(Name="paybot/vault", SecretString=key)
    manager.create_secret(
        Name="paybot/stripe", SecretString=json.dumps({"secretKey": "sk_test_from_manager"})
    )
    now = [0.0]
    cache = SecretsCache(manager, ttl_seconds=60, clock=lambda: now[0])
    settings = Settings(vault_key_secret_id="paybot/vault", stripe_secret_id="paybot/stripe")
    assert vault_key_from_settings(settings, cache) == base64.b64decode(key)
    assert vault_key_from_settings(settings, cache) == base64.b64decode(key)
    assert cache.fetches == 1
    provider = stripe_secret_key_provider(settings, cache)
    assert provider() == "sk_test_from_manager"
    now[0] = 61.0
    manager.put_secret_value(SecretId="paybot/stripe", SecretString="sk_test_rotated")
    assert provider() == "sk_test_rotated"
    with pytest.raises(SecretUnavailableError):
        cache.get("paybot/missing")


def test_settings_refuse_incomplete_adapter_combinations():
    with pytest.raises(ValueError, match="PAYBOT_DYNAMODB_TABLE"):
        Settings(session_store="dynamodb")
    with pytest.raises(ValueError, match="PAYBOT_STRIPE_SECRET_ID"):
        Settings(payment_gateway="stripe")
    with pytest.raises(ValueError, match="PAYBOT_AUDIT_BUCKET"):
        Settings(audit_log="s3")
