"""Integration fixtures: each local server starts once per test session and is stopped by PID."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.converse_server import ConverseServer
from tests.support.localstripe_emulator import localstripe_url  # noqa: F401  (a fixture)
from tests.support.moto_server import moto_url  # noqa: F401  (a fixture)


@pytest.fixture(scope="session")
def converse_server() -> Iterator[ConverseServer]:
    server = ConverseServer().start()
    yield server
    server.stop()


@pytest.fixture
def converse(converse_server: ConverseServer) -> Iterator[ConverseServer]:
    converse_server.reset()
    yield converse_server
    converse_server.reset()
