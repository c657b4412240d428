"""Helpers of the reliability tests: `paybot serve` processes we may kill, a typed-card conversation, and
direct reads of the SQLite files once no server holds them."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from tests.support.servers import PAYBOT, ROOT, free_port, stop, wait_until_up

# Stripe's always-succeeding test card; it must never appear in a server's output.
CARD_NUMBER = "4242 4242 4242 4242"
FIELDS_BEFORE_YES = ["Jane Doe", CARD_NUMBER, "12/30", "123"]


class Server:
    """One `paybot serve` subprocess on a free loopback port; its output goes to data_dir/server.log.

    With `crash_at`, the server is `tests/support/crash_server.py` instead: the same app, built with
    a wrapper that SIGKILLs the process at that point of a payment.
    """

    def __init__(
        self, data_dir: Path, env: dict[str, str] | None = None, crash_at: str | None = None
    ) -> None:
        port = free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        full_env = {
            **os.environ,
            "PAYBOT_DATA_DIR": str(data_dir),
            "PAYBOT_ALLOW_TYPED_CARD_ENTRY": "true",
            "PAYBOT_LOG_LEVEL": "WARNING",
            **(env or {}),
        }
        command = [str(PAYBOT), "serve", "--host", "127.0.0.1", "--port", str(port)]
        if not PAYBOT.exists():
            command = [sys.executable, "-m", "paybot_channels.cli", *command[1:]]
        if crash_at is not None:
            command = [sys.executable, "-m", "tests.support.crash_server", crash_at, *command[2:]]
        with (data_dir / "server.log").open("ab") as log:
            self.process = subprocess.Popen(
                command, env=full_env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT
            )
        try:
            wait_until_up(f"{self.base_url}/healthz", self.process)
        except BaseException:
            stop(self.process)
            raise

    def stop(self) -> None:
        stop(self.process)


@contextlib.contextmanager
def running(
    data_dir: Path, env: dict[str, str] | None = None, crash_at: str | None = None
) -> Iterator[Server]:
    server = Server(data_dir, env, crash_at)
    try:
        yield server
    finally:
        server.stop()


def post(client: httpx.Client, base_url: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"{base_url}{path}", json=body)
    assert response.status_code < 300, (path, response.status_code, response.text)
    payload: dict[str, Any] = response.json()
    return payload


def session_at_confirmation(client: httpx.Client, base_url: str, amount: int = 5000) -> str:
    """Start a typed-card session and fill every field: it then waits for the payer's yes."""
    session_id: str = post(client, base_url, "/v1/sessions", {"amount": amount, "cardEntry": "typed"})[
        "sessionId"
    ]
    for message in FIELDS_BEFORE_YES:
        reply = post(client, base_url, "/v1/chat", {"sessionId": session_id, "message": message})
    assert reply["currentField"] == "confirmation", reply
    return session_id


def gateway_intents(data_dir: Path, session_id: str) -> list[tuple[str, str, str]]:
    """(id, idempotency key, status) of every PaymentIntent the sandbox gateway holds for the session."""
    with contextlib.closing(sqlite3.connect(data_dir / "sandbox_gateway.sqlite3")) as conn:
        rows = conn.execute(
            "SELECT id, idempotency_key, status FROM payment_intents WHERE session_id = ? ORDER BY created",
            (session_id,),
        ).fetchall()
    return [(str(a), str(b), str(c)) for a, b, c in rows]


def integrity(path: Path) -> str:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def assert_no_card_number(data_dir: Path) -> None:
    """The full card number is in no file the servers wrote (logs, stores, audit log)."""
    digits = CARD_NUMBER.replace(" ", "").encode()
    for path in data_dir.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert digits not in content and CARD_NUMBER.encode() not in content, path.name
