"""paybot's core: the conversation engine, the PCI guard, the services, their ports and adapters.

Channels, bench scripts and other services import from here only. Names load on first use
(PEP 562), so importing `paybot_core` costs nothing until a name is read: a Lambda that needs
the engine does not load the AWS adapters.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# name -> the module that defines it
_EXPORTS: dict[str, str] = {
    "CONNECT_KEY_NAMESPACE": "paybot_core.adapters.connect_keypad",
    "ConnectInputDecryptor": "paybot_core.adapters.connect_keypad",
    "PAYMENT_EVENTS": "paybot_core.adapters.stripe_webhook",
    "SandboxGateway": "paybot_core.adapters.sandbox_gateway",
    "WebhookEvent": "paybot_core.adapters.stripe_webhook",
    "parse_webhook_event": "paybot_core.adapters.stripe_webhook",
}

_RENAMED = {"parse_webhook_event": "parse_event"}  # public name -> the defining module's name

__all__ = [
    "CONNECT_KEY_NAMESPACE",
    "PAYMENT_EVENTS",
    "ConnectInputDecryptor",
    "SandboxGateway",
    "WebhookEvent",
    "parse_webhook_event",
]

if TYPE_CHECKING:  # what type checkers and editors see; at run time __getattr__ imports on first use
    from .adapters.connect_keypad import CONNECT_KEY_NAMESPACE as CONNECT_KEY_NAMESPACE
    from .adapters.connect_keypad import ConnectInputDecryptor as ConnectInputDecryptor
    from .adapters.sandbox_gateway import SandboxGateway as SandboxGateway
    from .adapters.stripe_webhook import PAYMENT_EVENTS as PAYMENT_EVENTS
    from .adapters.stripe_webhook import WebhookEvent as WebhookEvent
    from .adapters.stripe_webhook import parse_event as parse_webhook_event


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'paybot_core' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), _RENAMED.get(name, name))
    globals()[name] = value  # later reads skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
