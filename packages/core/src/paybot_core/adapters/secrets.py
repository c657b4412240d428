"""Secrets from AWS Secrets Manager, cached with a time to live; and the values settings name.

Settings name secrets by id (`PAYBOT_STRIPE_SECRET_ID`, ...), never by value. `bootstrap` builds one
`SecretsCache` per process (at module scope in the Lambda handlers), so a warm Lambda reuses what
it fetched until the TTL passes: a rotated secret is picked up within the TTL without a call per
request. A secret is either a plain string or a JSON object with exactly one string value (the
shape the console's "key/value" editor produces).

Why not Powertools' `SecretsProvider`: it does the same fetch-and-cache, but it is one more
package in each Lambda zip (4.4 MB with jmespath) and its import added 15-20% on top of boto3's
on this machine, for the one call and the one cache this module is.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ..errors import ConfigurationError, SecretUnavailableError
from ..pci.vault import decode_key
from .aws_errors import aws_failure

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager import SecretsManagerClient
    from pydantic import SecretStr

    from ..ports import SecretSource
    from ..settings import Settings


class SecretsCache:
    """`get(secret_id)` with a per-process cache; `client` is a boto3 `secretsmanager` client."""

    def __init__(
        self,
        client: SecretsManagerClient,
        *,
        ttl_seconds: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.ttl_seconds = ttl_seconds
        self._clock = clock
        self._values: dict[str, tuple[float, str]] = {}
        self._lock = threading.Lock()
        self.fetches = 0

    def get(self, secret_id: str) -> str:
        now = self._clock()
        with self._lock:
            cached = self._values.get(secret_id)
            if cached is not None and now < cached[0]:
                return cached[1]
        value = self._fetch(secret_id)
        with self._lock:
            self._values[secret_id] = (now + self.ttl_seconds, value)
        return value

    def invalidate(self, secret_id: str | None = None) -> None:
        with self._lock:
            if secret_id is None:
                self._values.clear()
            else:
                self._values.pop(secret_id, None)

    def _fetch(self, secret_id: str) -> str:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            answer = self.client.get_secret_value(SecretId=secret_id)
        except (BotoCoreError, ClientError) as err:
            service = f"Secrets Manager (secret {secret_id!r})"
            raise aws_failure(err, SecretUnavailableError, service) from None
        self.fetches += 1
        fields: Mapping[str, Any] = answer  # the stubs call SecretString required; a binary secret has none
        raw = fields.get("SecretString")
        if raw is None:
            binary = fields.get("SecretBinary")
            if binary is None:
                raise SecretUnavailableError(f"Secret {secret_id!r} has no value.")
            raw = binary.decode() if isinstance(binary, bytes) else str(binary)
        return _unwrap(secret_id, raw)


def _unwrap(secret_id: str, raw: str) -> str:
    text = raw.strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            return text
        values = [v for v in data.values() if isinstance(v, str)] if isinstance(data, dict) else []
        if len(values) != 1:
            raise SecretUnavailableError(
                f"Secret {secret_id!r} is a JSON object; it must hold exactly one string value."
            )
        return values[0]
    return text


def build_from_settings(settings: Settings) -> SecretsCache:
    """The process's cache, on a Secrets Manager client with the AWS adapters' timeouts and retries."""
    from ..snapstart import after_restore
    from .aws_clients import client

    cache = SecretsCache(client("secretsmanager"), ttl_seconds=settings.secrets_cache_ttl_seconds)
    # A SnapStart copy must not trust expiries counted from the snapshot: it fetches again.
    after_restore(cache.invalidate)
    return cache


def _source(secrets: SecretSource | None, setting: str) -> SecretSource:
    if secrets is None:
        raise ConfigurationError(f"{setting} is set but no secrets provider was built.")
    return secrets


def vault_key_from_settings(settings: Settings, secrets: SecretSource | None) -> bytes:
    """The 32-byte vault key named by `PAYBOT_VAULT_KEY_SECRET_ID`."""
    if not settings.vault_key_secret_id:
        raise ConfigurationError("PAYBOT_VAULT_KEY_SECRET_ID is not set.")
    value = _source(secrets, "PAYBOT_VAULT_KEY_SECRET_ID").get(settings.vault_key_secret_id)
    try:
        return decode_key(value)
    except ConfigurationError:
        raise ConfigurationError(
            f"Secret {settings.vault_key_secret_id!r} must hold a base64 32-byte key."
        ) from None


def reader(
    value: SecretStr | None, secret_id: str | None, secrets: SecretSource | None, setting: str
) -> Callable[[], str] | None:
    """A callable giving a secret's current value (a literal, or re-read through the cache so that
    rotation applies), or None when neither is set."""
    if value is not None:
        literal = value.get_secret_value()
        return lambda: literal
    if secret_id:
        source = _source(secrets, setting)
        return lambda: source.get(secret_id)
    return None


def stripe_secret_key_provider(settings: Settings, secrets: SecretSource | None) -> Callable[[], str]:
    """A callable giving the current Stripe secret key."""
    key = reader(settings.stripe_secret_key, settings.stripe_secret_id, secrets, "PAYBOT_STRIPE_SECRET_ID")
    if key is None:
        raise ConfigurationError("Set PAYBOT_STRIPE_SECRET_ID (or PAYBOT_STRIPE_SECRET_KEY for local use).")
    return key


def stripe_webhook_secret(settings: Settings, secrets: SecretSource | None) -> Callable[[], str] | None:
    """A callable giving the webhook signing secret, or None when webhooks are not configured."""
    return reader(
        settings.stripe_webhook_secret,
        settings.stripe_webhook_secret_id,
        secrets,
        "PAYBOT_STRIPE_WEBHOOK_SECRET_ID",
    )
