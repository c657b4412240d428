"""Errors of the phone channel. Messages are written for people and never carry card data."""

from __future__ import annotations

from paybot_core.errors import PaybotError


class ConnectEventError(PaybotError):
    """An invocation that is not a well-formed Amazon Connect contact flow event."""


class InputDecryptionError(PaybotError):
    """Keypad input that should be Connect-encrypted could not be opened (wrong key or plain text)."""


class FlowError(PaybotError):
    """A contact flow the simulator cannot run (unknown block, missing transition)."""
