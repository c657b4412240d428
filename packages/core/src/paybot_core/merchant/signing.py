"""`Paybot-Signature`: Stripe's webhook signature scheme, so a merchant verifies it the same way.

Paybot-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">
"""

from __future__ import annotations

import hashlib
import hmac

HEADER = "Paybot-Signature"
DEFAULT_TOLERANCE_SECONDS = 300


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The header value for `body` sent at `timestamp`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(
    secret: str, body: bytes, header: str, now: float, tolerance: int = DEFAULT_TOLERANCE_SECONDS
) -> bool:
    """True when `header` signs `body` under `secret` and is no older than `tolerance` seconds."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return any(
        hmac.compare_digest(expected, value)
        for key, value in (part.split("=", 1) for part in header.split(",") if "=" in part)
        if key == "v1"
    )
