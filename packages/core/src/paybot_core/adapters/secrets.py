"""Secrets from AWS Secrets Manager, cached per container with a time to live.

Settings name secrets by id (`PAYBOT_STRIPE_SECRET_ID`, ...), never by value. A warm Lambda
reuses what it fetched until the TTL passes, so a rotated secret is picked up within the TTL
without a call per request. A secret is either a plain string or a JSON object with exactly
one string value (the shape the console's "key/value" editor produces).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import ConfigurationError, SecretUnavailableError
from ..pci.vault import decode_key, load_or_create_key_file

if TYPE_CHECKING:
    from ..settings import Settings


class SecretsCache:
    """`get(secret_id)` with a per-process cache; `client` is a boto3 `secretsmanager` client."""

    def __init__(
        self, client: Any, *, ttl_seconds: float = 300.0, clock: Callable[[], float] = time.monotonic
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
        except ClientError as err:
            code = err.response.get("Error", {}).get("Code", "error")
            raise SecretUnavailableError(f"Secret {secret_id!r} could not be read ({code}).") from None
        except BotoCoreError as err:
            raise SecretUnavailableError(
                f"Secrets Manager could not be reached for {secret_id!r}: {err}"
            ) from None
        self.fetches += 1
        raw = answer.get("SecretString")
        if raw is None:
            binary = answer.get("SecretBinary")
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


# ---------------------------------------------------------------- one cache per container

_DEFAULT: SecretsCache | None = None
_DEFAULT_LOCK = threading.Lock()


def default_cache(settings: Settings) -> SecretsCache:
    """The process-wide cache (built on first use, reused by every adapter of a warm container)."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            import boto3
            from botocore.config import Config

            client = boto3.client(
                "secretsmanager",
                config=Config(
                    connect_timeout=2, read_timeout=3, retries={"mode": "standard", "max_attempts": 3}
                ),
            )
            _DEFAULT = SecretsCache(client, ttl_seconds=settings.secrets_cache_ttl_seconds)
        return _DEFAULT


def reset_default_cache() -> None:
    """Forget the process-wide cache (tests that change endpoints between servers)."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        _DEFAULT = None


def vault_key_from_settings(settings: Settings, cache: SecretsCache | None = None) -> bytes:
    """The 32-byte vault key named by `PAYBOT_VAULT_KEY_SECRET_ID`."""
    if not settings.vault_key_secret_id:
        raise ConfigurationError("PAYBOT_VAULT_KEY_SECRET_ID is not set.")
    value = (cache or default_cache(settings)).get(settings.vault_key_secret_id)
    try:
        return decode_key(value)
    except ConfigurationError:
        raise ConfigurationError(
            f"Secret {settings.vault_key_secret_id!r} must hold a base64 32-byte key."
        ) from None


def vault_key_bytes(settings: Settings, cache: SecretsCache | None = None) -> bytes:
    """The vault key from wherever the settings say (value, secret id, or the local key file)."""
    if settings.vault_key is not None:
        return decode_key(settings.vault_key.get_secret_value())
    if settings.vault_key_secret_id:
        return vault_key_from_settings(settings, cache)
    return load_or_create_key_file(settings.vault_key_file)


def stripe_secret_key_provider(settings: Settings, cache: SecretsCache | None = None) -> Callable[[], str]:
    """A callable giving the current Stripe secret key (re-read from the cache, so rotation applies)."""
    if settings.stripe_secret_key is not None:
        value = settings.stripe_secret_key.get_secret_value()
        return lambda: value
    if not settings.stripe_secret_id:
        raise ConfigurationError("Set PAYBOT_STRIPE_SECRET_ID (or PAYBOT_STRIPE_SECRET_KEY for local use).")
    secret_id = settings.stripe_secret_id
    chosen = cache or default_cache(settings)
    return lambda: chosen.get(secret_id)


def stripe_webhook_secret(settings: Settings, cache: SecretsCache | None = None) -> str | None:
    """The webhook signing secret, or None when webhooks are not configured."""
    if settings.stripe_webhook_secret is not None:
        return settings.stripe_webhook_secret.get_secret_value()
    if settings.stripe_webhook_secret_id:
        return (cache or default_cache(settings)).get(settings.stripe_webhook_secret_id)
    return None
