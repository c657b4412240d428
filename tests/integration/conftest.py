"""Integration fixtures: each local server starts once per test session and is stopped by PID."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.converse_server import ConverseServer
from tests.support.localstripe_emulator import localstripe_url  # noqa: F401  (a fixture)
from tests.support.moto_server import (
    SessionTable,
    moto_url,  # noqa: F401  (a fixture)
    new_session_table,
)


@pytest.fixture
def table(request: pytest.FixtureRequest) -> SessionTable:
    """A fresh session table and KMS key on the moto server."""
    return new_session_table(request.getfixturevalue("moto_url"))


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
