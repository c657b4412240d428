"""The phone handler's floor in bench/cold_start.py: a bare boto3 DynamoDB client, one write."""

from __future__ import annotations

import os
import uuid

import boto3

TABLE = os.environ["BARE_TABLE"]
dynamodb = boto3.client("dynamodb")


def handler(event: dict[str, object], context: object = None) -> dict[str, str]:
    session_id = f"ses_{uuid.uuid4().hex}"
    dynamodb.put_item(TableName=TABLE, Item={"sessionId": {"S": session_id}, "amount": {"N": "5000"}})
    return {"result": "ok", "session": session_id}
