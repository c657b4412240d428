"""One session, two channels (merchant-api.md): a caller of `paybot call` presses 9 at the card number
for the payment link by SMS, the text lands in the outbox (`paybot outbox`), and the payer finishes the
same session on the web through the link: a web payment (secure form, not MOTO), in the caller's
language, whose events say channel web."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from paybot_channels.cli import main
from paybot_channels.web.app import create_app
from paybot_core import EventQuery, Settings, build


def _texts(data_dir: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((data_dir / "outbox").glob("*.sms.json"))]


def _pay_on_the_web(data_dir: Path, url: str) -> tuple[dict, dict, list]:
    services = build(Settings(data_dir=data_dir))
    with TestClient(create_app(services, sweep_expired=False)) as client:
        token = url.rsplit("/pay/", 1)[1]
        opened = client.get(f"/v1/pay/{token}").json()
        card = {"number": "4242424242424242", "expMonth": 12, "expYear": 2030, "cvc": "123"}
        method = client.post("/v1/sandbox/payment_methods", json=card).json()
        sid = opened["sessionId"]
        client.post("/v1/chat", json={"sessionId": sid, "paymentMethod": method["id"]})
        paid = client.post(
            "/v1/chat", json={"sessionId": sid, "message": "yes" if opened["locale"] == "en" else "sí"}
        )
        events = [e.to_json() for e in services.merchant.events(EventQuery(limit=20)).data]
    return opened, paid.json(), events


@pytest.mark.parametrize(
    ("language", "sent", "text"), [("1", "I've sent a text message", "pay"), ("2", "Le envié", "pague")]
)
def test_a_caller_takes_the_link_by_sms_and_the_same_session_is_paid_on_the_web(
    data_dir: Path, capsys: pytest.CaptureFixture[str], language: str, sent: str, text: str
) -> None:
    assert main(["call", "--keys", f"{language} 9#"]) == 0
    said = capsys.readouterr().out
    assert sent in said
    (sms,) = _texts(data_dir)
    assert sms["to"] == "+15555550100" and f" {text} " in sms["text"]
    url = re.search(r"http://\S+/pay/[A-Za-z0-9]+", sms["text"])
    assert url is not None
    assert main(["outbox"]) == 0 and "+15555550100" in capsys.readouterr().out

    opened, paid, events = _pay_on_the_web(data_dir, url.group(0))
    assert opened["status"] == "awaiting_payment_method" and opened["cardEntry"]["mode"] == "sandbox"
    assert opened["collected"]["amount"] == 5000 and opened["locale"] == ("en" if language == "1" else "es")
    assert paid["status"] == "completed" and paid["sessionId"] == opened["sessionId"]
    succeeded = next(e for e in events if e["type"] == "payment.succeeded")
    assert succeeded["data"]["session"]["id"] == opened["sessionId"]
    assert succeeded["data"]["session"]["channel"] == "web"


def test_card_digits_keyed_before_the_link_key_are_not_kept(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A number, a restart (*), then the link key: nothing of the number is in the session or the text.
    assert main(["call", "--keys", "1 4242 4242*#9#"]) == 0
    assert "I've sent a text message" in capsys.readouterr().out
    (sms,) = _texts(data_dir)
    assert "4242" not in sms["text"]
    database = (data_dir / "sessions.sqlite3").read_bytes()
    assert b"4242424242424242" not in database
