"""Stripe's account gates: raw card data and MOTO refusals are configuration errors, not card errors.

A normal Stripe account refuses raw card numbers (raw card data API access is granted per account)
and MOTO payments (enabled per account). The real stripe SDK talks over HTTP to a loopback server
that answers as Stripe does for such an account (HTTP 400, invalid_request_error, the gate's code):
the gateway must say so in one error log line, raise a non-retryable GatewayError, and send the
request once.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from paybot_core.adapters.stripe_gateway import CONFIGURATION_CODES, StripeGateway
from paybot_core.errors import CardValidationError, GatewayError
from paybot_core.ports import CardDetails, PaymentRequest
from tests.support.localstripe_emulator import stripe_client

GATES = {
    "/v1/payment_methods": ("raw_card_data_not_enabled", "card[number]"),
    "/v1/payment_intents": ("moto_not_enabled", "payment_method_options[card][moto]"),
}


class GatedStripe:
    """Answers every POST as Stripe answers an account without the gate for that path."""

    def __init__(self) -> None:
        self.posts: list[str] = []
        gated = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                gated.posts.append(self.path)
                code, param = GATES[self.path]
                body = json.dumps(
                    {
                        "error": {
                            "type": "invalid_request_error",
                            "code": code,
                            "param": param,
                            "message": "This account is not enabled for this request.",
                        }
                    }
                ).encode()
                self.send_response(400)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Request-Id", "req_" + uuid.uuid4().hex[:12])
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def gated() -> Iterator[GatedStripe]:
    server = GatedStripe()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()
    server.thread.join(timeout=5)


def _errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def test_raw_card_data_refusal_is_a_configuration_error_not_a_bad_card_number(
    gated: GatedStripe, caplog: pytest.LogCaptureFixture
) -> None:
    gateway = StripeGateway(stripe_client(gated.url), backoff_seconds=0.01)
    with pytest.raises(GatewayError) as caught:
        gateway.create_payment_method(CardDetails("4242424242424242", 12, 2030, "123"), idempotency_key="k1")
    assert not isinstance(caught.value, CardValidationError)
    assert (caught.value.code, caught.value.retryable) == ("raw_card_data_not_enabled", False)
    assert caught.value.code in CONFIGURATION_CODES
    assert gated.posts == ["/v1/payment_methods"], "a refusal by configuration is never retried"
    (line,) = _errors(caplog)
    assert "raw card data API access" in line
    assert "4242424242424242" not in caplog.text


def test_moto_refusal_is_final_and_said_once(gated: GatedStripe, caplog: pytest.LogCaptureFixture) -> None:
    gateway = StripeGateway(stripe_client(gated.url), backoff_seconds=0.01)
    request = PaymentRequest("ses_1:charge:1", 5000, "usd", "pm_1", "ses_1", channel="voice")
    with pytest.raises(GatewayError) as caught:
        gateway.confirm_payment(request)
    assert (caught.value.code, caught.value.retryable) == ("moto_not_enabled", False)
    assert "nothing was charged" in str(caught.value)
    assert gated.posts == ["/v1/payment_intents"]
    (line,) = _errors(caplog)
    assert "MOTO must be enabled" in line
