"""The merchant API through HTTP on embedded adapters: links, their lifetime, events, payments, auth."""

from __future__ import annotations

import re
from collections.abc import Callable
from email import policy
from email.parser import BytesParser

import pytest
from fastapi.testclient import TestClient

from tests.conftest import FIXED_NOW

SEVEN_DAYS = 7 * 86_400


def pay_with_card(client: TestClient, session_id: str, number: str = "4242424242424242") -> dict:
    method = client.post(
        "/v1/sandbox/payment_methods", json={"number": number, "expMonth": 12, "expYear": 2030, "cvc": "123"}
    ).json()
    client.post("/v1/chat", json={"sessionId": session_id, "message": "Jane Doe"})
    client.post("/v1/chat", json={"sessionId": session_id, "paymentMethod": method["id"]})
    return client.post("/v1/chat", json={"sessionId": session_id, "message": "yes"}).json()


def test_a_session_answers_its_payment_link_and_when_it_expires(client: TestClient) -> None:
    created = client.post("/v1/sessions", json={"amount": 12000, "reference": "INV-7"})
    assert created.status_code == 201
    body = created.json()
    match = re.fullmatch(r"http://127\.0\.0\.1:8765/pay/([A-Za-z0-9]+)", body["url"])
    assert match, body["url"]
    token = match.group(1)
    assert len(token) >= 22 and not re.search(r"\d{13}", token)
    assert body["sessionId"] not in token and body["expiresAt"] == int(FIXED_NOW) + SEVEN_DAYS
    other = client.post("/v1/sessions", json={"expiresInSeconds": 60}).json()
    assert other["expiresAt"] == int(FIXED_NOW) + 60 and other["url"] != body["url"]


@pytest.mark.parametrize("seconds", [59, 30 * 86_400 + 1, "3600"])
def test_a_link_lifetime_out_of_bounds_is_refused_by_name(client: TestClient, seconds: object) -> None:
    answer = client.post("/v1/sessions", json={"expiresInSeconds": seconds})
    assert answer.status_code == 400
    assert "expiresInSeconds" in answer.json()["error"]["message"]


def test_opening_the_link_shows_the_page_and_the_greeting_with_amount_reference_description(
    client: TestClient,
) -> None:
    body = {"amount": 12000, "reference": "INV-7", "description": "Water bill, March"}
    created = client.post("/v1/sessions", json=body).json()
    path = created["url"].removeprefix("http://127.0.0.1:8765")
    page = client.get(path)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "content-security-policy" in page.headers
    token = path.rsplit("/", 1)[1]
    opened = client.get(f"/v1/pay/{token}").json()
    assert opened["sessionId"] == created["sessionId"] and opened["status"] == "collecting"
    for fact in ("$120.00", "INV-7", "Water bill, March"):
        assert fact in opened["response"]
    assert client.get("/v1/pay/" + "A" * 24).json()["error"]["code"] == "link_not_found"
    assert client.get("/v1/pay/not-a-token").status_code == 404


def test_the_link_waits_for_the_payer_then_the_idle_timeout_counts_from_the_first_turn(
    client: TestClient, clock
) -> None:
    created = client.post("/v1/sessions", json={"amount": 5000, "expiresInSeconds": 3600}).json()
    token = created["url"].rsplit("/", 1)[1]
    clock.advance(1800)  # past the 15-minute idle timeout, inside the link's hour
    assert client.get(f"/v1/pay/{token}").json()["status"] == "collecting"
    client.post("/v1/chat", json={"sessionId": created["sessionId"], "message": "Jane Doe"})
    clock.advance(901)
    assert client.get(f"/v1/pay/{token}").json()["status"] == "expired"

    unopened = client.post("/v1/sessions", json={"expiresInSeconds": 120}).json()
    clock.advance(121)
    gone = client.get(f"/v1/pay/{unopened['url'].rsplit('/', 1)[1]}").json()
    assert gone["status"] == "expired"
    events = client.get("/v1/events", params={"type": "session.expired"}).json()["data"]
    assert {e["data"]["session"]["id"] for e in events} == {created["sessionId"], unopened["sessionId"]}


def test_metadata_is_kept_and_card_data_in_it_is_refused_without_echo(client: TestClient) -> None:
    refused = client.post("/v1/sessions", json={"metadata": {"note": "card 4242 4242 4242 4242"}})
    assert refused.status_code == 400
    message = refused.json()["error"]["message"]
    assert "metadata" in message and "4242" not in message
    too_many = client.post("/v1/sessions", json={"metadata": {f"k{i}": "v" for i in range(21)}})
    assert too_many.status_code == 400
    created = client.post(
        "/v1/sessions", json={"amount": 5000, "reference": "INV-9", "metadata": {"customer": "C-12"}}
    ).json()
    pay_with_card(client, created["sessionId"])
    [payment] = client.get("/v1/payments", params={"reference": "INV-9"}).json()["data"]
    assert payment["metadata"] == {"customer": "C-12"}


