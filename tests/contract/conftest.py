"""The contract suite runs every port test against every implementation; servers start once per session."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from paybot_core.adapters.memory import MemorySessionStore
from paybot_core.adapters.sqlite_store import SqliteSessionStore
from tests.support import moto_server as moto
from tests.support.localstripe_emulator import localstripe_url  # noqa: F401  (a fixture)
from tests.support.moto_server import moto_url  # noqa: F401  (a fixture)

NOW = 1_800_000_000.0  # the stores' clock in the contract tests


def new_session_id() -> str:
    """A fresh id of the shape paybot issues: ses_ and letters."""
    return "ses_" + uuid.uuid4().hex.translate(str.maketrans("0123456789", "ghijklmnop"))


@pytest.fixture(params=["memory", "sqlite", "dynamodb"])
def store(request: pytest.FixtureRequest, tmp_path) -> Iterator[Any]:
    """Each session store adapter as the app builds it: memory, SQLite, and DynamoDB (a fresh table,
    with KMS for sealed card data) on the moto server; the session and merchant-records contracts
    both run on it."""
    if request.param == "memory":
        yield MemorySessionStore()
    elif request.param == "sqlite":
        sqlite = SqliteSessionStore(tmp_path / "sessions.sqlite3")
        yield sqlite
        sqlite.close()
    else:
        request.applymarker(pytest.mark.aws)
        url = request.getfixturevalue("moto_url")
        from paybot_core.adapters.dynamodb_store import DynamoDBSessionStore

        table = moto.new_session_table(url)
        yield DynamoDBSessionStore(
            table.dynamodb, table.name, kms_client=table.kms, kms_key_id=table.kms_key_id, clock=lambda: NOW
        )
