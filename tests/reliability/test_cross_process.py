"""Two `paybot serve` processes on one store receive the same confirmation at once: exactly one charge.

Each server gets several parallel "yes" for one session, released together by a barrier. Every turn
loads the versioned session, charges with the key `<session>:payment:1` and saves on the version it
read; the loser of a save re-reads the completed session and does not charge again, and the sandbox
gateway (one SQLite file in the shared data dir) answers a repeated key with the same intent.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.support import moto_server as moto

from .support import assert_no_card_number, gateway_intents, integrity, running, session_at_confirmation

pytestmark = pytest.mark.slow
YES_PER_SERVER = 6


def confirm_at_once(base_urls, session_id):
    """YES_PER_SERVER parallel yes to each server, all sent as one burst; returns every reply."""
    targets = [url for url in base_urls for _ in range(YES_PER_SERVER)]
    barrier = threading.Barrier(len(targets), timeout=15)

    def send(url):
        with httpx.Client(timeout=20) as client:
            client.get(f"{url}/healthz")  # connect first, so the burst is only the yes
            barrier.wait()
            response = client.post(f"{url}/v1/chat", json={"sessionId": session_id, "message": "yes"})
        return response.status_code, response.json()

    with ThreadPoolExecutor(len(targets)) as pool:
        return list(pool.map(send, targets))


def assert_one_charge(replies, data_dir, session_id, base_url):
    assert all(code == 200 for code, _ in replies), [r for r in replies if r[0] != 200]
    assert {body["status"] for _, body in replies} == {"completed"}
    [(intent_id, key, status)] = gateway_intents(data_dir, session_id)
    assert (key, status) == (f"{session_id}:payment:1", "succeeded")
    assert {body["payment"]["id"] for _, body in replies} == {intent_id}
    with httpx.Client(timeout=10) as client:
        listed = client.get(f"{base_url}/v1/sandbox/payment_intents", params={"sessionId": session_id})
        assert [i["id"] for i in listed.json()["data"]] == [intent_id]
        final = client.get(f"{base_url}/v1/sessions/{session_id}").json()
    assert final["status"] == "completed" and final["payment"]["id"] == intent_id


def test_two_servers_on_one_sqlite_file_charge_a_confirmation_once(tmp_path):
    with running(tmp_path) as first, running(tmp_path) as second:
        with httpx.Client(timeout=15) as client:
            sessions = [session_at_confirmation(client, url) for url in (first.base_url, second.base_url)]
        for session_id in sessions:
            replies = confirm_at_once([first.base_url, second.base_url], session_id)
            assert_one_charge(replies, tmp_path, session_id, second.base_url)
            with contextlib.closing(sqlite3.connect(tmp_path / "sessions.sqlite3")) as conn:
                (version,) = conn.execute(
                    "SELECT version FROM sessions WHERE session_id = ?", (session_id,)
                ).fetchone()
            assert version == 6  # created, 4 fields, one saved yes; the other yes re-read and stopped
    for name in ("sessions.sqlite3", "sandbox_gateway.sqlite3"):
        assert integrity(tmp_path / name) == "ok"
    assert_no_card_number(tmp_path)


@pytest.mark.aws
def test_two_servers_on_one_dynamodb_table_charge_a_confirmation_once(tmp_path, moto_url):
    sessions = moto.new_session_table(moto_url)
    dynamodb, table = sessions.dynamodb, sessions.name
    env = {**moto.aws_env(moto_url), **sessions.env()}
    with running(tmp_path, env) as first, running(tmp_path, env) as second:
        with httpx.Client(timeout=15) as client:
            sessions = [session_at_confirmation(client, url) for url in (first.base_url, second.base_url)]
        for session_id in sessions:
            replies = confirm_at_once([first.base_url, second.base_url], session_id)
            assert_one_charge(replies, tmp_path, session_id, first.base_url)
            item = dynamodb.get_item(TableName=table, Key={"sessionId": {"S": session_id}})["Item"]
            assert int(item["version"]["N"]) == 6  # created, 4 fields, one saved yes; the rest re-read
    assert not (tmp_path / "sessions.sqlite3").exists()
    assert integrity(tmp_path / "sandbox_gateway.sqlite3") == "ok"
    assert_no_card_number(tmp_path)
