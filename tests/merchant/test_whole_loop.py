"""The merchant's whole loop against `paybot serve` on embedded defaults, with a webhook endpoint on
loopback: a session with a reference, its link sent by email and SMS into the outbox, the payer paying
through the link, signed webhooks, the payment listed by reference, the receipt in the outbox."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from email import policy
from email.parser import BytesParser
from pathlib import Path

import httpx
import pytest

from tests.reliability.support import running
from tests.reliability.test_webhook_delivery import SECRET, assert_signed, wait_for, webhook_env
from tests.support.servers import PAYBOT
from tests.support.webhook_receiver import new_receiver, serving

pytestmark = pytest.mark.slow


def paybot(data_dir: Path, *args: str) -> str:
    command = (
        [str(PAYBOT), *args] if PAYBOT.exists() else [sys.executable, "-m", "paybot_channels.cli", *args]
    )
    env = {**os.environ, "PAYBOT_DATA_DIR": str(data_dir)}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=True)
    return done.stdout


def pay_through_link(client: httpx.Client, base: str, url: str) -> dict:
    token = url.rsplit("/pay/", 1)[1]
    opened = client.get(f"{base}/v1/pay/{token}").json()
    sid = opened["sessionId"]
    client.post(f"{base}/v1/chat", json={"sessionId": sid, "message": "Jane Doe"})
    card = {"number": "4242424242424242", "expMonth": 12, "expYear": 2030, "cvc": "123"}
    method = client.post(f"{base}/v1/sandbox/payment_methods", json=card).json()
    client.post(f"{base}/v1/chat", json={"sessionId": sid, "paymentMethod": method["id"]})
    return {
        "opened": opened,
        "paid": client.post(f"{base}/v1/chat", json={"sessionId": sid, "message": "yes"}).json(),
    }


def emails(outbox: Path) -> list:
    return [
        BytesParser(policy=policy.default).parsebytes(p.read_bytes()) for p in sorted(outbox.glob("*.eml"))
    ]


def test_the_whole_merchant_loop_on_embedded_defaults(tmp_path) -> None:
    receiver = new_receiver()
    env = webhook_env(receiver, PAYBOT_MERCHANT_NAME="Acme Water")
    with serving(receiver), running(tmp_path, env) as server, httpx.Client(timeout=15) as client:
        base = server.base_url
        created = client.post(
            f"{base}/v1/sessions",
            json={
                "amount": 12000,
                "reference": "INV-LOOP-1",
                "description": "Water bill, March",
                "receiptEmail": "jane@example.com",
                "metadata": {"customer": "C-12"},
            },
        ).json()
        sid = created["sessionId"]
        for body in ({"email": "jane@example.com"}, {"sms": "+15555550100"}):
            assert client.post(f"{base}/v1/sessions/{sid}/send", json=body).status_code == 200
        listed = paybot(tmp_path, "outbox")
        assert (
            "email" in listed
            and "sms" in listed
            and "jane@example.com" in listed
            and "+15555550100" in listed
        )

        result = pay_through_link(client, base, created["url"])
        assert result["opened"]["sessionId"] == sid
        assert "$120.00" in result["opened"]["response"] and "INV-LOOP-1" in result["opened"]["response"]
        paid = result["paid"]
        assert paid["status"] == "completed"

        events = wait_for(receiver, 3)
        assert [e["type"] for e in events] == ["payment.succeeded", "session.completed", "receipt.sent"]
        assert events[0]["data"]["payment"]["id"] == paid["payment"]["id"]
        assert events[0]["data"]["session"]["metadata"] == {"customer": "C-12"}
        assert_signed(receiver)

        payments = client.get(f"{base}/v1/payments", params={"reference": "INV-LOOP-1"}).json()["data"]
        assert [(p["id"], p["status"], p["amount"]) for p in payments] == [
            (paid["payment"]["id"], "succeeded", 12000)
        ]

    rows = list(
        csv.DictReader(io.StringIO(paybot(tmp_path, "payments", "--reference", "INV-LOOP-1", "--csv")))
    )
    assert [(r["id"], r["status"], r["last4"]) for r in rows] == [
        (paid["payment"]["id"], "succeeded", "4242")
    ]
    assert paybot(tmp_path, "payments", "--reference", "INV-OTHER").strip() == "no payments"

    link_mail, receipt = emails(tmp_path / "outbox")
    assert created["url"] in link_mail.get_body(("plain",)).get_content()
    text = receipt.get_body(("plain",)).get_content()
    for fact in ("Acme Water", "$120.00", "INV-LOOP-1", "Water bill, March", "4242", paid["payment"]["id"]):
        assert fact in text, fact
    assert receipt["To"] == "jane@example.com" and "4242424242424242" not in text
    assert "$120.00" in receipt.get_body(("html",)).get_content()
    [sms] = list((tmp_path / "outbox").glob("*.sms.json"))
    assert created["url"] in sms.read_text()
    assert SECRET not in (tmp_path / "server.log").read_text()
