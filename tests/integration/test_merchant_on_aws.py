"""The merchant's loop on the AWS adapters, over real HTTP to moto: sessions, events and payments in
DynamoDB (TransactWriteItems, two indexes, the table's stream), email through SES, SMS through SNS, and
delivery by the managed engine's code: the stream relay into an SQS FIFO queue and the delivery handler
with its visibility-timeout backoff and dead-letter queue. This test plays the Lambda service: it reads
the stream and the queue with boto3 and hands the records to the handlers as Lambda would."""

from __future__ import annotations

import base64
import json
import random
import time
import urllib.request
import uuid
from email import policy
from email.parser import Parser

import pytest
from fastapi.testclient import TestClient

from paybot_channels.web.app import create_app
from paybot_core.adapters.memory import MemoryAuditLog
from paybot_core.adapters.sandbox_gateway import SandboxGateway
from paybot_core.bootstrap import build, outbox_consumers, retry_policy
from paybot_core.merchant import signing
from paybot_core.merchant.dispatch import RetryPolicy
from paybot_core.merchant.queue import QueueDelivery, StreamRelay
from paybot_core.settings import Settings
from tests.merchant.test_whole_loop import pay_through_link
from tests.support import moto_server as moto
from tests.support.webhook_receiver import Receiver, new_receiver, serving

pytestmark = pytest.mark.aws
SECRET = "whsec_on_aws"
SENDER = "receipts@acme.example"


