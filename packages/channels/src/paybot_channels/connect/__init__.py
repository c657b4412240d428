"""The phone channel on Amazon Connect: contact flow, Lambda handler and a local call simulator."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .channel import Outcome, PhoneAnswer, PhoneChannel, Step
    from .events import ConnectContactFlowEvent, ContactData, Endpoint

# name -> the module defining it. Loaded on first use, not with the package: importing the Lambda
# handler imports this package first, and the handler's container init (collector off, dataclass
# methods from the zip's store: `lambda_init`) must already be in place when the channel loads.
_EXPORTS = {
    "ConnectContactFlowEvent": ".events",
    "ContactData": ".events",
    "Endpoint": ".events",
    "Outcome": ".channel",
    "PhoneAnswer": ".channel",
    "PhoneChannel": ".channel",
    "Step": ".channel",
}

__all__ = [
    "ConnectContactFlowEvent",
    "ContactData",
    "Endpoint",
    "Outcome",
    "PhoneAnswer",
    "PhoneChannel",
    "Step",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
