"""Stripe over its wire protocol (the real SDK, a patched localstripe) with faults injected by a proxy,
and the webhook endpoint: raw-body signatures (also base64 through API Gateway and Mangum), de-duplication,
and reconciliation, including events signed and delivered by localstripe itself."""

from __future__ import annotations

import base64
import importlib
import json
import sys
import time
import urllib.parse
import uuid

import httpx
import pytest
import stripe
from fastapi.testclient import TestClient

from paybot_channels.web.app import create_app
from paybot_core.adapters.memory import MemoryAuditLog, MemorySessionStore
from paybot_core.adapters.stripe_gateway import StripeGateway
from paybot_core.bootstrap import build
from paybot_core.conversation.state import CardEntry, Channel, Presets
from paybot_core.conversation.turns import Say
from paybot_core.errors import GatewayError
from paybot_core.ports import CardDetails, PaymentRequest
from paybot_core.settings import Settings
from tests.support.fault_proxy import FaultProxy
from tests.support.localstripe_emulator import SECRET_KEY, register_webhook, stripe_client
from tests.support.servers import paybot_server

pytestmark = pytest.mark.stripe
WEBHOOK_SECRET = "whsec_paybot_test"


@pytest.fixture(scope="module")
def proxy_server(localstripe_url):
    proxy = FaultProxy(int(urllib.parse.urlparse(localstripe_url).port)).start()
    yield proxy
    proxy.stop()


@pytest.fixture
def proxy(proxy_server):
    proxy_server.clear()
    yield proxy_server
    proxy_server.clear()


def gateway_via(proxy: FaultProxy, timeout: float = 1.0, budget: float = 7.0) -> StripeGateway:
    return StripeGateway(
        stripe_client(proxy.url, timeout=timeout), budget_seconds=budget, backoff_seconds=0.05
    )


def new_request(gateway: StripeGateway, number: str = "4242424242424242") -> PaymentRequest:
    pm, _ = gateway.create_payment_method(
        CardDetails(number, 12, 2030, "123"), idempotency_key=uuid.uuid4().hex
    )
    session = "ses_" + uuid.uuid4().hex
    return PaymentRequest(f"{session}:charge:1", 5000, "usd", pm, session)


def charges_for(localstripe_url: str, session_id: str) -> list[dict]:
    client = stripe_client(localstripe_url)
    return [
        pi
        for pi in client.v1.payment_intents.list({"limit": 100}).data
        if pi.metadata.to_dict().get("session_id") == session_id
    ]


@pytest.mark.parametrize("fault", ["500", "429", "lose_response", "hang", "reset"])
def test_transient_failures_are_retried_with_the_same_key_and_charge_once(proxy, localstripe_url, fault):
    gateway = gateway_via(proxy)
    request = new_request(gateway)
    proxy.clear()
    proxy.fail_next(fault, "/v1/payment_intents", seconds=1.5)
    record = gateway.confirm_payment(request)
    assert record.status == "succeeded"
    posts = proxy.posts("/v1/payment_intents")
    assert len(posts) == 2
    assert {p.headers["idempotency-key"] for p in posts} == {request.idempotency_key}
    assert len(charges_for(localstripe_url, request.session_id)) == 1


def test_a_processor_that_keeps_failing_gives_a_clear_retryable_error_inside_the_budget(
    proxy, localstripe_url
):
    gateway = gateway_via(proxy, timeout=0.8, budget=3.0)
    request = new_request(gateway)
    proxy.clear()
    proxy.fail_next("lose_response", "/v1/payment_intents", times=10, seconds=2.0)
    started = time.monotonic()
    with pytest.raises(GatewayError) as caught:
        gateway.confirm_payment(request)
    assert time.monotonic() - started < 3.5
    assert caught.value.retryable and caught.value.code == "gateway_timeout"
    assert "charged twice" in str(caught.value)
    posts = proxy.posts("/v1/payment_intents")
    assert len(posts) >= 2 and {p.headers["idempotency-key"] for p in posts} == {request.idempotency_key}
    assert len(charges_for(localstripe_url, request.session_id)) == 1  # charged upstream, once
    proxy.clear()
    assert gateway.confirm_payment(request).status == "succeeded"  # the payer's "yes" again: replayed
    assert len(charges_for(localstripe_url, request.session_id)) == 1


def test_moto_is_sent_on_the_phone_channel(proxy):
    gateway = gateway_via(proxy)
    request = new_request(gateway, "4000002500003155")
    proxy.clear()
    voice = PaymentRequest(
        request.idempotency_key,
        5000,
        "usd",
        request.payment_method_id,
        request.session_id,
        channel=Channel.VOICE,
        reference="INV-7",
    )
    assert gateway.confirm_payment(voice).status == "succeeded"
    form = urllib.parse.parse_qs(proxy.posts("/v1/payment_intents")[0].body.decode())
    assert form["payment_method_options[card][moto]"] == ["true"]
    assert form["metadata[session_id]"] == [request.session_id]
    assert form["confirm"] == ["true"]