class LambdaService:
    """Reads the table's stream and the queue like the Lambda event source mappings do."""

    def __init__(
        self, url: str, table: str, relay: StreamRelay, delivery: QueueDelivery, queue_url: str
    ) -> None:
        self.streams = moto.client("dynamodbstreams", url)
        self.sqs = moto.client("sqs", url)
        self.relay, self.delivery, self.queue_url = relay, delivery, queue_url
        self.relayed = 0  # queue messages the relay sent, one per event and consumer taking its type
        arn = moto.client("dynamodb", url).describe_table(TableName=table)["Table"]["LatestStreamArn"]
        shards = self.streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
        self.iterators = [
            self.streams.get_shard_iterator(
                StreamArn=arn, ShardId=s["ShardId"], ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
            for s in shards
        ]

    def pump_stream(self) -> int:
        sent = 0
        for i, iterator in enumerate(self.iterators):
            answer = self.streams.get_records(ShardIterator=iterator)
            self.iterators[i] = answer["NextShardIterator"]
            sent += self.relay.relay(answer["Records"])
        self.relayed += sent
        return sent

    def pump_queue(self) -> int:
        """One receive and delivery round; the handler's successes are deleted, as Lambda does."""
        answer = self.sqs.receive_message(
            QueueUrl=self.queue_url, MaxNumberOfMessages=10, AttributeNames=["All"], WaitTimeSeconds=0
        )
        records = [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m["Attributes"],
            }
            for m in answer.get("Messages", [])
        ]
        failed = set(self.delivery.deliver(records))
        for record in records:
            if record["messageId"] not in failed:
                self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=record["receiptHandle"])
        return len(records)

    def run_until(self, done, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not done():
            assert time.monotonic() < deadline, "the outbox did not drain in time"
            self.pump_stream()
            if not self.pump_queue():
                time.sleep(0.2)


@pytest.fixture
def aws(moto_url, monkeypatch, tmp_path):
    for name, value in moto.aws_env(moto_url).items():
        monkeypatch.setenv(name, value)
    dynamodb, kms, sqs = (moto.client(s, moto_url) for s in ("dynamodb", "kms", "sqs"))
    table = f"sessions-{uuid.uuid4().hex[:8]}"
    moto.create_session_table(dynamodb, table)
    moto.client("sesv2", moto_url).create_email_identity(EmailIdentity=SENDER)
    moto.client("ses", moto_url).verify_email_identity(EmailAddress=SENDER)
    fifo = {"FifoQueue": "true", "ContentBasedDeduplication": "false"}
    dead = sqs.create_queue(QueueName=f"dead-{table}.fifo", Attributes=fifo)["QueueUrl"]
    queue = sqs.create_queue(QueueName=f"outbox-{table}.fifo", Attributes=fifo)["QueueUrl"]
    return {
        "url": moto_url,
        "table": table,
        "queue": queue,
        "dead": dead,
        "kms_key": moto.create_kms_key(kms),
        "data_dir": tmp_path,
    }


def services_on(aws, receiver: Receiver, **fields):
    settings = Settings(
        data_dir=aws["data_dir"],
        session_store="dynamodb",
        dynamodb_table=aws["table"],
        session_kms_key_id=aws["kms_key"],
        messenger="aws",
        email_from=SENDER,
        merchant_name="Acme Water",
        webhook_urls=receiver.url,
        webhook_secret=SECRET,
        vault_key=base64.b64encode(b"k" * 32).decode(),
        outbox_queue_url=aws["queue"],
        outbox_dead_letter_url=aws["dead"],
        **fields,
    )
    return build(settings, gateway=SandboxGateway(), audit=MemoryAuditLog())


def engine(aws, services, **delivery_options) -> LambdaService:
    consumers = outbox_consumers(services)
    relay = StreamRelay(moto.client("sqs", aws["url"]), aws["queue"], consumers, services.store.events_by_id)
    delivery = QueueDelivery(
        moto.client("sqs", aws["url"]),
        aws["queue"],
        aws["dead"],
        consumers,
        policy=delivery_options.pop("policy", retry_policy(services.settings)),
        rng=random.Random(5),
        **delivery_options,
    )
    return LambdaService(aws["url"], aws["table"], relay, delivery, aws["queue"])


def ses_messages(url: str) -> list[dict]:
    with urllib.request.urlopen(f"{url}/moto-api/data.json", timeout=10) as answer:
        data = json.load(answer)
    return data.get("ses", {}).get("RawMessage", []) + data.get("sesv2", {}).get("RawMessage", [])


def test_the_whole_merchant_loop_on_dynamodb_ses_and_sns(aws) -> None:
    receiver = new_receiver()
    services = services_on(aws, receiver)
    lambdas = engine(aws, services)
    with serving(receiver), TestClient(create_app(services, sweep_expired=False)) as client:
        created = client.post(
            "/v1/sessions",
            json={
                "amount": 12000,
                "reference": "INV-AWS-1",
                "description": "Water bill",
                "receiptEmail": "jane@example.com",
            },
        ).json()
        sid = created["sessionId"]
        email = client.post(f"/v1/sessions/{sid}/send", json={"email": "jane@example.com"}).json()
        sms = client.post(f"/v1/sessions/{sid}/send", json={"sms": "+15555550100"}).json()
        assert email["sent"] == "email" and sms["sent"] == "sms" and sms["messageId"]

        paid = pay_through_link(client, "", created["url"])["paid"]
        assert paid["status"] == "completed"
        lambdas.run_until(lambda: len(receiver.accepted()) >= 3)

        payments = client.get("/v1/payments", params={"reference": "INV-AWS-1"}).json()["data"]
        assert [(p["id"], p["status"]) for p in payments] == [(paid["payment"]["id"], "succeeded")]
        listed = client.get("/v1/events").json()["data"]
        assert [e["type"] for e in listed] == ["receipt.sent", "session.completed", "payment.succeeded"]

    accepted = receiver.accepted()
    assert [e["type"] for e in accepted] == ["payment.succeeded", "session.completed", "receipt.sent"]
    # Three events for the endpoint, and only payment.succeeded for the receipt sender: the events a
    # consumer does not take are never queued for it.
    assert lambdas.relayed == 3 + 1
    for request in receiver.all():
        assert signing.verify(SECRET, request.body, request.signature, time.time())

    raw = [m for m in ses_messages(aws["url"]) if "jane@example.com" in str(m.get("destinations"))]
    texts = [Parser(policy=policy.default).parsestr(m["raw_data"]) for m in raw]
    subjects = [t["Subject"] for t in texts]
    assert any("payment link" in s for s in subjects) and any("Receipt" in s for s in subjects)
    receipt = next(t for t in texts if "Receipt" in t["Subject"]).get_body(("plain",)).get_content()
    for fact in ("Acme Water", "$120.00", "INV-AWS-1", "4242", paid["payment"]["id"]):
        assert fact in receipt


def test_a_failing_endpoint_is_retried_with_backoff_in_order_and_the_window_ends_in_the_dead_letter_queue(
    aws,
) -> None:
    receiver = new_receiver()
    services = services_on(aws, receiver)
    clock = {"now": time.time()}
    lambdas = engine(
        aws, services, policy=RetryPolicy(first_delay=1, max_delay=2, window=3600), clock=lambda: clock["now"]
    )
    with TestClient(create_app(services, sweep_expired=False)) as client:
        sid = client.post("/v1/sessions", json={"amount": 5000, "reference": "INV-AWS-2"}).json()["sessionId"]
        link = client.get(f"/v1/sessions/{sid}").json()
        assert link["status"] == "collecting"
        client.post("/v1/chat", json={"sessionId": sid, "message": "Jane Doe"})
        client.post("/v1/chat", json={"sessionId": sid, "message": "cancel"})
        lambdas.pump_stream()
        # Down, then failing: each round only the group's head is tried; the message comes back later.
        for _ in range(2):
            lambdas.pump_queue()
        receiver.answer = 500
        with serving(receiver):
            time.sleep(2.2)
            lambdas.pump_queue()
            assert {r.event["type"] for r in receiver.all()} == {"session.cancelled"}
            receiver.answer = 200
            lambdas.run_until(lambda: len(receiver.accepted()) >= 1)
            assert [e["type"] for e in receiver.accepted()] == ["session.cancelled"]

            # An event past the window is moved to the dead-letter queue instead of retried forever.
            receiver.answer = 503
            other = client.post("/v1/sessions", json={"amount": 5000}).json()["sessionId"]
            client.post("/v1/chat", json={"sessionId": other, "message": "cancel"})
            lambdas.pump_stream()
            clock["now"] += 7200
            lambdas.run_until(
                lambda: bool(
                    moto.client("sqs", aws["url"])
                    .receive_message(QueueUrl=aws["dead"], VisibilityTimeout=0)
                    .get("Messages")
                )
            )
    dead = moto.client("sqs", aws["url"]).receive_message(QueueUrl=aws["dead"]).get("Messages", [])
    assert json.loads(json.loads(dead[0]["Body"])["event"])["type"] == "session.cancelled"
