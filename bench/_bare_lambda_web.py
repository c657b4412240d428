"""The web handler's floor in bench/cold_start.py: a bare FastAPI app behind Mangum, one route.

With BARE_TABLE set, the module also creates a boto3 DynamoDB client and the route writes one
item, as the least any app that keeps a session in DynamoDB does for its first answer.
"""

from __future__ import annotations

import os
import uuid

from fastapi import FastAPI
from mangum import Mangum

TABLE = os.environ.get("BARE_TABLE")
if TABLE:
    import boto3

    dynamodb = boto3.client("dynamodb")

app = FastAPI()


@app.post("/v1/sessions", status_code=201)
async def create_session(body: dict[str, object]) -> dict[str, object]:
    session_id = f"ses_{uuid.uuid4().hex}"
    if TABLE:
        dynamodb.put_item(TableName=TABLE, Item={"sessionId": {"S": session_id}, "amount": {"N": "5000"}})
    return {"sessionId": session_id, "received": len(body)}


handler = Mangum(app, lifespan="off")