# ---------------------------------------------------------------- webhooks


def signed(payload: dict, secret: str = WEBHOOK_SECRET, at: int | None = None) -> tuple[bytes, str]:
    body = json.dumps(payload).encode()
    at = at or int(time.time())
    signature = stripe.WebhookSignature._compute_signature(f"{at}.{body.decode()}", secret)
    return body, f"t={at},v1={signature}"


def event(event_id: str, kind: str, intent_id: str, session_id: str) -> dict:
    return {
        "id": event_id,
        "object": "event",
        "type": kind,
        "data": {
            "object": {"id": intent_id, "object": "payment_intent", "metadata": {"session_id": session_id}}
        },
    }


@pytest.fixture
def stripe_services(tmp_path, proxy):
    settings = Settings(
        data_dir=tmp_path,
        allow_typed_card_entry=True,
        payment_gateway="stripe",
        stripe_secret_key=SECRET_KEY,
        stripe_webhook_secret=WEBHOOK_SECRET,
        session_store="memory",
    )
    gateway = gateway_via(proxy, timeout=0.5, budget=1.5)
    return build(settings, store=MemorySessionStore(), gateway=gateway, audit=MemoryAuditLog())


def typed_session_at_confirmation(services) -> str:
    sid = services.conversations.start(Presets(card_entry=CardEntry.TYPED)).state.session_id
    for message in ("Jane Doe", "$50", "4242424242424242", "12/30", "123"):
        services.conversations.handle(sid, Say(message))
    return sid


def test_a_lost_answer_leaves_the_session_confirming_and_the_webhook_completes_it(
    stripe_services, proxy, localstripe_url
):
    sid = typed_session_at_confirmation(stripe_services)
    proxy.fail_next("lose_response", "/v1/payment_intents", times=10, seconds=1.0)
    reply = stripe_services.conversations.handle(sid, Say("yes"))
    assert reply.state.status.value == "confirming"
    assert "charged twice" in reply.text
    proxy.clear()
    [intent] = charges_for(localstripe_url, sid)
    client = TestClient(create_app(stripe_services, sweep_expired=False))
    body, signature = signed(event("evt_" + uuid.uuid4().hex, "payment_intent.succeeded", intent.id, sid))
    first = client.post("/v1/webhooks/stripe", content=body, headers={"Stripe-Signature": signature})
    assert first.status_code == 200 and first.json() == {
        "received": True,
        "applied": "payment_intent.succeeded",
        "status": "completed",
    }
    again = client.post("/v1/webhooks/stripe", content=body, headers={"Stripe-Signature": signature})
    assert again.json() == {"received": True, "duplicate": True}
    assert stripe_services.conversations.get(sid).state.status.value == "completed"
    assert stripe_services.conversations.handle(sid, Say("yes")).state.status.value == "completed"
    assert len(charges_for(localstripe_url, sid)) == 1


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/v1/payment_intents", "moto_not_enabled"),  # an account gate at confirmation
        ("/v1/payment_intents", "parameter_invalid_integer"),  # any other request Stripe will never take
        ("/v1/payment_methods", "raw_card_data_not_enabled"),  # the gate when the typed card is tokenized
    ],
)
def test_a_refusal_no_retry_can_change_ends_the_session_at_once(stripe_services, proxy, path, code):
    sid = stripe_services.conversations.start(Presets(card_entry=CardEntry.TYPED)).state.session_id
    for message in ("Jane Doe", "$50", "4242424242424242", "12/30"):
        stripe_services.conversations.handle(sid, Say(message))
    proxy.clear()
    proxy.fail_next(f"refuse:{code}", path, times=5)
    reply = stripe_services.conversations.handle(sid, Say("123"))
    if path == "/v1/payment_intents":
        reply = stripe_services.conversations.handle(sid, Say("yes"))
    assert reply.state.status.value == "failed"
    assert "Trying again would not change that" in reply.text and "try again" not in reply.text.lower()
    assert "4242424242424242" not in reply.text
    assert len(proxy.posts(path)) == 1, "the refusal is final: the request is sent once"
    again = stripe_services.conversations.handle(sid, Say("yes"))
    assert again.state.status.value == "failed" and len(proxy.posts(path)) == 1
    assert not proxy.posts("/v1/payment_intents")[1:]  # and nothing else is charged


