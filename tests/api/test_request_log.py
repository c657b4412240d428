"""One request log line per request: method, route template, status, duration, hashed session id."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.support.servers import paybot_server

LINE = re.compile(r"^(GET|POST) (\S+) (\d{3}) \d+\.\dms session=(-|[0-9a-f]{12})$")


def _lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "paybot.requests"]


def test_each_request_logs_one_line_without_path_query_or_body(
    make_client: Callable[..., TestClient], caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client()
    caplog.set_level(logging.INFO, logger="paybot.requests")
    started = client.post("/v1/sessions", json={"amount": 5000, "reference": "INV-77"})
    session = started.json()["sessionId"]
    client.post("/v1/chat", json={"sessionId": session, "message": "Jane Doe"})
    client.get(f"/v1/sessions/{session}", params={"token": "q-secret"})
    client.get("/no/such/page?x=1")
    client.post("/v1/chat", content=b"{", headers={"content-type": "application/json"})
    client.get("/static/app.js")

    lines = _lines(caplog)
    assert len(lines) == 6
    parsed = [LINE.match(line) for line in lines]
    assert all(parsed), lines
    tag = hashlib.sha256(session.encode()).hexdigest()[:12]
    assert [(m[1], m[2], m[3], m[4]) for m in parsed if m] == [
        ("POST", "/v1/sessions", "201", tag),
        ("POST", "/v1/chat", "200", tag),
        ("GET", "/v1/sessions/{session_id}", "200", tag),
        ("GET", "-", "404", "-"),
        ("POST", "/v1/chat", "400", "-"),
        ("GET", "/static/{path}", "200", "-"),
    ]
    text = "\n".join(lines)
    for secret in (session, "Jane", "INV-77", "q-secret", "no/such", "app.js"):
        assert secret not in text


@pytest.mark.slow
def test_paybot_serve_logs_under_its_own_names(tmp_path: Path) -> None:
    log_path = tmp_path / "server.log"
    with paybot_server(tmp_path, log_path=log_path) as url:
        httpx.get(f"{url}/healthz")
    log = log_path.read_text()
    assert "INFO paybot.requests: GET /healthz 200" in log
    assert "uvicorn" not in log and "Application startup complete" not in log
