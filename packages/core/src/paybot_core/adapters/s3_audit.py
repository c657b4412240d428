"""The audit log in S3: one object per masked, hash-chained record, SSE-KMS on every put.

Object keys carry no raw identifier: `<prefix><YYYY-MM-DD>/<stream>/<seq>-<kind>-<hmac>.json`, where
`<hmac>` is an HMAC-SHA256 (truncated) of the session id under a secret key, so keys can be listed,
logged by CloudTrail and S3 access logs, and joined per session by whoever holds the key, without
revealing a session or contact id. One folder per day (lifecycle rules and Athena partitions by day).

Each process (a warm Lambda container, a server) writes its own chain, a `stream` named at random
when it starts; a record's `prev` is the hash of the stream's previous record, so a deleted, altered
or inserted object breaks the chain that `verify_chain` checks. Records are masked twice: the
service writes masked facts only, and `audit_chain.to_record` redacts card-like runs once more.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import threading
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..errors import ConfigurationError
from ..ports import AuditEvent
from .audit_chain import AuditChain, canonical

if TYPE_CHECKING:
    from collections.abc import Callable

    from mypy_boto3_s3 import S3Client

    from ..ports import SecretSource
    from ..settings import Settings

log = logging.getLogger("paybot.audit")


class S3AuditLog:
    """`AuditLog` on S3. `client` is a boto3 `s3` client; `hmac_key` keys the hashed ids in object keys."""

    def __init__(
        self,
        client: S3Client,
        bucket: str,
        *,
        hmac_key: bytes,
        kms_key_id: str | None = None,
        prefix: str = "audit/",
        stream: str | None = None,
    ) -> None:
        if len(hmac_key) < 16:
            raise ValueError("the audit HMAC key must be at least 16 bytes")
        self.client = client
        self.bucket = bucket
        self.kms_key_id = kms_key_id
        self.prefix = prefix
        self.stream = stream or secrets.token_hex(8)
        self._hmac_key = hmac_key
        self._chain = AuditChain()
        self._seq = 0
        self._lock = threading.Lock()

    def restart_stream(self, hmac_key: bytes | None = None) -> None:
        """Begin a new stream: a new random id, sequence 0, a chain from GENESIS (and a new HMAC key).

        A copy restored from a SnapStart snapshot calls this (see `paybot_core.snapstart`): every
        copy would otherwise continue the snapshot's one stream and overwrite the others' objects.
        """
        with self._lock:
            if hmac_key is not None:
                if len(hmac_key) < 16:
                    raise ValueError("the audit HMAC key must be at least 16 bytes")
                self._hmac_key = hmac_key
            self.stream = secrets.token_hex(8)
            self._chain = AuditChain()
            self._seq = 0

    def keyed_id(self, identifier: str) -> str:
        """The identifier as it appears in object keys: HMAC-SHA256, 32 hex characters."""
        return hmac.new(self._hmac_key, identifier.encode(), hashlib.sha256).hexdigest()[:32]

    def append(self, event: AuditEvent) -> None:
        with self._lock:  # one stream is one chain: link and write in order
            record = self._chain.link(event)
            self._seq += 1
            day = datetime.fromtimestamp(event.at, UTC).strftime("%Y-%m-%d")
            name = f"{self._seq:010d}-{_safe(event.kind)}-{self.keyed_id(event.session_id)}.json"
            key = f"{self.prefix}{day}/{self.stream}/{name}"
            put: dict[str, Any] = {
                "Bucket": self.bucket,
                "Key": key,
                "Body": canonical(record) + b"\n",
                "ContentType": "application/json",
                "ServerSideEncryption": "aws:kms",
            }
            if self.kms_key_id:
                put["SSEKMSKeyId"] = self.kms_key_id
            try:
                self.client.put_object(**put)
            except Exception as err:
                # The turn has happened (and may have charged): failing the reply now would do more harm.
                # The masked record goes to the log instead, so the trail survives in CloudWatch.
                log.error(
                    "audit write to S3 failed (%s); record follows: %s",
                    type(err).__name__,
                    canonical(record).decode(),
                )

    def read_records(self, day: str | None = None) -> list[dict[str, Any]]:
        """Every record under the prefix (or one day), by stream and sequence (for audits and tests)."""
        prefix = self.prefix + (f"{day}/" if day else "")
        keys: list[str] = []
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            keys.extend(item["Key"] for item in page.get("Contents", []))
        keys.sort(key=lambda k: (k.split("/")[-2], k.split("/")[-1]))
        records = []
        for key in keys:
            body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
            records.append(json.loads(body))
        return records


def _safe(kind: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "_-" else "_" for ch in kind)[:32]


def hmac_key_from_settings(
    settings: Settings, secret_source: SecretSource | None, vault_key: Callable[[], bytes]
) -> bytes:
    """The secret named by PAYBOT_AUDIT_HMAC_SECRET_ID, or a key derived from the vault key."""
    if settings.audit_hmac_secret_id:
        if secret_source is None:
            raise ConfigurationError("PAYBOT_AUDIT_HMAC_SECRET_ID is set but no secrets provider was built.")
        return secret_source.get(settings.audit_hmac_secret_id).encode()
    return hmac.new(vault_key(), b"paybot audit object keys v1", hashlib.sha256).digest()


def build_from_settings(
    settings: Settings, secret_source: SecretSource | None, vault_key: Callable[[], bytes]
) -> S3AuditLog:
    from ..snapstart import after_restore
    from .aws_clients import client

    if not settings.audit_bucket:
        raise ConfigurationError("PAYBOT_AUDIT_LOG=s3 needs PAYBOT_AUDIT_BUCKET.")
    audit = S3AuditLog(
        client("s3"),
        settings.audit_bucket,
        hmac_key=hmac_key_from_settings(settings, secret_source, vault_key),
        kms_key_id=settings.audit_kms_key_id,
    )
    # Each SnapStart copy writes its own stream, under the HMAC key as it reads now (after the
    # secrets cache's own hook, registered when the cache was built, has forgotten old values).
    after_restore(lambda: audit.restart_stream(hmac_key_from_settings(settings, secret_source, vault_key)))
    return audit
