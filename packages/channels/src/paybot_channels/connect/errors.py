"""Errors of the phone channel. Messages are written for people and never carry card data."""

from __future__ import annotations

from paybot_core import InputDecryptionError, PaybotError

__all__ = ["ConnectEventError", "FlowError", "InputDecryptionError"]


class ConnectEventError(PaybotError):
    """An invocation that is not a well-formed Amazon Connect contact flow event."""


class FlowError(PaybotError):
    """A contact flow the simulator cannot run (unknown block, missing transition)."""
