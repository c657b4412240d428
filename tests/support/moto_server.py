"""moto in server mode on loopback: DynamoDB, S3, KMS and Secrets Manager over real HTTP, for boto3.

`moto_server()` starts moto's server on a free port and stops it by PID; `aws_env(url)` is the
environment a `paybot serve` subprocess needs to talk to it (boto3's standard variables only).

Quirk worked around here: `python -m moto.server` serves requests on concurrent threads, and moto's
DynamoDB checks a ConditionExpression and writes in two unlocked steps, so two racing conditional
writes can both succeed (real DynamoDB makes them atomic). Run as a script, this module serves moto's
own WSGI app with one lock around each request, so conditional writes are atomic as in DynamoDB.
"""

from __future__ import annotations

import contextlib
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

if __package__:
    from .servers import free_port, server_process

REGION = "us-east-1"
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}


@contextlib.contextmanager
def moto_server(log_path: Path | None = None, *, iam: bool = False) -> Iterator[str]:
    """`iam`: with moto's IAM enforcement made to judge resources and KMS conditions (`moto_iam.py`);
    enforcement itself is switched on and off with `enforce_iam`."""
    port = free_port()
    command = [sys.executable, str(Path(__file__)), str(port), *(["--iam"] if iam else [])]
    with server_process(command, port, "/moto-api/data.json", log_path=log_path, timeout=30) as url:
        yield url


def enforce_iam(url: str, enforced: bool) -> None:
    """moto's `INITIAL_NO_AUTH_ACTION_COUNT`, set at run time: 0 checks every request from now on."""
    import urllib.request

    count = b"0" if enforced else b"inf"
    request = urllib.request.Request(
        f"{url}/moto-api/reset-auth", data=count, method="POST", headers={"Content-Type": "text/plain"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200


def aws_env(url: str) -> dict[str, str]:
    """boto3's own configuration pointing every service at `url` (nothing paybot-specific)."""
    return {"AWS_ENDPOINT_URL": url, "AWS_REGION": REGION, "AWS_DEFAULT_REGION": REGION, **FAKE_CREDENTIALS}


def client(service: str, url: str, **config: Any) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        service,
        endpoint_url=url,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"mode": "standard", "total_max_attempts": 2}, **config),
    )


def create_session_table(dynamodb: Any, name: str) -> None:
    """The table as infra provisions it: partition key sessionId (S), TTL on `ttl`, the merchant's
    two indexes (byTime: listPk/listSk, byReference: reference/listSk) and a stream of new images."""
    attributes = ("sessionId", "listPk", "listSk", "reference")
    dynamodb.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in attributes],
        KeySchema=[{"AttributeName": "sessionId", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": index,
                "KeySchema": [
                    {"AttributeName": partition, "KeyType": "HASH"},
                    {"AttributeName": "listSk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
            for index, partition in (("byTime", "listPk"), ("byReference", "reference"))
        ],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        BillingMode="PAY_PER_REQUEST",
    )
    dynamodb.update_time_to_live(
        TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl"}
    )


def create_kms_key(kms: Any) -> str:
    return str(kms.create_key(Description="paybot test key")["KeyMetadata"]["KeyId"])


class SessionTable(NamedTuple):
    """A session table of its own and a KMS key for its sealed card data, as a stack has them."""

    dynamodb: Any
    kms: Any
    name: str
    kms_key_id: str

    def env(self) -> dict[str, str]:
        """The settings that keep paybot's sessions in this table."""
        return {
            "PAYBOT_SESSION_STORE": "dynamodb",
            "PAYBOT_DYNAMODB_TABLE": self.name,
            "PAYBOT_SESSION_KMS_KEY_ID": self.kms_key_id,
        }


def new_session_table(url: str) -> SessionTable:
    """A fresh table (a random name, so tests sharing one moto server never meet) and key on `url`."""
    dynamodb, kms = client("dynamodb", url), client("kms", url)
    name = f"sessions-{uuid.uuid4().hex[:8]}"
    create_session_table(dynamodb, name)
    return SessionTable(dynamodb, kms, name, create_kms_key(kms))


def serve(port: int, iam: bool = False) -> None:
    """moto's server app, one request at a time (see the module docstring)."""
    import os
    import threading

    if iam:
        sys.path.insert(0, str(Path(__file__).parent))
        import moto_iam

        moto_iam.install()

    os.environ.setdefault("MOTO_PORT", str(port))
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from moto.server import MotoRequestHandler
    from werkzeug.serving import run_simple

    app = DomainDispatcherApplication(create_backend_app)
    lock = threading.Lock()

    def serialized(environ: Any, start_response: Any) -> Any:
        with lock:
            return list(app(environ, start_response))

    run_simple("127.0.0.1", port, serialized, threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    serve(int(sys.argv[1]), iam="--iam" in sys.argv[2:])
else:
    # ------------------------------------------------------------ pytest fixtures (imported by conftests)
    import pytest

    @pytest.fixture(scope="session")
    def moto_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
        """One moto server per test session (per conftest that imports this fixture)."""
        with moto_server(tmp_path_factory.mktemp("moto") / "moto.log") as url:
            yield url
