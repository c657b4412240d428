"""The composition root builds each part once: one secrets provider per build, the vault key read
once, the webhook event log and secret and the keypad decryptor wired in, nothing process-global."""

from __future__ import annotations

import base64
import time
from collections import Counter
from pathlib import Path

import pytest

from paybot_core import ConnectInputDecryptor
from paybot_core.adapters.memory import MemoryAuditLog, MemorySessionStore
from paybot_core.adapters.sandbox_gateway import SandboxGateway
from paybot_core.adapters.secrets import SecretsCache
from paybot_core.adapters.webhook_events import MemoryWebhookEvents, SqliteWebhookEvents
from paybot_core.bootstrap import build
from paybot_core.settings import Settings

VAULT_KEY = base64.b64encode(b"v" * 32).decode()


class CountingSecrets:
    """A SecretSource that counts each read."""

    def __init__(self, values: dict[str, str]) -> None:
        self.values = values
        self.reads: Counter[str] = Counter()

    def get(self, secret_id: str) -> str:
        self.reads[secret_id] += 1
        return self.values[secret_id]


def test_secret_backed_parts_read_through_the_one_provider(tmp_path: Path) -> None:
    secrets = CountingSecrets({"vault": VAULT_KEY, "webhook": "whsec_1", "keypad": "-----BEGIN"})
    settings = Settings(
        data_dir=tmp_path,
        vault_key_secret_id="vault",
        stripe_webhook_secret_id="webhook",
        connect_private_key_secret_id="keypad",
    )
    services = build(settings, secrets=secrets, store=MemorySessionStore(), audit=MemoryAuditLog())

    assert services.secrets is secrets
    assert secrets.reads == {}  # nothing fetched at start: the vault key waits for a typed card
    vault = services.conversations.vault
    for _ in range(2):
        vault.seal("ses_1", {"number": "4242424242424242"}, expires_at=time.time() + 60)
    assert secrets.reads == {"vault": 1}  # then resolved once
    assert services.webhook_secret is not None and services.webhook_secret() == "whsec_1"
    secrets.values["webhook"] = "whsec_rotated"
    assert services.webhook_secret() == "whsec_rotated"  # re-read each time: rotation applies
    assert isinstance(services.keypad, ConnectInputDecryptor)
    assert isinstance(services.webhook_events, MemoryWebhookEvents)  # beside the memory store


def test_without_secret_ids_nothing_secret_is_built(tmp_path: Path) -> None:
    services = build(Settings(data_dir=tmp_path), gateway=SandboxGateway(), audit=MemoryAuditLog())
    assert (services.secrets, services.webhook_secret, services.keypad) == (None, None, None)
    assert isinstance(services.webhook_events, SqliteWebhookEvents)  # beside the SQLite sessions
    assert not (tmp_path / "webhook_events.sqlite3").exists()  # opened on the first event only


def test_each_build_has_its_own_secrets_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Credentials of our own, so that building a client never asks the instance metadata service.
    for name, value in {
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }.items():
        monkeypatch.setenv(name, value)
    settings = Settings(data_dir=tmp_path, stripe_webhook_secret_id="webhook")
    first, second = (build(settings, store=MemorySessionStore(), audit=MemoryAuditLog()) for _ in range(2))
    assert isinstance(first.secrets, SecretsCache) and isinstance(second.secrets, SecretsCache)
    assert first.secrets is not second.secrets
    assert first.secrets.ttl_seconds == settings.secrets_cache_ttl_seconds
