"""The vault: typed card fields sealed with AES-GCM between turns.

A sealed blob is bound to its session id and to its own expiry through the AES-GCM
associated data, so a blob copied into another session, or kept past its time, does not
open. The key comes from settings (or from a key file in the data dir for local use).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..errors import ConfigurationError, VaultError

KEY_BYTES = 32
NONCE_BYTES = 12
_VERSION = "v1"


@dataclass(frozen=True)
class SealedCard:
    """Ciphertext of the card fields typed so far; safe to store, useless without the key."""

    blob: str
    expires_at: float


class CardVault:
    """Seals and opens typed card fields. One instance per process, shared by all sessions."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ConfigurationError("The vault key must be 32 bytes (base64-encoded in PAYBOT_VAULT_KEY).")
        self._aead = AESGCM(key)

    def seal(self, session_id: str, fields: dict[str, str], expires_at: float) -> SealedCard:
        nonce = os.urandom(NONCE_BYTES)
        plaintext = json.dumps(fields, separators=(",", ":")).encode()
        ciphertext = self._aead.encrypt(nonce, plaintext, _associated_data(session_id, expires_at))
        blob = f"{_VERSION}.{base64.urlsafe_b64encode(nonce + ciphertext).decode()}"
        return SealedCard(blob=blob, expires_at=expires_at)

    def open(self, session_id: str, sealed: SealedCard, now: float) -> dict[str, str]:
        """The sealed fields, or VaultError when expired, tampered with or from another session."""
        if now >= sealed.expires_at:
            raise VaultError("The card details expired; please enter them again.")
        version, _, encoded = sealed.blob.partition(".")
        if version != _VERSION:
            raise VaultError("Sealed card data is in an unknown format.")
        raw = base64.urlsafe_b64decode(encoded)
        try:
            plaintext = self._aead.decrypt(
                raw[:NONCE_BYTES], raw[NONCE_BYTES:], _associated_data(session_id, sealed.expires_at)
            )
        except InvalidTag:
            raise VaultError("Sealed card data could not be opened.") from None
        fields: dict[str, str] = json.loads(plaintext)
        return fields


def _associated_data(session_id: str, expires_at: float) -> bytes:
    return f"paybot-vault|{session_id}|{expires_at:.3f}".encode()


def decode_key(encoded: str) -> bytes:
    """A base64 (standard or url-safe) 32-byte key."""
    try:
        key = base64.b64decode(
            encoded + "=" * (-len(encoded) % 4), altchars=b"-_" if "-" in encoded or "_" in encoded else None
        )
    except ValueError:
        raise ConfigurationError("PAYBOT_VAULT_KEY is not valid base64.") from None
    if len(key) != KEY_BYTES:
        raise ConfigurationError(f"PAYBOT_VAULT_KEY must decode to {KEY_BYTES} bytes, not {len(key)}.")
    return key


def load_or_create_key_file(path: Path) -> bytes:
    """The local key: read from `path`, or generated there (mode 0600) on first run."""
    if path.exists():
        return decode_key(path.read_text().strip())
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(KEY_BYTES)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(base64.b64encode(key).decode() + "\n")
    return key
