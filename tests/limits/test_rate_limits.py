"""Per-client and per-session rate limits through the API, on a clock the test controls."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from paybot_channels.web.app import create_app
from paybot_channels.web.ratelimit import RateLimits
from paybot_core import Services
from tests.conftest import Clock


def _client(services: Services, per_client: int, per_session: int, clock: Clock) -> TestClient:
    limits = RateLimits(per_client, per_session, clock=clock)
    return TestClient(create_app(services, sweep_expired=False, rate_limits=limits))


def test_per_client_limit_answers_429_with_retry_after(
    make_services: Callable[..., Services], clock: Clock
) -> None:
    client = _client(make_services(), per_client=3, per_session=0, clock=clock)
    assert [client.post("/v1/sessions", json={}).status_code for _ in range(3)] == [201, 201, 201]
    refused = client.post("/v1/sessions", json={})
    assert refused.status_code == 429
    assert refused.json() == {
        "error": {"code": "rate_limited", "message": refused.json()["error"]["message"]}
    }
    assert int(refused.headers["Retry-After"]) == 20  # one token back at 3 a minute
    assert client.get("/healthz").status_code == 200  # health checks and the page are not limited
    clock.advance(20)
    assert client.post("/v1/sessions", json={}).status_code == 201


def test_per_session_limit_is_per_session(make_services: Callable[..., Services], clock: Clock) -> None:
    client = _client(make_services(), per_client=0, per_session=2, clock=clock)
    first = client.post("/v1/sessions", json={}).json()["sessionId"]
    other = client.post("/v1/sessions", json={}).json()["sessionId"]
    for _ in range(2):
        assert client.post("/v1/chat", json={"sessionId": first, "message": "hi"}).status_code == 200
    limited = client.get(f"/v1/sessions/{first}")
    assert limited.status_code == 429 and limited.json()["error"]["code"] == "rate_limited"
    assert "Retry-After" in limited.headers
    assert client.post("/v1/chat", json={"sessionId": other, "message": "hi"}).status_code == 200


def test_defaults_do_not_throttle_a_long_conversation(make_services: Callable[..., Services]) -> None:
    services = make_services()
    assert services.settings.rate_limit_per_client >= 10_000  # 200 concurrent loopback sessions
    client = TestClient(create_app(services, sweep_expired=False))
    sid = client.post("/v1/sessions", json={}).json()["sessionId"]
    codes = {
        client.post("/v1/chat", json={"sessionId": sid, "message": "help"}).status_code for _ in range(50)
    }
    assert codes == {200}
