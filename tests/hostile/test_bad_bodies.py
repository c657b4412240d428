"""Hostile bodies: oversized, deeply nested, non-UTF-8, control characters. 4xx JSON, nothing changed."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from paybot_core import find_card_numbers

HEADERS = {"content-type": "application/json"}


def _session(client: TestClient) -> str:
    response = client.post("/v1/sessions", json={"amount": 5000, "cardEntry": "typed"})
    assert response.status_code == 201
    sid: str = response.json()["sessionId"]
    client.post("/v1/chat", json={"sessionId": sid, "message": "Jane Doe"})
    return sid


def _bodies(sid: str) -> list[tuple[str, bytes]]:
    prefix = b'{"sessionId": "' + sid.encode() + b'", "message": '
    return [
        ("oversized", prefix + b'"' + b"4242 4242 4242 4242 " * 1000 + b'"}'),
        ("oversized, no length", prefix + b'"' + b"a" * 20000 + b'"}'),
        ("deeply nested", prefix + b"[" * 5000 + b"]" * 5000 + b"}"),
        ("nested object", b'{"sessionId": "' + sid.encode() + b'", "message": {"a": {"b": {"c": 1}}}}'),
        ("non-UTF-8", prefix + b'"\xff\xfe\xfa card"}'),
        ("latin-1 bytes", prefix + b'"Jos\xe9"}'),
        ("NUL and controls", prefix + b'"\x00\x01\x1b[31m"}'),
        ("truncated", prefix + b'"4242424242424242'),
        ("empty", b""),
        ("a number", b"4242424242424242"),
        ("null", b"null"),
        ("array", b"[]"),
        ("wrong types", b'{"sessionId": 12, "message": true}'),
        ("too long message", prefix + b'"' + b"x" * 2001 + b'"}'),
        ("unknown field", prefix + b'"hi", "amount": 1}'),
    ]


@pytest.mark.parametrize("index", range(15))
def test_hostile_body_gets_a_4xx_json_error_and_changes_nothing(client: TestClient, index: int) -> None:
    sid = _session(client)
    before = client.get(f"/v1/sessions/{sid}").json()
    name, body = _bodies(sid)[index]
    response = client.post("/v1/chat", content=body, headers=HEADERS)
    assert 400 <= response.status_code < 500, (name, response.status_code)
    assert response.headers["content-type"].startswith("application/json"), name
    error = response.json()["error"]
    assert error["code"] in {"invalid_json", "invalid_request", "payload_too_large"}, (name, error)
    assert not find_card_numbers(response.text), name
    assert client.get(f"/v1/sessions/{sid}").json() == before, name


def test_control_characters_inside_a_valid_message_are_handled_as_text(client: TestClient) -> None:
    sid = _session(client)
    response = client.post(
        "/v1/chat", json={"sessionId": sid, "message": "\u0000\u202e\u200b 4242424242424242"}
    )
    assert response.status_code == 200
    assert not find_card_numbers(response.text)
    assert response.json()["collected"]["card"]["last4"] == "4242"
