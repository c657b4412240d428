"""Shared fixtures: services wired from real in-memory adapters and a clock the test controls."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from paybot_channels.web.app import create_app
from paybot_core import (
    CardVault,
    MemoryAuditLog,
    MemorySessionStore,
    SandboxGateway,
    Services,
    Settings,
    build,
)

# Tests must not pick up a developer's PAYBOT_* environment.
for _name in [n for n in os.environ if n.startswith("PAYBOT_")]:
    del os.environ[_name]

# 2026-06-15 12:00 UTC: fixed, so expiry dates in tests mean the same thing on every run.
FIXED_NOW = 1781524800.0


@dataclass
class Clock:
    now: float = FIXED_NOW

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_services(tmp_path: Path, clock: Clock) -> Callable[..., Services]:
    """Build services on memory adapters; keyword arguments become Settings fields."""

    def factory(**settings_fields: object) -> Services:
        settings = Settings(data_dir=tmp_path, **settings_fields)  # type: ignore[arg-type]
        return build(
            settings,
            store=MemorySessionStore(),
            gateway=SandboxGateway(clock=clock),
            audit=MemoryAuditLog(),
            vault=CardVault(b"k" * 32),
            clock=clock,
        )

    return factory


@pytest.fixture
def services(make_services: Callable[..., Services]) -> Services:
    return make_services(allow_typed_card_entry=True)


@pytest.fixture
def make_client(make_services: Callable[..., Services]) -> Iterator[Callable[..., TestClient]]:
    clients: list[TestClient] = []

    def factory(**settings_fields: object) -> TestClient:
        client = TestClient(create_app(make_services(**settings_fields), sweep_expired=False))
        client.__enter__()
        clients.append(client)
        return client

    yield factory
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client(allow_typed_card_entry=True)
