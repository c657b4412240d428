"""Behind CloudFront the per-client limit keys on the viewer's address, and only when CloudFront
vouches for it: a request that writes CloudFront-Viewer-Address itself, without the edge secret the
stack gives the distribution, is limited by its own source address."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from paybot_channels.web.app import create_app
from paybot_channels.web.edge import EDGE_SECRET_HEADER, VIEWER_ADDRESS_HEADER, ViewerAddress, viewer_address
from paybot_channels.web.ratelimit import RateLimits
from paybot_core import Services
from tests.conftest import Clock

EDGE_SECRET = "edge-secret-made-by-the-stack-0123456789abcdef"


def _client(services: Services, clock: Clock, per_client: int = 2) -> TestClient:
    limits = RateLimits(per_client, 0, clock=clock)
    return TestClient(create_app(services, sweep_expired=False, rate_limits=limits))


def _via_cloudfront(viewer: str, secret: str = EDGE_SECRET) -> dict[str, str]:
    return {EDGE_SECRET_HEADER: secret, VIEWER_ADDRESS_HEADER: viewer}


def _statuses(client: TestClient, headers: dict[str, str], times: int) -> list[int]:
    return [client.post("/v1/sessions", json={}, headers=headers).status_code for _ in range(times)]


def test_viewers_behind_one_edge_have_a_bucket_each(
    make_services: Callable[..., Services], clock: Clock
) -> None:
    client = _client(make_services(edge_secret=EDGE_SECRET), clock)
    assert _statuses(client, _via_cloudfront("198.51.100.7:46532"), 3) == [201, 201, 429]
    assert _statuses(client, _via_cloudfront("[2001:db8::7]:443"), 2) == [201, 201]  # another viewer
    assert _statuses(client, _via_cloudfront("2001:DB8::7:50000"), 1) == [429]  # the same one, other port
    assert _statuses(client, {}, 2) == [201, 201]  # the edge's own address: a bucket of its own


@pytest.mark.parametrize(
    "spoof",
    [
        {VIEWER_ADDRESS_HEADER: "{n}"},  # no secret at all
        {VIEWER_ADDRESS_HEADER: "{n}", EDGE_SECRET_HEADER: "a-guess"},  # a wrong one
        {VIEWER_ADDRESS_HEADER: "{n}", EDGE_SECRET_HEADER: ""},
    ],
)
def test_a_client_writing_the_viewer_header_itself_is_limited_by_its_own_address(
    make_services: Callable[..., Services], clock: Clock, spoof: dict[str, str]
) -> None:
    client = _client(make_services(edge_secret=EDGE_SECRET), clock)
    # A new "viewer address" on every request would be a fresh bucket each time if it were believed.
    forged = [{k: v.format(n=f"203.0.113.{i}:1234") for k, v in spoof.items()} for i in range(3)]
    assert [client.post("/v1/sessions", json={}, headers=h).status_code for h in forged] == [201, 201, 429]


def test_without_an_edge_secret_the_viewer_header_is_never_believed(
    make_services: Callable[..., Services], clock: Clock
) -> None:
    client = _client(make_services(), clock)
    forged = [_via_cloudfront(f"203.0.113.{i}:1234", secret="") for i in range(3)]
    assert [client.post("/v1/sessions", json={}, headers=h).status_code for h in forged] == [201, 201, 429]


def test_a_refused_viewer_is_logged_by_its_address_once_a_minute(
    make_services: Callable[..., Services], clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    client = _client(make_services(edge_secret=EDGE_SECRET), clock, per_client=1)
    with caplog.at_level(logging.WARNING, logger="paybot.ratelimit"):
        assert _statuses(client, _via_cloudfront("198.51.100.9:1"), 5) == [201, 429, 429, 429, 429]
        clock.advance(61)
        assert _statuses(client, _via_cloudfront("198.51.100.9:1"), 3) == [201, 429, 429]
    lines = [r.getMessage() for r in caplog.records if r.name == "paybot.ratelimit"]
    assert lines == ["client rate limit reached: client=198.51.100.9"] * 2


def test_the_secret_header_goes_no_further_and_a_bad_address_changes_nothing() -> None:
    asyncio.run(_secret_header_goes_no_further())


async def _secret_header_goes_no_further() -> None:
    seen: list[dict] = []

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        seen.append(scope)

    middleware = ViewerAddress(app, edge_secret=lambda: EDGE_SECRET)
    for viewer in ("198.51.100.7:80", "not-an-address:80", "198.51.100.7"):
        scope = {
            "type": "http",
            "client": ("130.176.0.1", 443),
            "headers": [
                (EDGE_SECRET_HEADER.lower().encode(), EDGE_SECRET.encode()),
                (VIEWER_ADDRESS_HEADER.lower().encode(), viewer.encode()),
                (b"content-type", b"application/json"),
            ],
        }
        await middleware(scope, None, None)  # type: ignore[arg-type]
    assert [s["client"][0] for s in seen] == ["198.51.100.7", "130.176.0.1", "130.176.0.1"]
    for scope in seen:
        assert [name for name, _ in scope["headers"]] == [b"cloudfront-viewer-address", b"content-type"]


def test_viewer_address_values() -> None:
    assert viewer_address("198.51.100.7:46532") == "198.51.100.7"
    assert viewer_address("2001:DB8::1:46532") == "2001:db8::1"
    assert viewer_address("[2001:db8::1]:443") == "2001:db8::1"
    for bad in ("", "198.51.100.7", "198.51.100.7:", "300.1.1.1:80", "host:80", "1.2.3.4:port"):
        assert viewer_address(bad) is None
