"""`paybot serve` delivers its outbox to a webhook endpoint on loopback from its own thread, and what a
SIGKILL interrupts is delivered after the restart: the events were saved with the session, so a
restarted server finds them, and an event is never invented by a retried turn."""

from __future__ import annotations

import contextlib
import sqlite3
import time
from pathlib import Path

import httpx
import pytest

from paybot_core import signing
from tests.support.webhook_receiver import Receiver, new_receiver, serving

from .support import post, running, session_at_confirmation
from .test_crash_safety import yes_kills_the_server

pytestmark = pytest.mark.slow
SECRET = "whsec_reliability"


def webhook_env(receiver: Receiver, **extra: str) -> dict[str, str]:
    return {
        "PAYBOT_WEBHOOK_URLS": receiver.url,
        "PAYBOT_WEBHOOK_SECRET": SECRET,
        "PAYBOT_WEBHOOK_POLL_SECONDS": "0.1",
        "PAYBOT_WEBHOOK_RETRY_SECONDS": "0.2",
        "PAYBOT_WEBHOOK_RETRY_MAX_SECONDS": "0.5",
        **extra,
    }


def wait_for(receiver: Receiver, count: int, timeout: float = 15.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        accepted = receiver.accepted()
        if len(accepted) >= count:
            return accepted
        time.sleep(0.05)
    raise AssertionError(f"{len(receiver.accepted())} of {count} events arrived: {receiver.accepted()}")


def assert_signed(receiver: Receiver) -> None:
    for request in receiver.all():
        sent_at = int(request.signature.split(",")[0].removeprefix("t="))
        assert abs(sent_at - time.time()) < 60
        assert signing.verify(SECRET, request.body, request.signature, time.time())


def test_a_server_killed_right_after_a_charge_delivers_the_payment_after_restart(tmp_path) -> None:
    receiver = new_receiver()
    with serving(receiver):
        with running(tmp_path, webhook_env(receiver), crash_at="after_charge") as server:
            with httpx.Client(timeout=15) as client:
                session_id = session_at_confirmation(client, server.base_url)
            yes_kills_the_server(server, session_id)
        assert receiver.accepted() == []  # nothing was saved, so nothing was announced
        with running(tmp_path, webhook_env(receiver)) as server, httpx.Client(timeout=15) as client:
            reply = post(client, server.base_url, "/v1/chat", {"sessionId": session_id, "message": "yes"})
            assert reply["status"] == "completed"
            post(client, server.base_url, "/v1/chat", {"sessionId": session_id, "message": "yes"})
            events = wait_for(receiver, 2)
            time.sleep(0.5)  # room for a duplicate to show up, if one were made
    assert [e["type"] for e in receiver.accepted()] == ["payment.succeeded", "session.completed"]
    assert events[0]["data"]["payment"]["id"] == reply["payment"]["id"]
    assert_signed(receiver)


def wait_for_a_failed_try(data_dir: Path, timeout: float = 15.0) -> None:
    """Until the dispatcher has tried an event, failed, and given its claim back.

    A kill while an event is claimed leaves the claim to run out (a minute or more), so the test
    must not kill in that window: the first server waits seconds between tries, and we kill in one.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.closing(sqlite3.connect(data_dir / "sessions.sqlite3", timeout=5)) as conn:
            row = conn.execute(
                "SELECT count(*) FROM webhook_deliveries "
                "WHERE attempts >= 1 AND lease_until = 0 AND pending = 1"
            ).fetchone()
        if row[0] >= 1:
            return
        time.sleep(0.05)
    raise AssertionError("the dispatcher never recorded a failed try")


def test_events_saved_before_a_kill_are_delivered_by_the_restarted_server(tmp_path) -> None:
    receiver = new_receiver()  # not listening yet: the first server cannot deliver
    # 2-4 s between tries: the kill below lands between two of them, never during one.
    slow_retries = {"PAYBOT_WEBHOOK_RETRY_SECONDS": "4", "PAYBOT_WEBHOOK_RETRY_MAX_SECONDS": "4"}
    with (
        running(tmp_path, {**webhook_env(receiver), **slow_retries}) as server,
        httpx.Client(timeout=15) as client,
    ):
        session_id = session_at_confirmation(client, server.base_url)
        reply = post(client, server.base_url, "/v1/chat", {"sessionId": session_id, "message": "yes"})
        assert reply["status"] == "completed"
        wait_for_a_failed_try(tmp_path)
        server.process.kill()
        server.process.wait(timeout=10)
    with serving(receiver), running(tmp_path, webhook_env(receiver)):
        wait_for(receiver, 2)
        time.sleep(0.5)
    accepted = receiver.accepted()
    assert [e["type"] for e in accepted] == ["payment.succeeded", "session.completed"]
    assert len({e["id"] for e in accepted}) == 2
    assert_signed(receiver)
