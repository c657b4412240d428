"""Start the patched localstripe (tests/support/localstripe_server.py) on loopback and stop it by PID."""

from __future__ import annotations

import contextlib
import json
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from .servers import ROOT, free_port, server_process

SECRET_KEY = "sk_test_paybot_local"
SCRIPT = Path(__file__).with_name("localstripe_server.py")


@contextlib.contextmanager
def localstripe_server(log_path: Path | None = None) -> Iterator[str]:
    port = free_port()
    command = [sys.executable, str(SCRIPT), "--port", str(port)]
    # localstripe answers 401 without a key, so the readiness poll asks for a page it serves openly.
    with server_process(command, port, "/js.stripe.com/v3/", log_path=log_path, cwd=ROOT, timeout=30) as url:
        yield url


def register_webhook(url: str, target: str, secret: str, name: str = "paybot") -> None:
    """localstripe's own configuration endpoint: send events to `target`, signed with `secret`."""
    body = json.dumps({"url": target, "secret": secret}).encode()
    request = urllib.request.Request(
        f"{url}/_config/webhooks/{name}",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200


def stripe_client(api_base: str, timeout: float = 3.0):  # type: ignore[no-untyped-def]
    """The real stripe SDK client as the adapter's build_client makes it, pointed at `api_base`."""
    import stripe

    return stripe.StripeClient(
        SECRET_KEY,
        base_addresses={"api": api_base},
        max_network_retries=0,
        http_client=stripe.RequestsClient(timeout=(min(2.0, timeout), timeout)),
    )


# ---------------------------------------------------------------- pytest fixtures (imported by conftests)

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def localstripe_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with localstripe_server(tmp_path_factory.mktemp("localstripe") / "localstripe.log") as url:
        yield url
