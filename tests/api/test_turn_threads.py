"""Where a request's work runs: checks on the event loop; the service call on the loop with embedded
adapters, on a pool of its own when an adapter waits on the network."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from paybot_channels.web.app import create_app
from paybot_channels.web.turns import TurnRunner
from paybot_core import Services, Settings


@pytest.mark.parametrize(
    ("fields", "threads"),
    [
        ({}, 0),  # SQLite, sandbox, rules, file audit: all embedded, so on the event loop
        ({"session_store": "memory", "audit_log": "memory"}, 0),
        ({"payment_gateway": "stripe", "stripe_secret_key": "sk_test_x"}, 32),
        ({"language_model": "bedrock"}, 32),
        ({"session_store": "dynamodb", "dynamodb_table": "t", "session_kms_key_id": "k"}, 32),
        ({"audit_log": "s3", "audit_bucket": "b"}, 32),
        ({"worker_threads": 7}, 7),  # an explicit size wins
        ({"worker_threads": 7, "language_model": "bedrock"}, 7),
        ({"worker_threads": 0, "payment_gateway": "stripe", "stripe_secret_key": "sk_test_x"}, 0),
    ],
)
def test_turn_threads_are_sized_by_the_adapters(fields: dict[str, Any], threads: int) -> None:
    assert Settings(**fields).turn_threads() == threads


def test_worker_threads_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="PAYBOT_WORKER_THREADS"):
        Settings(worker_threads=-1)
    with pytest.raises(ValueError, match="0 threads"):
        TurnRunner(-1)


def _pay_and_record_where_the_store_runs(services: Services) -> list[tuple[str, bool]]:
    """One whole typed-card payment through the API; (thread name, whether that thread was running
    an event loop) for every store call."""
    seen: list[tuple[str, bool]] = []
    store = services.conversations.store

    class RecordingStore:
        """The real store, noting where each call came from."""

        def __getattr__(self, name: str) -> Any:
            method = getattr(store, name)

            def recorded(*args: Any, **kwargs: Any) -> Any:
                try:
                    asyncio.get_running_loop()
                    on_loop = True
                except RuntimeError:
                    on_loop = False
                seen.append((threading.current_thread().name, on_loop))
                return method(*args, **kwargs)

            return recorded

    services.conversations.store = RecordingStore()  # type: ignore[assignment]
    with TestClient(create_app(services, sweep_expired=False)) as client:
        created = client.post("/v1/sessions", json={"amount": 500, "cardEntry": "typed"}).json()
        sid = created["sessionId"]
        for message in ("Jane Doe", "4242 4242 4242 4242", "12/30", "123", "yes"):
            reply = client.post("/v1/chat", json={"sessionId": sid, "message": message})
        assert reply.json()["status"] == "completed"
        assert client.get(f"/v1/sessions/{sid}").json()["status"] == "completed"
    assert seen, "the store was never called"
    return seen


def test_with_a_pool_service_calls_run_on_its_threads_not_the_event_loop(
    make_services: Callable[..., Services],
) -> None:
    seen = _pay_and_record_where_the_store_runs(make_services(allow_typed_card_entry=True, worker_threads=3))
    assert all(name.startswith("paybot-turn") and not on_loop for name, on_loop in seen), set(seen)
    assert len({name for name, _ in seen}) <= 3


def test_with_embedded_adapters_service_calls_run_on_the_event_loop(
    make_services: Callable[..., Services],
) -> None:
    seen = _pay_and_record_where_the_store_runs(make_services(allow_typed_card_entry=True))
    assert all(on_loop for _, on_loop in seen), set(seen)
    assert not any(name.startswith("paybot-turn") for name, _ in seen)


def test_a_rejected_request_never_reaches_the_turn_threads(make_client: Callable[..., TestClient]) -> None:
    client = make_client(allow_typed_card_entry=True, worker_threads=2)
    # Validation and the limits answer on the event loop; a bad body must not queue behind turns.
    # The pool starts its threads on first use, so a request that reached it would start one.
    before = {t for t in threading.enumerate() if t.name.startswith("paybot-turn")}
    assert client.post("/v1/chat", json={"sessionId": "ses_x", "message": ""}).status_code == 400
    assert client.post("/v1/chat", json={"message": 5}).status_code == 400
    after = {t for t in threading.enumerate() if t.name.startswith("paybot-turn")}
    assert after == before
