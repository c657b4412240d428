"""The deploy rehearsal: each committed stack, provisioned as declared on moto with IAM enforced, its two
Lambdas started from their zips in Python 3.12, a whole web conversation and a whole phone call.

What it stands in for, and what it cannot, is in docs/deploy.md ("The deploy rehearsal").
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import stripe
from rehearsal import WEBHOOK_SECRET, LambdaProcess, Provisioned, lambda_python, provision, record_stack

from paybot_channels.connect.simulator import DEMO_CALLER, CallSimulator, ConnectStyleEncryptor, Keypad
from paybot_channels.web.edge import EDGE_SECRET_HEADER, VIEWER_ADDRESS_HEADER
from paybot_core import Style, format_amount
from scripts import package_lambda
from tests.support.converse_server import ConverseServer
from tests.support.localstripe_emulator import SECRET_KEY, localstripe_server, stripe_client
from tests.support.moto_server import aws_env, client, enforce_iam, moto_server

pytestmark = [pytest.mark.infra, pytest.mark.slow, pytest.mark.aws, pytest.mark.stripe]
STACKS = ("dev", "prod")
CARD = "4242424242424242"
CARD_FORMS = (CARD, "4242 4242 4242 4242", "4242-4242-4242-4242")
SERVICES = ("kms", "dynamodb", "s3", "secretsmanager", "iam", "sts")


@pytest.fixture(scope="session")
def lambda_zips() -> Path:
    """One `make package` build per test session (skipped when dist/lambda is already current)."""
    python = lambda_python()
    if python is None:
        pytest.skip("no Python 3.12 here (the Lambda runtime's version)")
    out = package_lambda.DEFAULT_OUT
    artifacts = [out / f"{name}.zip" for name in (*package_lambda.SPECS, package_lambda.LAYER.name)]
    sources = [package_lambda.ROOT / "uv.lock", package_lambda.ROOT / "pyproject.toml"]
    for tree in ("packages/core", "packages/channels", "frontend/src"):
        sources += [
            p for p in (package_lambda.ROOT / tree).rglob("*") if p.is_file() and "__pycache__" not in p.parts
        ]
    newest = max(p.stat().st_mtime for p in sources)
    if not all(a.exists() and a.stat().st_mtime >= newest for a in artifacts):
        package_lambda.main(["--uv", package_lambda.find_uv(None)])
    return out


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    logs = tmp_path_factory.mktemp("rehearsal-servers")
    converse = ConverseServer().start()
    try:
        with (
            moto_server(logs / "moto.log", iam=True) as moto,
            localstripe_server(logs / "stripe.log") as stripe_url,
        ):
            yield {
                "moto": moto,
                "stripe": stripe_url,
                "converse": converse.url,
                "moto_log": str(logs / "moto.log"),
            }
    finally:
        converse.stop()


class StackCertificate(ConnectStyleEncryptor):
    """Encrypts keypad input as Connect would, under the certificate the stack put in its flow."""

    def __init__(self, certificate_pem: str) -> None:
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization

        certificate = x509.load_pem_x509_certificate(certificate_pem.encode())
        self.public_pem = certificate.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


def api_event(
    method: str,
    path: str,
    body: Any = None,
    *,
    headers: dict[str, str] | None = None,
    raw: bytes | None = None,
    encode: bool = False,
) -> dict[str, Any]:
    """An API Gateway HTTP API (payload 2.0) event, as the WebChat integration sends it."""
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {
            "content-type": "application/json",
            "host": "rehearsal.execute-api.us-east-1.amazonaws.com",
            "user-agent": "rehearsal",
            **(headers or {}),
        },
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "rehearsal",
            "domainName": "rehearsal.execute-api.us-east-1.amazonaws.com",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "198.51.100.7",
                "userAgent": "rehearsal",
            },
            "requestId": uuid.uuid4().hex,
            "routeKey": "$default",
            "stage": "$default",
            "time": "01/Dec/2026:20:00:00 +0000",
            "timeEpoch": int(time.time() * 1000),
        },
        "body": base64.b64encode(data).decode() if encode else data.decode(),
        "isBase64Encoded": encode,
    }


def answered(web: LambdaProcess, event: dict[str, Any], status: int) -> dict[str, Any]:
    answer = web.invoke(event)
    assert answer["statusCode"] == status, answer
    body = answer["body"]
    text = base64.b64decode(body).decode() if answer.get("isBase64Encoded") else body
    return json.loads(text) if text else {}


def web_conversation(
    web: LambdaProcess, stripe_url: str, via: dict[str, str]
) -> tuple[str, list[dict[str, Any]]]:
    """A payer pays a preset bill through the API; the card goes to Stripe as Stripe.js sends it.
    `via`: the headers CloudFront adds (the edge secret, the viewer's address)."""
    replies = [
        answered(
            web,
            api_event(
                "POST",
                "/v1/sessions",
                {"amount": 5000, "currency": "usd", "reference": "INV-REHEARSAL"},
                encode=True,
                headers=via,
            ),
            201,
        )
    ]
    session = replies[0]["sessionId"]
    stripe_js = stripe_client(stripe_url)
    for _ in range(8):
        reply = replies[-1]
        field = reply["currentField"]
        if field is None:  # a terminal status, or requires_action
            break
        if field == "name":
            turn = {"sessionId": session, "message": "Jane Doe"}
        elif field == "payment_method":
            pm = stripe_js.v1.payment_methods.create(
                {"type": "card", "card": {"number": CARD, "exp_month": 12, "exp_year": 2030, "cvc": "123"}}
            )
            turn = {"sessionId": session, "paymentMethod": pm.id}
        elif field == "confirmation":
            turn = {"sessionId": session, "message": "yes"}
        else:
            pytest.fail(f"the rehearsal does not answer {field!r}: {reply['response']}")
        replies.append(answered(web, api_event("POST", "/v1/chat", turn, headers=via), 200))
    assert replies[-1]["status"] == "completed", replies[-1]
    assert replies[-1]["payment"]["status"] == "succeeded"
    return session, replies


def signed_webhook(web: LambdaProcess, intent_id: str, session: str) -> dict[str, Any]:
    payload = {
        "id": "evt_" + uuid.uuid4().hex,
        "object": "event",
        "type": "payment_intent.succeeded",
        "created": int(time.time()),
        "data": {
            "object": {"id": intent_id, "object": "payment_intent", "metadata": {"session_id": session}}
        },
    }
    body = json.dumps(payload).encode()
    at = int(time.time())
    signature = stripe.WebhookSignature._compute_signature(f"{at}.{body.decode()}", WEBHOOK_SECRET)
    event = api_event(
        "POST",
        "/v1/webhooks/stripe",
        raw=body,
        encode=True,
        headers={"stripe-signature": f"t={at},v1={signature}"},
    )
    return answered(web, event, 200)


# The business's accounts, as an operator imports them after `pulumi up` (docs/phone.md).
ACCOUNTS_CSV = f"""reference,customerName,amount,currency,phones
REH-4471,Rita Rehearsal,4471,usd,{DEMO_CALLER}
REH-9000,Other Payer,9000,usd,
"""


def import_accounts(table: str, moto_url: str, work: Path) -> str:
    """`paybot accounts import` as the operator runs it: the command, real boto3, admin credentials."""
    source = work / "accounts.csv"
    source.write_text(ACCOUNTS_CSV)
    environment = {**os.environ, **aws_env(moto_url), "PAYBOT_ACCOUNTS_TABLE": table}
    done = subprocess.run(
        [sys.executable, "-m", "paybot_channels.cli", "accounts", "import", str(source)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def phone_call(phone: LambdaProcess, provisioned: Provisioned) -> Any:
    assert provisioned.flow_content and provisioned.certificate_pem
    flow = json.loads(provisioned.flow_content)
    simulator = CallSimulator(
        flow,
        phone.invoke,
        Keypad(f"1{CARD}#1230#123#1"),  # 1: English at the language menu
        caller=DEMO_CALLER,
        encrypt=StackCertificate(provisioned.certificate_pem),
    )
    return simulator.run()


def stored_text(clients: dict[str, Any], provisioned: Provisioned) -> str:
    """Everything the stack's stores hold after the run: table items and audit objects."""
    parts = []
    for table in provisioned.tables:
        for page in clients["dynamodb"].get_paginator("scan").paginate(TableName=table):
            parts += [json.dumps(item, default=str) for item in page["Items"]]
    for bucket in provisioned.buckets:
        for page in clients["s3"].get_paginator("list_object_versions").paginate(Bucket=bucket):
            for version in page.get("Versions", []):
                body = clients["s3"].get_object(
                    Bucket=bucket, Key=version["Key"], VersionId=version["VersionId"]
                )["Body"]
                parts.append(body.read().decode(errors="replace"))
    return "\n".join(parts)


def denied(call: Any) -> bool:
    from botocore.exceptions import ClientError

    try:
        call()
    except ClientError as err:  # moto answers a denial outside S3 with a 403 whose body names AccessDenied
        error = err.response["Error"]
        return "AccessDenied" in f"{error.get('Code')} {error.get('Message')}"
    return False


def denials_since(log: Path, offset: int) -> list[str]:
    """Requests moto refused (HTTP 403) after `offset` bytes of its log: what IAM denied."""
    with log.open("rb") as opened:
        opened.seek(offset)
        return [line for line in opened.read().decode(errors="replace").splitlines() if '" 403 ' in line]


@pytest.mark.parametrize("stack", STACKS)
def test_the_committed_stack_takes_a_web_payment_and_a_phone_payment_as_deployed(
    stack: str, lambda_zips: Path, servers: dict[str, str], tmp_path: Path
) -> None:
    mocks = record_stack(stack)
    admin = {name: client(name, servers["moto"]) for name in SERVICES}
    enforce_iam(servers["moto"], False)
    provisioned = provision(mocks, admin, SECRET_KEY)
    # The operator imports the business's accounts (before IAM is enforced: moto's admin is no role).
    accounts_table = provisioned.functions[f"paybot-{stack}-phone"].environment["PAYBOT_ACCOUNTS_TABLE"]
    assert "2 accounts imported" in import_accounts(accounts_table, servers["moto"], tmp_path)
    python = lambda_python()
    assert python is not None
    endpoints = {
        "AWS_ENDPOINT_URL": servers["moto"],
        "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": servers["converse"],
        "PAYBOT_STRIPE_API_BASE": servers["stripe"],
    }
    moto_log = Path(servers["moto_log"])
    enforce_iam(servers["moto"], True)
    enforced_from = moto_log.stat().st_size
    processes: dict[str, LambdaProcess] = {}
    try:
        for name, function in provisioned.functions.items():
            processes[name] = LambdaProcess(function, python, tmp_path, endpoints)
            assert processes[name].init["ready"], (name, processes[name].init, processes[name].logs()[-3000:])
        web = processes[f"paybot-{stack}-web"]
        phone = processes[f"paybot-{stack}-phone"]

        # Through CloudFront: the function reads the edge secret (with its own role) to believe the
        # viewer's address; the value is the one the stack made and put into the edge secret.
        via_cloudfront = {
            EDGE_SECRET_HEADER.lower(): mocks.one("random:index/randomPassword:RandomPassword").outputs[
                "result"
            ],
            VIEWER_ADDRESS_HEADER.lower(): "203.0.113.50:40000",
        }
        session, replies = web_conversation(web, servers["stripe"], via_cloudfront)
        intent = replies[-1]["payment"]["id"]
        assert signed_webhook(web, intent, session)["received"] is True
        final = answered(web, api_event("GET", f"/v1/sessions/{session}"), 200)
        assert final["status"] == "completed"

        call = phone_call(phone, provisioned)
        assert call.outcome == "completed", "\n".join([*call.transcript, phone.logs()[-4000:]])
        started = next(answer for answer in call.answers if "session" in answer)
        assert started["amount"] == format_amount(4471, "usd", Style.SPEECH), (
            "the imported account, not the demo's"
        )
        assert all(call.card_inputs_protected)
        assert all(answer["result"] != "error" for answer in call.answers), call.answers

        assert not denials_since(moto_log, enforced_from), "IAM denied a request of the running stack"
        # The keyed card was sealed between steps under data keys kept in the vault's own table (no
        # point-in-time copies), not beside the sessions; wiping it at tokenization deleted them.
        keys_table = phone.function.environment["PAYBOT_SESSION_KEYS_TABLE"]
        sessions_table = phone.function.environment["PAYBOT_DYNAMODB_TABLE"]
        assert keys_table in provisioned.tables and keys_table != sessions_table
        assert web.function.environment["PAYBOT_SESSION_KEYS_TABLE"] == keys_table
        assert "PAYBOT_SESSION_KEYS_TABLE is unset" not in phone.logs()

        # IAM was enforced: what the policies do not allow fails, with the functions' own credentials.
        role = {k.lower(): v for k, v in provisioned.functions[f"paybot-{stack}-web"].credentials.items()}
        as_web = {
            name: boto3.client(name, endpoint_url=servers["moto"], region_name="us-east-1", **role)
            for name in ("s3", "dynamodb", "kms", "secretsmanager")
        }
        audit_bucket = next(b for b in provisioned.buckets if "audit" in b)
        key_arn = provisioned.functions[f"paybot-{stack}-web"].environment["PAYBOT_SESSION_KMS_KEY_ID"]
        assert denied(lambda: as_web["s3"].list_objects_v2(Bucket=audit_bucket))
        assert denied(lambda: as_web["s3"].put_object(Bucket=audit_bucket, Key="elsewhere/x", Body=b"x"))
        assert denied(lambda: as_web["dynamodb"].scan(TableName=sessions_table))
        assert denied(lambda: as_web["dynamodb"].scan(TableName=keys_table))
        probe = {"sessionId": {"S": "ses_rehearsalprobe"}}
        assert denied(
            lambda: as_web["dynamodb"].update_item(
                TableName=keys_table,
                Key=probe,
                UpdateExpression="SET ttl = :t",
                ExpressionAttributeValues={":t": {"N": "1"}},
            )
        )
        assert denied(lambda: as_web["kms"].generate_data_key(KeyId=key_arn, KeySpec="AES_256"))
        assert denied(lambda: as_web["kms"].encrypt(KeyId=key_arn, Plaintext=b"x"))
        phone_key = next(name for name in provisioned.secret_arns if name.endswith("/connect-private-key"))
        assert denied(
            lambda: as_web["secretsmanager"].get_secret_value(SecretId=provisioned.secret_arns[phone_key])
        )
        # ...and what they do allow works: a session data key under the session's encryption context.
        key = as_web["kms"].generate_data_key(
            KeyId=key_arn, KeySpec="AES_256", EncryptionContext={"paybot:session": "ses_rehearsal"}
        )
        assert len(key["Plaintext"]) == 32
        # ...and the key store's three calls on its table.
        as_web["dynamodb"].put_item(
            TableName=keys_table, Item={**probe, "wrapped": {"B": b"x"}, "ttl": {"N": "1"}}
        )
        assert as_web["dynamodb"].get_item(TableName=keys_table, Key=probe, ConsistentRead=True)["Item"]
        as_web["dynamodb"].delete_item(TableName=keys_table, Key=probe)
    finally:
        for process in processes.values():
            process.stop()
        enforce_iam(servers["moto"], False)

    # IAM off again (the operator looking): wiping the card at tokenization deleted its data keys,
    # and none was ever kept beside the sessions.
    assert admin["dynamodb"].scan(TableName=keys_table)["Items"] == []
    session_ids = [i["sessionId"]["S"] for i in admin["dynamodb"].scan(TableName=sessions_table)["Items"]]
    assert not [s for s in session_ids if s.startswith("sessionKey#")]
    logs = {name: process.logs() for name, process in processes.items()}
    for name, log in logs.items():
        assert "AccessDenied" not in log, f"{name} was denied something:\n{log[-3000:]}"
        assert "Traceback" not in log, f"{name} raised:\n{log[-3000:]}"
    sinks = {
        **logs,
        "stores": stored_text(admin, provisioned),
        "web answers": json.dumps(replies),
        "phone answers": json.dumps(call.answers),
        "contact attributes": json.dumps(call.attributes),
        "transcript": "\n".join(call.transcript),
    }
    for sink, text in sinks.items():
        assert not [form for form in CARD_FORMS if form in text], f"card number in {sink}"
    # Both conversations left their masked audit trail where the policy lets the functions write.
    audit_keys = [o["Key"] for o in admin["s3"].list_objects_v2(Bucket=audit_bucket).get("Contents", [])]
    assert audit_keys and all(key.startswith("audit/") for key in audit_keys)
