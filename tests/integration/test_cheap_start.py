"""A cold start in the AWS configuration builds only what the first answer uses.

Run in a fresh interpreter against the moto server, as a Lambda container starts: after
`build()` and a session's first answer, the Stripe SDK is not imported, the Stripe key and the
vault key have not been fetched, and no KMS client exists; a typed card number then brings in
the vault key and KMS (sealed between turns), still not Stripe (not until the whole card). Nor
is any adapter the settings did not choose imported.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys

import pytest

from tests.support import moto_server as moto
from tests.support.servers import ROOT

pytestmark = pytest.mark.aws

SCRIPT = """
import json, sys
from paybot_core.bootstrap import build
from paybot_core.conversation.state import CardEntry, Presets

UNCHOSEN = (
    "pydantic_settings",
    "paybot_core.adapters.sqlite_store",
    "paybot_core.adapters.sandbox_gateway",
    "paybot_core.adapters.file_audit",
    "paybot_core.adapters.webhook_events",
    "paybot_core.merchant.dispatch",
    "paybot_core.merchant.receipts",
    "paybot_core.understanding",
    "paybot_core.pci.model_guard",  # the language model's guard: Bedrock only
    "cryptography",  # the vault's AES-GCM: not until a card is sealed
)
services = build()
store, gateway, vault = services.store, services.gateway, services.conversations.vault
first = services.conversations.start(Presets(amount=5000, card_entry=CardEntry.TYPED))
report = {
    "stripe imported": "stripe" in sys.modules,
    "gateway built": gateway.built,
    "kms client made": store.kms_client._client.made,
    # One DynamoDB client for the process: the vault's data keys use the store's, none of their own.
    "session keys use the store's client": vault.keys.client is store.client,
    "accounts use the store's client": services.accounts.client is store.client,
    "vault key fetched": vault._wrapping.made,
    "secrets fetched": services.secrets.fetches,
    "status": first.state.status.value,
    # Adapters the settings did not choose, the webhook dispatcher's HTTP client, the free-text
    # pipeline: none is imported for a first answer.
    "unchosen modules imported": sorted(set(UNCHOSEN) & set(sys.modules)),
}
from paybot_core.conversation.turns import Say
sid = first.state.session_id
services.conversations.handle(sid, Say("Jane Doe"))
services.conversations.handle(sid, Say("4242 4242 4242 4242"))  # sealed between turns: vault and KMS
report["after a card number"] = {
    "stripe imported": "stripe" in sys.modules,
    "kms client made": store.kms_client._client.made,
    "vault key fetched": vault._wrapping.made,
}
print(json.dumps(report))
"""


def test_build_and_a_first_answer_leave_stripe_kms_and_the_vault_key_alone(tmp_path, moto_url) -> None:
    sessions = moto.new_session_table(moto_url)
    table = sessions.name
    secretsmanager = moto.client("secretsmanager", moto_url)
    for name, value in (
        (f"{table}/stripe", "sk_test_x"),
        (f"{table}/vault", base64.b64encode(b"k" * 32).decode()),
    ):
        secretsmanager.create_secret(Name=name, SecretString=value)
    env = {
        **os.environ,
        **moto.aws_env(moto_url),
        "PAYBOT_DATA_DIR": str(tmp_path),
        "PAYBOT_ALLOW_TYPED_CARD_ENTRY": "true",
        **sessions.env(),
        "PAYBOT_PAYMENT_GATEWAY": "stripe",
        "PAYBOT_STRIPE_SECRET_ID": f"{table}/stripe",
        "PAYBOT_VAULT_KEY_SECRET_ID": f"{table}/vault",
        "PAYBOT_AUDIT_LOG": "memory",
        "PAYBOT_ACCOUNTS_TABLE": f"{table}-accounts",  # never read here: only its client is compared
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == {
        "stripe imported": False,
        "gateway built": False,
        "kms client made": False,
        "session keys use the store's client": True,
        "accounts use the store's client": True,
        "vault key fetched": False,
        "secrets fetched": 0,
        "status": "collecting",
        "unchosen modules imported": [],
        "after a card number": {"stripe imported": False, "kms client made": True, "vault key fetched": True},
    }
