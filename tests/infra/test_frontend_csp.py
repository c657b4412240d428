"""The deployed page and `paybot serve` send one Content-Security-Policy and framing header."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pulumi
import pytest
from fastapi.testclient import TestClient
from infra_mocks import settled, use_mocks

from infra.components import Frontend, FrontendArgs

pytestmark = pytest.mark.infra

FRAMINGS = [("'none'",), ("'self'",), ("https://shop.example", "https://till.example")]


def _served(make_client: Callable[..., TestClient], framing: tuple[str, ...]) -> tuple[str, str | None]:
    headers = make_client(frame_ancestors=" ".join(framing)).get("/").headers
    return headers["content-security-policy"], headers.get("x-frame-options")


@pytest.mark.parametrize("framing", FRAMINGS, ids=["none", "self", "allow-list"])
@pulumi.runtime.test
def test_cloudfront_sends_the_csp_and_framing_that_paybot_serve_sends(
    make_client: Callable[..., TestClient], framing: tuple[str, ...], tmp_path: Path
) -> None:
    served = _served(make_client, framing)
    mocks = use_mocks()

    def check() -> None:
        policy = mocks.one("aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy").inputs
        security = policy["securityHeadersConfig"]
        deployed_framing = (security.get("frameOptions") or {}).get("frameOption")
        assert (security["contentSecurityPolicy"]["contentSecurityPolicy"], deployed_framing) == served

    done = settled(check)
    Frontend(
        "web", FrontendArgs(static_dir=tmp_path, api_url="https://abc.example.com", frame_ancestors=framing)
    )
    return done
