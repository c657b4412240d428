"""SnapStart: two copies restored from one snapshot write distinct, valid audit chains.

A fresh interpreter builds the deployed S3 audit log from settings (as the Lambda's init does),
then forks twice: each child is a copy restored from that one memory image. With the
after-restore hooks run, each writes its own stream from GENESIS; without them (the control),
both continue the snapshot's stream and overwrite each other's objects.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import subprocess
import sys
import time
from collections import defaultdict

import pytest

from paybot_core import snapstart
from paybot_core.adapters.audit_chain import verify_chain
from paybot_core.bootstrap import build
from paybot_core.errors import VaultError
from paybot_core.pci.vault import CardVault
from paybot_core.settings import Settings
from tests.support.moto_server import aws_env, client

pytestmark = pytest.mark.aws
EVENTS_PER_COPY = 3

SNAPSHOT_AND_RESTORE = """
import os, sys, time
from paybot_core import snapstart
from paybot_core.bootstrap import build
from paybot_core.ports import AuditEvent
from paybot_core.settings import Settings

services = build(Settings())  # init: what the snapshot holds
run_hooks = sys.argv[1] == "hooks"
children = []
for copy in ("a", "b"):
    pid = os.fork()
    if pid == 0:  # a copy restored from the snapshot
        if run_hooks:
            snapstart.run_after_restore()
        for n in range({events}):
            services.audit.append(AuditEvent("restored_turn", f"ses_{{copy}}", time.time(), {{"n": n}}))
        os._exit(0)
    children.append(pid)
for pid in children:
    assert os.waitpid(pid, 0)[1] == 0
"""


def _run(moto_url: str, bucket: str, tmp_path, mode: str) -> dict[str, list[dict]]:
    s3 = client("s3", moto_url)
    s3.create_bucket(Bucket=bucket)
    env = {
        **os.environ,
        **aws_env(moto_url),
        "PAYBOT_DATA_DIR": str(tmp_path),
        "PAYBOT_SESSION_STORE": "memory",
        "PAYBOT_AUDIT_LOG": "s3",
        "PAYBOT_AUDIT_BUCKET": bucket,
        "PAYBOT_VAULT_KEY": base64.b64encode(b"v" * 32).decode(),
    }
    script = SNAPSHOT_AND_RESTORE.format(events=EVENTS_PER_COPY)
    subprocess.run([sys.executable, "-c", script, mode], env=env, check=True, timeout=120)
    streams: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="audit/"):
        for item in page.get("Contents", []):
            key = item["Key"]
            body = json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
            streams[key.split("/")[-2]].append((key.split("/")[-1], body))
    return {stream: [body for _, body in sorted(records)] for stream, records in streams.items()}


def test_two_restored_copies_write_distinct_valid_chains(moto_url: str, tmp_path) -> None:
    streams = _run(moto_url, "paybot-snapstart-hooks", tmp_path, "hooks")
    assert len(streams) == 2, "each restored copy writes its own stream"
    for records in streams.values():
        assert verify_chain(records) == EVENTS_PER_COPY  # each from GENESIS, unbroken
    sessions = [
        {r["session"] if "session" in r else json.dumps(r) for r in records} for records in streams.values()
    ]
    assert sessions[0] != sessions[1]


def test_without_the_hooks_restored_copies_share_one_stream_and_break_it(moto_url: str, tmp_path) -> None:
    streams = _run(moto_url, "paybot-snapstart-control", tmp_path, "none")
    assert len(streams) == 1, "both copies continue the snapshot's stream"
    (records,) = streams.values()
    # Both start from GENESIS with the same sequence numbers: one "stream" with two first records
    # (and, for one session, the same object keys: the second copy would overwrite the first).
    assert sum(1 for r in records if r["prev"] == "0" * 64) == 2
    with pytest.raises(ValueError, match="does not follow"):
        verify_chain(records)


def test_a_restored_copy_reads_the_vault_key_again(moto_url: str, tmp_path, monkeypatch) -> None:
    """The vault key in Secrets Manager rotated after the snapshot: a restored copy seals under the
    new key, and the audit log's object keys (HMAC derived from the vault key) follow it too."""
    for name, value in aws_env(moto_url).items():
        monkeypatch.setenv(name, value)
    manager = client("secretsmanager", moto_url)
    old_key, new_key = secrets.token_bytes(32), secrets.token_bytes(32)
    secret = manager.create_secret(
        Name=f"paybot/snapstart/vault-{secrets.token_hex(4)}", SecretString=base64.b64encode(old_key).decode()
    )["ARN"]
    bucket = f"paybot-snapstart-vault-{secrets.token_hex(4)}"
    client("s3", moto_url).create_bucket(Bucket=bucket)
    settings = Settings(
        data_dir=tmp_path,
        session_store="memory",
        audit_log="s3",
        audit_bucket=bucket,
        vault_key_secret_id=secret,
        secrets_cache_ttl_seconds=86_400,  # without the hooks, the old key would stay for a day
    )
    snapstart.forget_hooks()  # only this build's hooks, not those of earlier tests' throw-away builds
    try:
        services = build(settings)  # init: the key is read into the snapshot
        vault = services.conversations.vault
        before = vault.seal("ses_before", {"number": "4242424242424242"}, expires_at=time.time() + 600)
        assert services.audit.keyed_id("ses_x") == _keyed(old_key, "ses_x")  # type: ignore[attr-defined]

        manager.put_secret_value(SecretId=secret, SecretString=base64.b64encode(new_key).decode())
        snapstart.run_after_restore()

        after = vault.seal("ses_after", {"number": "4242424242424242"}, expires_at=time.time() + 600)
        with_new = CardVault(new_key, vault.keys)
        assert with_new.open("ses_after", after, time.time())["number"] == "4242424242424242"
        with pytest.raises(VaultError):
            CardVault(old_key, vault.keys).open("ses_after", after, time.time())
        with pytest.raises(VaultError):  # sealed under the snapshot's key, before the rotation
            with_new.open("ses_before", before, time.time())
        assert services.audit.keyed_id("ses_x") == _keyed(new_key, "ses_x")  # type: ignore[attr-defined]
    finally:
        snapstart.forget_hooks()


def _keyed(vault_key: bytes, identifier: str) -> str:
    """The audit log's object-key id for `identifier` under the HMAC key derived from `vault_key`."""
    derived = hmac.new(vault_key, b"paybot audit object keys v1", hashlib.sha256).digest()
    return hmac.new(derived, identifier.encode(), hashlib.sha256).hexdigest()[:32]
