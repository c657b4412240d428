"""Random identifiers from the operating system's CSPRNG."""

from __future__ import annotations

import secrets


def random_string(alphabet: str, length: int) -> str:
    """`length` characters drawn uniformly from `alphabet` (at most 256 characters).

    One `token_bytes` call per string, not one `secrets.choice` (one `urandom` system call) per
    character: ids are made on every session start and payment, and the per-character calls showed
    in turn profiles. Bytes past the largest multiple of the alphabet's size are redrawn, so no
    character is likelier than another.
    """
    size = len(alphabet)
    if not 0 < size <= 256:
        raise ValueError("alphabet must have 1 to 256 characters")
    unbiased_below = 256 - 256 % size
    chosen: list[str] = []
    while len(chosen) < length:
        for byte in secrets.token_bytes(2 * (length - len(chosen))):
            if byte < unbiased_below:
                chosen.append(alphabet[byte % size])
                if len(chosen) == length:
                    break
    return "".join(chosen)
