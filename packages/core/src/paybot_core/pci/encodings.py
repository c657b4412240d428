"""Card data wrapped in an encoding: base64 (standard or URL-safe, padded or not), base32, hex.

A language model decodes base64 as easily as it reads digits, so a model that is given the base64 of
a card number has been given the card number. The recogniser reads what people type; this module
reads what an attacker smuggles: every opaque token long enough to hold a card number is decoded
(one level inside another too) and the result given to the recogniser.

Only the paths where such a token could reach a model or be kept run it: the model guard (its
sanitiser and its final-body check), merchant presets and metadata, names. A payer's turn without
a model never pays for it. Pieces of one encoding spread over several tokens are not joined.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import re
from collections.abc import Iterator

from .recogniser import canonical, redact

# 16 characters is less than any encoding of 13 digits takes (base64 18, base32 21, hex 26).
_TOKEN = re.compile(r"(?<![A-Za-z0-9+/_\-])[A-Za-z0-9+/_\-]{16,}={0,6}")
_HEX = re.compile(r"(?:[0-9a-fA-F]{2})+")
_BASE32 = re.compile(r"[A-Z2-7]+=*|[a-z2-7]+=*")
_MAX_DEPTH = 2


def encoded_card_data(text: str) -> list[tuple[int, int]]:
    """Spans of `text` holding a token whose decoding carries card data (a number or a labelled code)."""
    if len(text) < 16:
        return []
    return [(m.start(), m.end()) for m in _TOKEN.finditer(text) if _hides_card_data(m.group(), _MAX_DEPTH)]


def holds_encoded_card_data(text: str) -> bool:
    return bool(encoded_card_data(text))


def _hides_card_data(token: str, depth: int) -> bool:
    for decoded in _decodings(token):
        if redact(canonical(decoded)).changed:
            return True
        inner = _TOKEN.finditer(decoded) if depth > 1 else iter(())
        if any(_hides_card_data(token.group(), depth - 1) for token in inner):
            return True
    return False


def _decodings(token: str) -> Iterator[str]:
    """What the token reads as in each encoding it is valid in (bytes as Latin-1: every byte a character)."""
    bare = token.rstrip("=")
    if _HEX.fullmatch(token):
        yield bytes.fromhex(token).decode("latin-1")
    if _BASE32.fullmatch(token):
        with contextlib.suppress(binascii.Error, ValueError):
            yield base64.b32decode(bare.upper() + "=" * (-len(bare) % 8)).decode("latin-1")
    standard = bare.replace("-", "+").replace("_", "/")
    if len(standard) % 4 != 1:
        with contextlib.suppress(binascii.Error, ValueError):
            yield base64.b64decode(standard + "=" * (-len(standard) % 4), validate=True).decode("latin-1")
