"""Pruning the local store's merchant events (PAYBOT_EVENT_RETENTION_SECONDS): events older than the
retention that every consumer is done with go, with their delivery rows; what a consumer still
retries, what is recent, and every payment stay."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from paybot_channels.web.app import create_app
from paybot_core import (
    CardVault,
    EventQuery,
    MemoryAuditLog,
    PaymentQuery,
    SandboxGateway,
    Settings,
    SettingsError,
    SqliteSessionStore,
    build,
    outbox_dispatcher,
)
from tests.merchant.test_merchant_api import pay_with_card

DAY = 86_400
RETENTION = 30 * DAY


def test_delivered_events_past_the_retention_go_and_the_rest_stay(tmp_path, clock) -> None:
    answers = {"status": 200}
    settings = Settings(
        data_dir=tmp_path,
        webhook_urls=("http://127.0.0.1:9/hook",),
        webhook_secret="whsec_x",  # type: ignore[arg-type]
    )
    store = SqliteSessionStore(tmp_path / "sessions.sqlite3")
    services = build(
        settings, store=store, gateway=SandboxGateway(clock=clock), audit=MemoryAuditLog(),
        vault=CardVault(b"k" * 32), clock=clock,
    )  # fmt: skip
    dispatcher = outbox_dispatcher(services, post=lambda url, body, headers, timeout: answers["status"])
    assert dispatcher is not None
    with TestClient(create_app(services, sweep_expired=False)) as client:

        def paid_session(reference: str) -> str:
            sid = client.post("/v1/sessions", json={"amount": 5000, "reference": reference}).json()[
                "sessionId"
            ]
            assert pay_with_card(client, sid)["status"] == "completed"
            return sid

        delivered = paid_session("OLD-DELIVERED")
        dispatcher.run_once()
        answers["status"] = 500  # the endpoint fails from here on: the next session's events stay pending
        pending = paid_session("OLD-PENDING")
        dispatcher.run_once()
        clock.advance(RETENTION + DAY)
        answers["status"] = 200
        recent = paid_session("RECENT")
        # Only the delivered old session's events go; nothing of the pending one (its retries are
        # past the 3-day window by now, but the dispatcher has not given up on them yet).
        assert services.merchant.prune_events(clock(), RETENTION) == 2
        kept = {e.session_id for e in services.merchant.events(EventQuery(limit=100)).data}
        assert kept == {pending, recent} and delivered not in kept
        references = {p.reference for p in services.merchant.payments(PaymentQuery(limit=100)).data}
        assert references == {"OLD-DELIVERED", "OLD-PENDING", "RECENT"}  # payments are never pruned
        dispatcher.run_once()  # gives up on the old pending events, delivers the recent ones
        assert services.merchant.prune_events(clock(), RETENTION) == 2
        assert {e.session_id for e in services.merchant.events(EventQuery(limit=100)).data} == {recent}
        assert services.merchant.prune_events(clock(), RETENTION) == 0
    rows = store._read("SELECT count(*) FROM webhook_deliveries WHERE session_id != ?", (recent,))
    assert rows[0][0] == 0


def test_a_retention_shorter_than_the_retry_window_is_refused_by_name(monkeypatch) -> None:
    monkeypatch.setenv("PAYBOT_EVENT_RETENTION_SECONDS", "3600")
    with pytest.raises(SettingsError) as raised:
        Settings()
    assert "PAYBOT_EVENT_RETENTION_SECONDS" in str(raised.value)
