"""Payment links: an unguessable token per merchant-created session, never the session id."""

from __future__ import annotations

import re
import string

from ..ids import random_string

_ALPHABET = string.ascii_letters + string.digits
# 24 characters of 62: 142 bits, past the spec's 128.
TOKEN_LENGTH = 24
_DIGIT_RUN = re.compile(r"\d{13}")

MIN_LIFETIME_SECONDS = 60
MAX_LIFETIME_SECONDS = 30 * 86_400
DEFAULT_LIFETIME_SECONDS = 7 * 86_400
# A phone session's link, for a caller who asks for it by SMS mid-call: long enough to finish on the
# web later that day, short enough that a forgotten text does not keep the session open for a week.
PHONE_LINK_SECONDS = 86_400


def new_link_token() -> str:
    """Random letters and digits with no run of 13 digits, so no data-loss scanner takes a link for a
    card number. Redrawing the rare token with such a run ((10/62)**13 per position) costs nothing
    measurable in randomness."""
    while True:
        token = random_string(_ALPHABET, TOKEN_LENGTH)
        if not _DIGIT_RUN.search(token):
            return token


def looks_like_token(value: str) -> bool:
    return len(value) == TOKEN_LENGTH and all(ch in _ALPHABET for ch in value)


def link_url(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/pay/{token}"
