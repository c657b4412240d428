"""An email address typed in the conversation (for the receipt), found and checked by code.

The check is the WHATWG definition of a valid email address (what a browser's `<input
type="email">` accepts), tightened where mail servers are: a domain with a dot and a top-level
label of letters, dot-atom local parts (no leading, trailing or doubled dot), RFC 5321's lengths.
No model reads the address and nothing is sent to it until the payer has typed it.
"""

from __future__ import annotations

import re

from ..conversation.understanding import EmailFact

_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_TOP_LABEL = re.compile(r"[A-Za-z]{2,63}")
# What people put around an address in a sentence: "<jane@example.com>", "(jane@example.com).".
_AROUND = "<>()[]{}\"'«»“”‘’,;:!?¿¡."
_MAILTO = re.compile(r"^mailto:", re.IGNORECASE)


def is_email_address(text: str) -> bool:
    if len(text) > 254 or text.count("@") != 1:
        return False
    local, domain = text.split("@")
    labels = domain.split(".")
    return (
        len(local) <= 64
        and _LOCAL.fullmatch(local) is not None
        and len(labels) >= 2
        and all(_LABEL.fullmatch(label) for label in labels)
        and _TOP_LABEL.fullmatch(labels[-1]) is not None
    )


def find_email(text: str) -> EmailFact | None:
    """The one address in `text` ("my email is Jane.Doe@Example.com please"), None when the text
    has no "@" at all. The domain is lower-cased (it is case-blind); the local part is kept."""
    candidates = [_MAILTO.sub("", word.strip(_AROUND)) for word in text.split() if "@" in word]
    if not candidates:
        return None
    valid = [c for c in candidates if is_email_address(c)]
    if len(valid) < len(candidates):
        return EmailFact(problem="invalid")
    found = {_normalised(c) for c in valid}
    if len(found) > 1:
        return EmailFact(problem="several")
    return EmailFact(value=found.pop())


def _normalised(address: str) -> str:
    local, domain = address.split("@")
    return f"{local}@{domain.lower()}"
