"""The chat API in process: every endpoint, the error contract, and the response invariants."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from paybot_core import find_card_numbers

LONG_DIGITS = re.compile(r"\d(?:[ -]?\d){12,}")


def create(client: TestClient, **body: object) -> dict:
    response = client.post("/v1/sessions", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def chat(client: TestClient, session: str, message: str | None = None, **extra: object) -> dict:
    body = {"sessionId": session, **({"message": message} if message is not None else {}), **extra}
    response = client.post("/v1/chat", json=body)
    assert response.status_code == 200, response.text
    assert not LONG_DIGITS.search(response.text), "a response carries a run of 13+ digits"
    return response.json()


def sandbox_card(client: TestClient, number: str = "4242424242424242", cvc: str = "123") -> str:
    response = client.post(
        "/v1/sandbox/payment_methods", json={"number": number, "expMonth": 12, "expYear": 2030, "cvc": cvc}
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_secure_form_happy_path_has_the_documented_shape(client: TestClient) -> None:
    start = create(client, amount=5000, reference="INV-7", description="March")
    assert start["status"] == "collecting" and start["currentField"] == "name"
    assert start["collected"] == {"amount": 5000, "currency": "usd", "reference": "INV-7"}
    sid = start["sessionId"]
    asked = chat(client, sid, "Jane Doe")
    assert asked["cardEntry"] == {"mode": "sandbox", "publishableKey": None}
    confirm = chat(client, sid, paymentMethod=sandbox_card(client))
    assert confirm["collected"]["card"] == {"brand": "visa", "last4": "4242", "expMonth": 12, "expYear": 2030}
    assert confirm["cardEntry"] is None and "Visa ending 4242" in confirm["response"]
    paid = chat(client, sid, "yes")
    assert paid["payment"]["status"] == "succeeded" and paid["payment"]["failureCode"] is None
    assert paid["currentField"] is None and paid["nextAction"] is None
    listed = client.get("/v1/sandbox/payment_intents", params={"sessionId": sid}).json()["data"]
    assert [(p["status"], p["amount"], p["last4"]) for p in listed] == [("succeeded", 5000, "4242")]
    assert client.get(f"/v1/sessions/{sid}").json()["status"] == "completed"


def test_chat_without_session_starts_one(client: TestClient) -> None:
    for path in ("/v1/chat", "/chat"):
        body = client.post(path, json={"message": "I want to pay"}).json()
        assert body["sessionId"].startswith("ses_") and body["currentField"] == "name"


def test_three_d_secure_is_read_back_from_the_gateway(client: TestClient) -> None:
    sid = create(client, amount=5000)["sessionId"]
    chat(client, sid, "Jane Doe")
    chat(client, sid, paymentMethod=sandbox_card(client, "4000002500003155"))
    pending = chat(client, sid, "yes")
    assert pending["status"] == "requires_action" and pending["nextAction"]["type"] == "use_stripe_sdk"
    intent_id = pending["nextAction"]["clientSecret"].split("_secret_")[0]
    # The browser's word is not taken: before authentication the server still sees requires_action.
    assert chat(client, sid, nextActionCompleted=True)["status"] == "requires_action"
    approved = client.post(
        f"/v1/sandbox/payment_intents/{intent_id}/authenticate", json={"outcome": "approve"}
    )
    assert approved.json()["status"] == "succeeded"
    assert chat(client, sid, nextActionCompleted=True)["status"] == "completed"


def test_failed_authentication_asks_for_another_card(client: TestClient) -> None:
    sid = create(client, amount=5000)["sessionId"]
    chat(client, sid, "Jane Doe")
    chat(client, sid, paymentMethod=sandbox_card(client, "4000002500003155"))
    intent_id = chat(client, sid, "yes")["payment"]["id"]
    client.post(f"/v1/sandbox/payment_intents/{intent_id}/authenticate", json={"outcome": "fail"})
    body = chat(client, sid, nextActionCompleted=True)
    assert body["status"] == "awaiting_payment_method"
    assert body["payment"]["failureCode"] == "payment_intent_authentication_failure"


@pytest.mark.parametrize(
    ("card", "code"),
    [
        ({"number": "4242424242424241"}, "incorrect_number"),
        ({"expMonth": 13}, "invalid_expiry_month"),
        ({"expYear": 2020}, "invalid_expiry_year"),
        ({"cvc": "12"}, "invalid_cvc"),
    ],
)
def test_sandbox_payment_method_errors(client: TestClient, card: dict, code: str) -> None:
    body = {"number": "4242424242424242", "expMonth": 12, "expYear": 2030, "cvc": "123", **card}
    response = client.post("/v1/sandbox/payment_methods", json=body)
    assert response.status_code == 402 and response.json()["error"]["code"] == code
    assert "4242424242424241" not in response.text


@pytest.mark.parametrize(
    ("raw", "content_type", "code"),
    [
        (b"this is not json", "application/json", "invalid_json"),
        (b"\xff\xfe\x00garbage", "application/json", "invalid_json"),
        (b'{"message": ', "application/json", "invalid_json"),
        (b"[1, 2, 3]", "application/json", "invalid_request"),
        (b'{"message": 5}', "application/json", "invalid_request"),
        (b'{"message": ""}', "application/json", "invalid_request"),
        (b'{"message": "   "}', "application/json", "invalid_request"),
        (b'{"message": "hi", "paymentMethod": "card_4242"}', "application/json", "invalid_request"),
        (b'{"message": "hi", "surprise": true}', "application/json", "invalid_request"),
    ],
)
def test_bad_chat_bodies_get_400_json_errors(
    client: TestClient, raw: bytes, content_type: str, code: str
) -> None:
    response = client.post("/v1/chat", content=raw, headers={"content-type": content_type})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code


def test_errors_never_echo_card_numbers(client: TestClient) -> None:
    response = client.post("/v1/chat", json={"message": 4242424242424242})
    assert response.status_code == 400 and "4242424242424242" not in response.text
    response = client.post("/v1/chat", json={"message": "4242 4242 4242 4242" * 200})
    assert response.status_code == 400 and not find_card_numbers(response.text)


def test_a_bad_request_changes_nothing(client: TestClient) -> None:
    sid = create(client, amount=5000)["sessionId"]
    before = client.get(f"/v1/sessions/{sid}").json()
    client.post("/v1/chat", json={"sessionId": sid, "message": "x" * 2001})
    client.post(
        "/v1/chat",
        content=b'{"sessionId": "' + sid.encode() + b'", "message": ',
        headers={"content-type": "application/json"},
    )
    assert client.get(f"/v1/sessions/{sid}").json() == before


def test_body_over_16_kib_is_refused(client: TestClient) -> None:
    response = client.post(
        "/v1/chat",
        content=b'{"message": "' + b"a" * 17000 + b'"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413 and response.json()["error"]["code"] == "payload_too_large"


def test_unknown_session_is_404(client: TestClient) -> None:
    response = client.post("/v1/chat", json={"sessionId": "ses_nope", "message": "hi"})
    assert response.status_code == 404 and response.json()["error"]["code"] == "session_not_found"
    assert client.get("/v1/sessions/ses_nope").json()["error"]["code"] == "session_not_found"


@pytest.mark.parametrize(
    "body",
    [
        {"amount": 0},
        {"amount": -5},
        {"amount": 12.5},
        {"amount": "50"},
        {"currency": "USD"},
        {"reference": "x" * 65},
        {"customerName": "<b>"},
        {"cardEntry": "carrier pigeon"},
        {"amount": 10**12},
    ],
)
def test_bad_session_presets_are_refused(client: TestClient, body: dict) -> None:
    response = client.post("/v1/sessions", json=body)
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_request"


def test_typed_entry_needs_the_server_to_allow_it(make_client) -> None:
    strict = make_client()
    response = strict.post("/v1/sessions", json={"cardEntry": "typed"})
    assert response.status_code == 400 and "typed" in response.json()["error"]["message"].lower()


def test_merchant_api_keys_guard_session_creation(make_client) -> None:
    guarded = make_client(merchant_api_keys="k_live_one,k_live_two")
    assert guarded.post("/v1/sessions", json={}).status_code == 401
    assert guarded.post("/v1/sessions", json={}, headers={"Authorization": "Bearer wrong"}).status_code == 401
    ok = guarded.post("/v1/sessions", json={}, headers={"Authorization": "Bearer k_live_two"})
    assert ok.status_code == 201


def test_typed_session_conversation_never_echoes_the_card(client: TestClient) -> None:
    sid = create(client, amount=5000, cardEntry="typed")["sessionId"]
    said = [chat(client, sid, m) for m in ("Jane Doe", "4242 4242 4242 4242", "12/29", "739", "yes")]
    assert said[-1]["status"] == "completed"
    text = json.dumps(said)
    assert not find_card_numbers(text) and "739" not in text


def test_openapi_and_docs_are_served(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert {"/v1/sessions", "/v1/chat", "/v1/sessions/{session_id}", "/healthz"} <= set(schema["paths"])
    assert client.get("/docs").status_code == 200


def test_sandbox_endpoints_need_the_sandbox_gateway(client: TestClient) -> None:
    assert client.get("/v1/sandbox/payment_intents", params={"sessionId": "ses_x"}).json() == {"data": []}
    response = client.post("/v1/sandbox/payment_intents/pi_missing/authenticate", json={"outcome": "approve"})
    assert response.status_code == 404
