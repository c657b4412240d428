"""The OpenAPI schema describes each operation: what it does, its errors, the merchant bearer key."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

CHAT_OPERATIONS = {
    ("post", "/v1/sessions"),
    ("post", "/v1/chat"),
    ("post", "/chat"),
    ("get", "/v1/sessions/{session_id}"),
    ("post", "/v1/sandbox/payment_methods"),
    ("get", "/v1/sandbox/payment_intents"),
    ("post", "/v1/sandbox/payment_intents/{intent_id}/authenticate"),
}


def _operations(schema: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(method, path): op for path, item in schema["paths"].items() for method, op in item.items()}


def test_every_chat_operation_is_described(client: TestClient) -> None:
    operations = _operations(client.get("/openapi.json").json())
    assert set(operations) >= CHAT_OPERATIONS
    for key in CHAT_OPERATIONS:
        op = operations[key]
        assert len(op.get("description", "")) > 60, key
        assert op.get("summary") and not re.fullmatch(
            r"[A-Z][a-z]+( [A-Z][a-z]+)*", op["summary"].replace(" V1", "")
        )
        for code, answer in op["responses"].items():
            assert answer["description"] not in ("", "Successful Response"), (key, code)


def test_merchant_endpoint_declares_the_bearer_scheme(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["merchantKey"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schema["components"]["securitySchemes"]["merchantKey"]["description"],
    }
    operations = _operations(schema)
    # Optional: only a server with merchant keys asks for one.
    assert operations[("post", "/v1/sessions")]["security"] == [{}, {"merchantKey": []}]
    assert all("security" not in operations[key] for key in CHAT_OPERATIONS - {("post", "/v1/sessions")})


def test_each_operation_lists_the_errors_it_can_answer_not_a_shared_list(client: TestClient) -> None:
    operations = _operations(client.get("/openapi.json").json())

    def codes(key: tuple[str, str]) -> set[str]:
        return {code for code in operations[key]["responses"] if code[0] in "45"}

    assert codes(("post", "/v1/sessions")) == {"400", "401", "413", "429", "500", "503"}
    assert codes(("get", "/v1/sessions/{session_id}")) == {"404", "409", "429", "500", "503"}
    assert "402" in codes(("post", "/v1/sandbox/payment_methods"))
    assert "401" not in codes(("post", "/v1/chat")) and "402" not in codes(("post", "/v1/chat"))


def test_parameters_have_readable_titles_and_bodies_have_examples(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    text = str(schema)
    assert "Sessionid" not in text and "'title': 'Session Id'" not in text
    for name in ("CreateSessionRequest", "ChatRequest"):
        assert schema["components"]["schemas"][name]["examples"]
