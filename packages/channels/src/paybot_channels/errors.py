"""Errors of the paybot command line."""

from __future__ import annotations

from paybot_core import PaybotError


class UsageError(PaybotError):
    """An option or argument the command cannot use; the message says which and why."""
