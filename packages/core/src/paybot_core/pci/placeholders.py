"""The words the PCI guard leaves where card material was: one vocabulary for every reader.

The guard writes them, the understanding skips them (they are not the payer's words), the model
guard and the log filter leave them alone. Square brackets keep them apart from anything a payer
types as a name or an amount.
"""

from __future__ import annotations

import re

CARD_NUMBER = "[card number]"
EXPIRY = "[expiry]"
SECURITY_CODE = "[security code]"
CARD_DETAIL = "[card detail]"
NUMBER = "[number]"  # a digit group the model may not see (deny by default)

ALL = (CARD_NUMBER, EXPIRY, SECURITY_CODE, CARD_DETAIL, NUMBER)

# Any placeholder, wherever it sits in a text.
PATTERN = re.compile("|".join(re.escape(p) for p in ALL))


def strip(text: str, replacement: str = " ") -> str:
    """`text` with every placeholder replaced (by a space unless told otherwise)."""
    return PATTERN.sub(replacement, text)
