"""Connect's encrypted input, opened with a real RSA key pair through the AWS Encryption SDK."""

from __future__ import annotations

import base64

import pytest

from paybot_channels.connect.errors import InputDecryptionError
from paybot_channels.connect.simulator import ConnectStyleEncryptor
from paybot_core import ConnectInputDecryptor


def test_decrypts_what_connect_encrypted(encryptor: ConnectStyleEncryptor) -> None:
    ciphertext = encryptor("the-key-id-in-the-flow", "4242424242424242")

    assert "4242" not in ciphertext
    assert ConnectInputDecryptor(encryptor.private_pem).decrypt(ciphertext) == "4242424242424242"


def test_any_key_id_of_the_namespace_opens_with_the_private_key(encryptor: ConnectStyleEncryptor) -> None:
    decryptor = encryptor.decryptor()
    assert [decryptor.decrypt(encryptor(key_id, "1230")) for key_id in ("old-key", "rotated-key")] == [
        "1230"
    ] * 2


def test_another_key_pair_cannot_open_it(encryptor: ConnectStyleEncryptor) -> None:
    ciphertext = encryptor("k", "123")
    stranger = ConnectStyleEncryptor()

    with pytest.raises(InputDecryptionError) as caught:
        ConnectInputDecryptor(stranger.private_pem).decrypt(ciphertext)
    assert "123" not in str(caught.value)


@pytest.mark.parametrize("junk", ["4242424242424242", "not base64!", base64.b64encode(b"garbage").decode()])
def test_plain_or_malformed_input_is_refused(encryptor: ConnectStyleEncryptor, junk: str) -> None:
    with pytest.raises(InputDecryptionError) as caught:
        encryptor.decryptor().decrypt(junk)
    assert "4242" not in str(caught.value)


def test_a_rotated_private_key_is_picked_up(encryptor: ConnectStyleEncryptor) -> None:
    rotated = ConnectStyleEncryptor()
    current = [encryptor.private_pem]
    decryptor = ConnectInputDecryptor(lambda: current[0])
    assert decryptor.decrypt(encryptor("k", "1")) == "1"
    current[0] = rotated.private_pem
    assert decryptor.decrypt(rotated("k", "2")) == "2"
