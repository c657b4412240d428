"""Random identifiers from the operating system's CSPRNG."""

from __future__ import annotations

import functools
import secrets


def random_string(alphabet: str, length: int) -> str:
    """`length` characters drawn uniformly from `alphabet` (at most 256 characters).

    One `token_bytes` call per string, not one `secrets.choice` (one `urandom` system call) per
    character: ids are made on every session start, event and payment. Bytes past the largest
    multiple of the alphabet's size are dropped and redrawn, so no character is likelier than
    another. Dropping and mapping are `translate` calls (C loops over a table), not a Python loop
    per byte: the loop showed in turn profiles.
    """
    if not 0 < len(alphabet) <= 256:
        raise ValueError("alphabet must have 1 to 256 characters")
    to_alphabet, biased = _tables(alphabet)
    chosen = ""
    while len(chosen) < length:
        unbiased = secrets.token_bytes(2 * (length - len(chosen))).translate(None, biased)
        if isinstance(to_alphabet, bytes):
            chosen += unbiased.translate(to_alphabet).decode("ascii")
        else:
            chosen += unbiased.decode("latin-1").translate(to_alphabet)
    return chosen[:length]


@functools.lru_cache(maxsize=32)
def _tables(alphabet: str) -> tuple[bytes | dict[int, str], bytes]:
    """For an alphabet: byte value -> its character (a byte table when the alphabet is ASCII, as
    every id's is), and the byte values that would bias the draw."""
    size = len(alphabet)
    unbiased_below = 256 - 256 % size
    biased = bytes(range(unbiased_below, 256))
    if alphabet.isascii():
        return bytes(ord(alphabet[byte % size]) for byte in range(256)), biased
    return {byte: alphabet[byte % size] for byte in range(unbiased_below)}, biased
