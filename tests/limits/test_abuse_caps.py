"""Abuse limits through the API: turns per session, payment attempts, merchant keys, CORS, expiry."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from paybot_channels.web.app import create_app
from paybot_core import MemorySessionStore, Services


def _client(services: Services) -> TestClient:
    return TestClient(create_app(services, sweep_expired=False))


def _card(client: TestClient, number: str) -> str:
    body = {"number": number, "expMonth": 12, "expYear": 2030, "cvc": "123"}
    pm: str = client.post("/v1/sandbox/payment_methods", json=body).json()["id"]
    return pm


def test_turns_per_session_are_capped(make_services: Callable[..., Services]) -> None:
    with _client(make_services(max_turns_per_session=5)) as client:
        sid = client.post("/v1/sessions", json={}).json()["sessionId"]
        statuses = [
            client.post("/v1/chat", json={"sessionId": sid, "message": "hello"}).json()["status"]
            for _ in range(7)
        ]
    assert statuses[:5] == ["collecting"] * 5
    assert statuses[5:] == ["failed", "failed"]


def test_payment_attempts_are_capped_and_nothing_is_charged(make_services: Callable[..., Services]) -> None:
    with _client(make_services(max_payment_attempts=2)) as client:
        sid = client.post("/v1/sessions", json={"amount": 5000}).json()["sessionId"]
        client.post("/v1/chat", json={"sessionId": sid, "message": "Jane Doe"})
        answers = []
        for _ in range(2):
            client.post(
                "/v1/chat", json={"sessionId": sid, "paymentMethod": _card(client, "4000000000000002")}
            )
            answers.append(client.post("/v1/chat", json={"sessionId": sid, "message": "yes"}).json())
        after = client.post(
            "/v1/chat", json={"sessionId": sid, "paymentMethod": _card(client, "4242424242424242")}
        )
        charges = client.get("/v1/sandbox/payment_intents", params={"sessionId": sid}).json()["data"]
    assert answers[0]["status"] == "awaiting_payment_method"
    assert answers[1]["status"] == "failed"
    assert after.json()["status"] == "failed"
    assert [c["status"] for c in charges] == ["requires_payment_method"] * 2


def test_merchant_keys_and_cors_allow_list(make_services: Callable[..., Services]) -> None:
    services = make_services(merchant_api_keys="k_one", cors_origins="https://shop.example")
    with _client(services) as client:
        assert client.post("/v1/sessions", json={}).status_code == 401
        created = client.post("/v1/sessions", json={}, headers={"Authorization": "Bearer k_one"})
        assert created.status_code == 201
        allowed = client.options(
            "/v1/chat", headers={"Origin": "https://shop.example", "Access-Control-Request-Method": "POST"}
        )
        assert allowed.headers.get("access-control-allow-origin") == "https://shop.example"
        other = client.options(
            "/v1/chat", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
        )
        assert "access-control-allow-origin" not in other.headers
        plain = client.post("/v1/chat", json={"message": "hi"}, headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in plain.headers


def test_idle_sessions_expire_through_the_api_with_the_vault_wiped(
    make_services: Callable[..., Services], clock
) -> None:
    services = make_services(allow_typed_card_entry=True)
    store = services.store
    assert isinstance(store, MemorySessionStore)
    with _client(services) as client:
        answered = client.post("/v1/sessions", json={"amount": 5000, "cardEntry": "typed"}).json()[
            "sessionId"
        ]
        untouched = client.post("/v1/sessions", json={"amount": 5000, "cardEntry": "typed"}).json()[
            "sessionId"
        ]
        for sid in (answered, untouched):
            client.post("/v1/chat", json={"sessionId": sid, "message": "Jane Doe"})
            client.post("/v1/chat", json={"sessionId": sid, "message": "4242 4242 4242 4242"})
            assert b'"sealed_card":{' in (store.raw(sid) or b"")  # None fails too
        clock.advance(services.settings.session_ttl_seconds + 1)
        reply = client.post("/v1/chat", json={"sessionId": answered, "message": "12/29"}).json()
        assert reply["status"] == "expired" and "expired" in reply["response"]
        assert services.conversations.sweep_expired() == 1
        assert client.get(f"/v1/sessions/{untouched}").json()["status"] == "expired"
    for sid in (answered, untouched):
        raw = store.raw(sid)
        assert raw is not None and b'"sealed_card"' not in raw  # wiped: nothing left to store
