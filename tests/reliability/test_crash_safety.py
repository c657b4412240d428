"""SIGKILL the server at chosen points of a payment, restart it on the same data dir, and show nothing is
lost or charged twice: the payer's retried "yes" reuses the idempotency key `<session>:payment:1`, so the
sandbox gateway answers with the intent it already made, and the SQLite files stay intact.

The kill points are wrappers composed by `tests/support/crash_server.py` (nothing of them is in `src/`):
`after_charge` (gateway accepted, session not saved) and `mid_save` (inside the session UPDATE's
transaction, before COMMIT).
"""

from __future__ import annotations

import contextlib
import signal
import sqlite3
import subprocess

import httpx
import pytest

from .support import (
    assert_no_card_number,
    gateway_intents,
    integrity,
    post,
    running,
    session_at_confirmation,
)

pytestmark = pytest.mark.slow
SQLITE_FILES = ("sessions.sqlite3", "sandbox_gateway.sqlite3")


def stored_version_and_status(data_dir, session_id):
    with contextlib.closing(sqlite3.connect(data_dir / "sessions.sqlite3")) as conn:
        row = conn.execute(
            # A phase at its default ("active") is left out of the stored state.
            "SELECT version, coalesce(json_extract(state, '$.phase'), 'active'), "
            "json_extract(state, '$.payment') FROM sessions WHERE session_id = ?",
            (session_id,),
        ).fetchone()
    assert row is not None, "the session was lost"
    return row


def yes_kills_the_server(server, session_id):
    """The yes that reaches the kill point: the connection drops and the process dies of SIGKILL."""
    with httpx.Client(timeout=15) as client, pytest.raises(httpx.TransportError):
        client.post(f"{server.base_url}/v1/chat", json={"sessionId": session_id, "message": "yes"})
    try:
        assert server.process.wait(timeout=10) == -signal.SIGKILL
    except subprocess.TimeoutExpired:  # pragma: no cover - the hook did not fire
        server.stop()
        raise


def retry_yes_after_restart(data_dir, session_id, bystanders):
    """Restart on the same data dir: the retried yes completes with the intent made before the crash."""
    [(intent_id, key, status)] = gateway_intents(data_dir, session_id)
    assert (key, status) == (f"{session_id}:payment:1", "succeeded")
    with running(data_dir) as server, httpx.Client(timeout=15) as client:
        before = client.get(f"{server.base_url}/v1/sessions/{session_id}").json()
        assert before["status"] == "confirming" and before["payment"] is None, before
        reply = post(client, server.base_url, "/v1/chat", {"sessionId": session_id, "message": "yes"})
        assert reply["status"] == "completed", reply
        assert reply["payment"]["id"] == intent_id and reply["payment"]["status"] == "succeeded"
        again = post(client, server.base_url, "/v1/chat", {"sessionId": session_id, "message": "yes"})
        assert again["status"] == "completed" and again["payment"]["id"] == intent_id
        listed = client.get(
            f"{server.base_url}/v1/sandbox/payment_intents", params={"sessionId": session_id}
        ).json()["data"]
        assert [(i["id"], i["status"]) for i in listed] == [(intent_id, "succeeded")]
        for other in bystanders:  # no session lost, none charged
            state = client.get(f"{server.base_url}/v1/sessions/{other}").json()
            assert state["status"] == "confirming" and state["currentField"] == "confirmation", state
            assert gateway_intents(data_dir, other) == []
    assert gateway_intents(data_dir, session_id) == [(intent_id, key, "succeeded")]
    for name in SQLITE_FILES:
        assert integrity(data_dir / name) == "ok", name
    assert_no_card_number(data_dir)


def test_killed_after_the_gateway_accepted_the_charge_and_before_the_save(tmp_path):
    with running(tmp_path, crash_at="after_charge") as server:
        with httpx.Client(timeout=15) as client:
            bystanders = [session_at_confirmation(client, server.base_url) for _ in range(3)]
            session_id = session_at_confirmation(client, server.base_url)
        yes_kills_the_server(server, session_id)
    version, phase, payment = stored_version_and_status(tmp_path, session_id)
    assert (version, phase, payment) == (5, "active", None)  # charged, but the session never knew
    retry_yes_after_restart(tmp_path, session_id, bystanders)


def test_killed_in_the_middle_of_the_session_write(tmp_path):
    with running(tmp_path) as server, httpx.Client(timeout=15) as client:
        bystanders = [session_at_confirmation(client, server.base_url) for _ in range(3)]
        session_id = session_at_confirmation(client, server.base_url)
    version_before, _, _ = stored_version_and_status(tmp_path, session_id)
    with running(tmp_path, crash_at="mid_save") as server:
        yes_kills_the_server(server, session_id)
    # The UPDATE ran inside BEGIN IMMEDIATE and was never committed: recovery rolls it back whole.
    version, phase, payment = stored_version_and_status(tmp_path, session_id)
    assert (version, phase, payment) == (version_before, "active", None)
    retry_yes_after_restart(tmp_path, session_id, bystanders)
