"""Opening Connect's encrypted keypad input: the `KeypadDecryptor` port on the AWS Encryption SDK.

A "Store customer input" block with encryption hands the flow `$.StoredCustomerInput` as a
base64 AWS Encryption SDK message: the data key is wrapped with the business's RSA public key
(RSA-OAEP, SHA-512, MGF1), under the key namespace `AmazonConnect` and the key id the block
names. Only this module holds the private half; the SDK is imported when a key is first used,
so importing the handler stays cheap.
"""

from __future__ import annotations

import base64
import binascii
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import ConfigurationError, InputDecryptionError

if TYPE_CHECKING:
    from ..ports import SecretSource
    from ..settings import Settings

CONNECT_KEY_NAMESPACE = "AmazonConnect"


class ConnectInputDecryptor:
    """Decrypts with an RSA private key (PEM), whatever key id the flow used for its public half.

    `private_key_pem` is a callable so that a rotated key (read through the secrets cache) is
    picked up without a restart; the SDK's key provider is rebuilt only when the PEM changes.
    """

    def __init__(self, private_key_pem: bytes | Callable[[], bytes]) -> None:
        self._pem = private_key_pem if callable(private_key_pem) else (lambda: private_key_pem)
        self._lock = threading.Lock()
        self._built: tuple[bytes, Any, Any] | None = None

    def decrypt(self, ciphertext: str) -> str:
        try:
            message = base64.b64decode(ciphertext, validate=True)
        except (binascii.Error, ValueError):
            raise InputDecryptionError("The keypad input is not an encrypted Connect value.") from None
        client, provider = self._sdk()
        from aws_encryption_sdk.exceptions import AWSEncryptionSDKClientError

        try:
            plaintext, header = client.decrypt(source=message, key_provider=provider)
        except AWSEncryptionSDKClientError as err:
            raise InputDecryptionError(
                f"The keypad input could not be decrypted ({type(err).__name__}); "
                "is the Connect key pair the one in the flow?"
            ) from None
        if any(key.key_provider.provider_id != CONNECT_KEY_NAMESPACE for key in header.encrypted_data_keys):
            raise InputDecryptionError(
                f"The keypad input was not encrypted under the {CONNECT_KEY_NAMESPACE} namespace."
            )
        return bytes(plaintext).decode("utf-8")

    def _sdk(self) -> tuple[Any, Any]:
        pem = self._pem()
        with self._lock:
            if self._built is None or self._built[0] != pem:
                self._built = (pem, *_build_sdk(pem))
            return self._built[1], self._built[2]


def _build_sdk(pem: bytes) -> tuple[Any, Any]:
    import aws_encryption_sdk
    from aws_encryption_sdk.identifiers import CommitmentPolicy, EncryptionKeyType, WrappingAlgorithm
    from aws_encryption_sdk.internal.crypto.wrapping_keys import WrappingKey
    from aws_encryption_sdk.key_providers.raw import RawMasterKeyProvider

    wrapping_key = WrappingKey(
        wrapping_algorithm=WrappingAlgorithm.RSA_OAEP_SHA512_MGF1,
        wrapping_key=pem,
        wrapping_key_type=EncryptionKeyType.PRIVATE,
    )

    class _ConnectKeys(RawMasterKeyProvider):  # type: ignore[misc]
        """Any key id in the AmazonConnect namespace opens with the one private key."""

        provider_id = CONNECT_KEY_NAMESPACE
        vend_masterkey_on_decrypt = True  # raw providers only know ids added up front; Connect names its own

        def _get_raw_key(self, key_id: bytes) -> Any:
            return wrapping_key

    # Connect writes messages without key commitment, so decryption must allow them; this
    # client never encrypts. One wrapped data key is all a Connect message carries.
    client = aws_encryption_sdk.EncryptionSDKClient(
        commitment_policy=CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT, max_encrypted_data_keys=1
    )
    return client, _ConnectKeys()


def build_from_settings(settings: Settings, secrets: SecretSource | None) -> ConnectInputDecryptor | None:
    """The private key from Secrets Manager (PAYBOT_CONNECT_PRIVATE_KEY_SECRET_ID), or None when unset."""
    secret_id = settings.connect_private_key_secret_id
    if not secret_id:
        return None
    if secrets is None:
        raise ConfigurationError(
            "PAYBOT_CONNECT_PRIVATE_KEY_SECRET_ID is set but no secrets provider was built."
        )
    source = secrets
    return ConnectInputDecryptor(lambda: source.get(secret_id).encode())