@pytest.mark.parametrize("tamper", ["bad_secret", "altered_body", "stale", "missing"])
def test_a_bad_signature_is_refused_with_400_json(stripe_services, tamper):
    client = TestClient(create_app(stripe_services, sweep_expired=False))
    payload = event("evt_x", "payment_intent.succeeded", "pi_x", "ses_x")
    body, signature = signed(
        payload,
        secret="whsec_wrong" if tamper == "bad_secret" else WEBHOOK_SECRET,
        at=int(time.time()) - 3600 if tamper == "stale" else None,
    )
    if tamper == "altered_body":
        body = body.replace(b"pi_x", b"pi_y")
    headers = {} if tamper == "missing" else {"Stripe-Signature": signature}
    answer = client.post("/v1/webhooks/stripe", content=body, headers=headers)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "invalid_signature"


def test_the_lambda_handler_verifies_base64_bodies_from_api_gateway(tmp_path, monkeypatch):
    monkeypatch.setenv("PAYBOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PAYBOT_STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
    sys.modules.pop("paybot_channels.web.lambda_handler", None)
    handler = importlib.import_module("paybot_channels.web.lambda_handler").handler
    try:
        body, signature = signed(event("evt_lambda", "payment_intent.succeeded", "pi_gone", "ses_unknown"))
        for sig, expected in ((signature, 200), (signature.replace("v1=", "v1=0"), 400)):
            answer = handler(api_gateway_event(body, sig), LambdaContext())
            assert answer["statusCode"] == expected
            assert (
                "error" in json.loads(answer["body"])
                if expected == 400
                else json.loads(answer["body"])["received"]
            )
    finally:
        sys.modules.pop("paybot_channels.web.lambda_handler", None)


class LambdaContext:
    function_name = "paybot-web"
    aws_request_id = "req-1"
    invoked_function_arn = "arn:aws:lambda:us-east-1:000000000000:function:paybot-web"


def api_gateway_event(body: bytes, signature: str) -> dict:
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": "/v1/webhooks/stripe",
        "rawQueryString": "",
        "headers": {
            "content-type": "application/json; charset=utf-8",
            "stripe-signature": signature,
            "host": "abc.execute-api.us-east-1.amazonaws.com",
        },
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "abc",
            "domainName": "abc.execute-api.us-east-1.amazonaws.com",
            "http": {
                "method": "POST",
                "path": "/v1/webhooks/stripe",
                "protocol": "HTTP/1.1",
                "sourceIp": "192.0.2.1",
                "userAgent": "Stripe/1.0",
            },
            "requestId": "r1",
            "routeKey": "$default",
            "stage": "$default",
            "time": "23/Nov/2026:10:00:00 +0000",
            "timeEpoch": 0,
        },
        "body": base64.b64encode(body).decode(),
        "isBase64Encoded": True,
    }


@pytest.mark.slow
def test_events_signed_and_delivered_by_localstripe_reconcile_a_paybot_server(
    tmp_path, localstripe_url, proxy
):
    env = {
        "PAYBOT_PAYMENT_GATEWAY": "stripe",
        "PAYBOT_STRIPE_SECRET_KEY": SECRET_KEY,
        "PAYBOT_STRIPE_API_BASE": proxy.url,
        "PAYBOT_STRIPE_TIMEOUT_SECONDS": "0.5",
        "PAYBOT_STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "PAYBOT_ALLOW_TYPED_CARD_ENTRY": "true",
    }
    with paybot_server(tmp_path, env) as base:
        register_webhook(localstripe_url, f"{base}/v1/webhooks/stripe", WEBHOOK_SECRET, name=uuid.uuid4().hex)
        with httpx.Client(base_url=base, timeout=15) as http:
            sid = http.post("/v1/sessions", json={"cardEntry": "typed", "amount": 4200}).json()["sessionId"]
            for message in ("Jane Doe", "4242 4242 4242 4242", "12/30", "123"):
                http.post("/v1/chat", json={"sessionId": sid, "message": message})
            proxy.fail_next("lose_response", "/v1/payment_intents", times=20, seconds=0.8)
            answer = http.post("/v1/chat", json={"sessionId": sid, "message": "yes"}).json()
            assert answer["status"] == "confirming"
            proxy.clear()  # the processor is reachable again when localstripe's event arrives (after ~1 s)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and answer["status"] != "completed":
                time.sleep(0.3)
                answer = http.get(f"/v1/sessions/{sid}").json()
            assert answer["status"] == "completed"
            assert answer["payment"]["status"] == "succeeded" and answer["payment"]["last4"] == "4242"
    proxy.clear()
    assert len(charges_for(localstripe_url, sid)) == 1
    log = (tmp_path / "server.log").read_text()
    assert "4242424242424242" not in log and "4242 4242 4242 4242" not in log
