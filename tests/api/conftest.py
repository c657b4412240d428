from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from paybot_channels.web.app import create_app
from paybot_core.bootstrap import Services


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
