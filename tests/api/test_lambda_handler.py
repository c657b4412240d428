"""The Lambda entry point: the same app behind API Gateway HTTP API (v2) and REST API (v1) events."""

from __future__ import annotations

import base64
import importlib
import json
import sys
from typing import Any

import pytest


@pytest.fixture
def handler(tmp_path, monkeypatch):
    monkeypatch.setenv("PAYBOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PAYBOT_ALLOW_TYPED_CARD_ENTRY", "true")
    sys.modules.pop("paybot_channels.web.lambda_handler", None)
    module = importlib.import_module("paybot_channels.web.lambda_handler")
    yield module.handler
    sys.modules.pop("paybot_channels.web.lambda_handler", None)


class Context:
    function_name = "paybot-web"
    aws_request_id = "req-1"
    invoked_function_arn = "arn:aws:lambda:us-east-1:000000000000:function:paybot-web"


def http_api_v2(method: str, path: str, body: Any = None, base64_body: bool = False) -> dict:
    raw = json.dumps(body) if body is not None else ""
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {"content-type": "application/json", "host": "abc.execute-api.us-east-1.amazonaws.com"},
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "abc",
            "domainName": "abc.execute-api.us-east-1.amazonaws.com",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "192.0.2.1",
                "userAgent": "t",
            },
            "requestId": "r1",
            "routeKey": "$default",
            "stage": "$default",
            "time": "23/Nov/2026:10:00:00 +0000",
            "timeEpoch": 0,
        },
        "body": base64.b64encode(raw.encode()).decode() if base64_body else raw,
        "isBase64Encoded": base64_body,
    }


def rest_api_v1(method: str, path: str, body: Any = None) -> dict:
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": {"Content-Type": "application/json", "Host": "abc.execute-api.us-east-1.amazonaws.com"},
        "multiValueHeaders": {},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/{proxy+}",
            "httpMethod": method,
            "path": f"/prod{path}",
            "stage": "prod",
            "requestId": "r1",
            "identity": {"sourceIp": "192.0.2.1"},
            "accountId": "000000000000",
            "apiId": "abc",
        },
        "body": json.dumps(body) if body is not None else None,
        "isBase64Encoded": False,
    }


def test_http_api_v2_conversation(handler) -> None:
    started = handler(http_api_v2("POST", "/v1/sessions", {"amount": 5000, "cardEntry": "typed"}), Context())
    assert started["statusCode"] == 201
    sid = json.loads(started["body"])["sessionId"]
    for message in ("Jane Doe", "4242424242424242 12/29 123"):
        reply = handler(
            http_api_v2("POST", "/v1/chat", {"sessionId": sid, "message": message}, base64_body=True),
            Context(),
        )
        assert reply["statusCode"] == 200
    body = json.loads(reply["body"])
    assert body["status"] == "confirming" and "4242424242424242" not in reply["body"]


def test_rest_api_v1_events_and_errors(handler) -> None:
    ok = handler(rest_api_v1("POST", "/v1/chat", {"message": "I want to pay"}), Context())
    assert ok["statusCode"] == 200 and json.loads(ok["body"])["currentField"] == "name"
    bad = handler({**rest_api_v1("POST", "/v1/chat"), "body": "not json"}, Context())
    assert bad["statusCode"] == 400 and json.loads(bad["body"])["error"]["code"] == "invalid_json"
    health = handler(rest_api_v1("GET", "/healthz"), Context())
    assert health["statusCode"] == 200
