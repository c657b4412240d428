"""Simulated calls through the real flow.json, the real handler and in-memory services."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from paybot_channels.connect.channel import PhoneChannel
from paybot_channels.connect.handler import respond
from paybot_channels.connect.simulator import (
    PAUSE,
    CallResult,
    CallSimulator,
    ConnectStyleEncryptor,
    Keypad,
    load_flow,
)
from paybot_core import (
    CardVault,
    MemoryAuditLog,
    MemorySessionStore,
    MerchantEvent,
    PaymentRecord,
    PaymentRequest,
    SandboxGateway,
    Services,
    SessionState,
    Settings,
    build,
    state_to_json,
)
from tests.conftest import Clock

DEMO_CALLER = "+15555550100"
LANGUAGE_KEYS = {"en": "1", "es": "2"}  # the flow's first menu


class RecordingStore(MemorySessionStore):
    """The memory store, keeping every state it was asked to write (to prove what was never saved)."""

    def __init__(self) -> None:
        super().__init__()
        self.written: list[SessionState] = []

    def create(self, state: SessionState) -> SessionState:
        self.written.append(state)
        return super().create(state)

    def save(
        self, state: SessionState, expected_version: int, events: Sequence[MerchantEvent] = ()
    ) -> SessionState:
        self.written.append(state)
        return super().save(state, expected_version, events)

    def dumps(self) -> str:
        return "\n".join(state_to_json(s).decode() for s in self.written)


class RecordingGateway(SandboxGateway):
    """The sandbox gateway, keeping each payment request it confirmed (to check MOTO)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.requests: list[PaymentRequest] = []

    def confirm_payment(self, request: PaymentRequest) -> PaymentRecord:
        self.requests.append(request)
        return super().confirm_payment(request)


@dataclass
class Phone:
    services: Services
    store: RecordingStore
    encryptor: ConnectStyleEncryptor
    channel: PhoneChannel
    calls: list[CallResult] = field(default_factory=list)

    def call(
        self,
        keys: str,
        caller: str = DEMO_CALLER,
        language: str | None = "en",
        menu: str | None = None,
        flow: dict[str, Any] | None = None,
    ) -> CallResult:
        """One call through `flow` (the packaged flow.json by default): the language menu's key first
        (`language=None`: nothing pressed there; `menu`: these keys instead), then `keys`."""
        first = menu if menu is not None else LANGUAGE_KEYS[language] if language else PAUSE
        simulator = CallSimulator(
            flow or load_flow(),
            lambda event: respond(self.channel, event),
            Keypad(first + keys),
            caller=caller,
            encrypt=self.encryptor,
        )
        result = simulator.run()
        self.calls.append(result)
        return result

    def said(self, result: CallResult) -> str:
        return "\n".join(line for line in result.transcript if line.startswith("bot: "))


@pytest.fixture(scope="session")
def encryptor() -> ConnectStyleEncryptor:
    """One RSA key pair for the whole run (generating one per test costs ~0.1 s)."""
    return ConnectStyleEncryptor()


@pytest.fixture
def make_phone(tmp_path: Path, clock: Clock, encryptor: ConnectStyleEncryptor) -> Callable[..., Phone]:
    """A phone line on in-memory services: `store` and `gateway` (recording ones by default) may be
    subclasses that fail on purpose; the other keywords are settings."""

    def factory(
        *,
        store: RecordingStore | None = None,
        gateway: SandboxGateway | None = None,
        **settings_fields: object,
    ) -> Phone:
        store = store if store is not None else RecordingStore()
        services = build(
            Settings(data_dir=tmp_path, **settings_fields),  # type: ignore[arg-type]
            store=store,
            gateway=gateway if gateway is not None else RecordingGateway(clock=clock),
            audit=MemoryAuditLog(),
            vault=CardVault(b"k" * 32),
            clock=clock,
        )
        channel = PhoneChannel(services, encryptor.decryptor())
        return Phone(services, store, encryptor, channel)

    return factory


@pytest.fixture
def phone(make_phone: Callable[..., Phone], caplog: pytest.LogCaptureFixture) -> Phone:
    caplog.set_level(logging.DEBUG)
    return make_phone()