def test_a_paid_session_has_its_events_and_its_payment_listed(client: TestClient) -> None:
    created = client.post("/v1/sessions", json={"amount": 5000, "reference": "INV-1"}).json()
    sid = created["sessionId"]
    declined = pay_with_card(client, sid, "4000000000000002")
    assert declined["payment"]["status"] == "failed"
    method = client.post(
        "/v1/sandbox/payment_methods",
        json={"number": "5555555555554444", "expMonth": 12, "expYear": 2030, "cvc": "123"},
    ).json()
    client.post("/v1/chat", json={"sessionId": sid, "paymentMethod": method["id"]})
    paid = client.post("/v1/chat", json={"sessionId": sid, "message": "yes"}).json()
    assert paid["status"] == "completed"

    events = client.get("/v1/events").json()
    assert [e["type"] for e in events["data"]] == ["session.completed", "payment.succeeded", "payment.failed"]
    assert events["hasMore"] is False
    failed = events["data"][2]["data"]
    assert (
        failed["payment"]["failureCode"] == "card_declined"
        and failed["session"]["status"] == "awaiting_payment_method"
    )
    assert all(e["id"].startswith("evt_") for e in events["data"])
    text = str(events)
    assert "5555555555554444" not in text and "Jane Doe" not in text

    payments = client.get("/v1/payments", params={"reference": "INV-1"}).json()["data"]
    assert [(p["status"], p["last4"]) for p in payments] == [("succeeded", "4444"), ("failed", "0002")]
    one = client.get(f"/v1/payments/{paid['payment']['id']}").json()
    assert one["sessionId"] == sid and one["amount"] == 5000 and one["reference"] == "INV-1"
    assert client.get("/v1/payments/pi_nothing").json()["error"]["code"] == "payment_not_found"
    assert client.get("/v1/payments", params={"status": "failed"}).json()["data"][0]["last4"] == "0002"
    paged = client.get("/v1/payments", params={"limit": 1}).json()
    assert paged["hasMore"] is True
    rest = client.get("/v1/payments", params={"limit": 1, "startingAfter": paged["data"][0]["id"]}).json()
    assert rest["data"][0]["status"] == "failed" and rest["hasMore"] is False


def test_sending_the_link_writes_an_email_and_an_sms_into_the_outbox(client: TestClient, tmp_path) -> None:
    created = client.post(
        "/v1/sessions", json={"amount": 5000, "reference": "INV-3", "description": "Gas"}
    ).json()
    sid = created["sessionId"]
    email = client.post(f"/v1/sessions/{sid}/send", json={"email": "jane@example.com"})
    sms = client.post(f"/v1/sessions/{sid}/send", json={"sms": "+15555550100"})
    assert email.status_code == 200 and email.json()["sent"] == "email"
    assert sms.json()["sent"] == "sms"
    files = sorted((tmp_path / "outbox").iterdir())
    [eml] = [f for f in files if f.suffix == ".eml"]
    [text] = [f for f in files if f.name.endswith(".sms.json")]
    message = BytesParser(policy=policy.default).parsebytes(eml.read_bytes())
    assert message["To"] == "jane@example.com"
    plain = message.get_body(("plain",)).get_content()
    assert created["url"] in plain and "$50.00" in plain and "Gas" in plain
    assert created["url"] in message.get_body(("html",)).get_content()
    assert created["url"] in text.read_text() and "+15555550100" in text.read_text()

    assert client.post(f"/v1/sessions/{sid}/send", json={}).status_code == 400
    both = client.post(f"/v1/sessions/{sid}/send", json={"sms": "+15555550100", "email": "a@b.co"})
    assert both.status_code == 400
    assert client.post(f"/v1/sessions/{sid}/send", json={"sms": "5550100"}).status_code == 400
    unknown = client.post("/v1/sessions/ses_nothing/send", json={"sms": "+15555550100"})
    assert unknown.json()["error"]["code"] == "session_not_found"
    client.post("/v1/chat", json={"sessionId": sid, "message": "cancel"})
    closed = client.post(f"/v1/sessions/{sid}/send", json={"sms": "+15555550100"})
    assert closed.status_code == 409 and closed.json()["error"]["code"] == "session_closed"


def test_every_merchant_endpoint_needs_a_merchant_key_and_a_session_id_is_not_one(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client(merchant_api_keys="mk_test_one,mk_test_two")
    key = {"Authorization": "Bearer mk_test_two"}
    created = client.post("/v1/sessions", json={"amount": 5000}, headers=key).json()
    sid = created["sessionId"]
    token = created["url"].rsplit("/", 1)[1]
    calls = [
        ("POST", "/v1/sessions", {"amount": 5000}),
        ("POST", f"/v1/sessions/{sid}/send", {"sms": "+15555550100"}),
        ("GET", "/v1/events", None),
        ("GET", "/v1/payments", None),
        ("GET", "/v1/payments/pi_x", None),
    ]
    for method, path, body in calls:
        for headers in ({}, {"Authorization": f"Bearer {sid}"}, {"Authorization": f"Bearer {token}"}):
            answer = client.request(method, path, json=body, headers=headers)
            assert answer.status_code == 401, (path, headers)
            assert answer.json()["error"]["code"] == "unauthorized"
        assert client.request(method, path, json=body, headers=key).status_code in (200, 201, 404)
    # The payer's side still works without a key.
    assert client.get(f"/v1/pay/{token}").status_code == 200
    assert client.post("/v1/chat", json={"sessionId": sid, "message": "Jane Doe"}).status_code == 200
