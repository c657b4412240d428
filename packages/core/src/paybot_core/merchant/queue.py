"""The outbox on AWS: the table's stream, a FIFO queue, and a Lambda that delivers (the managed engine).

    DynamoDB stream (NEW_IMAGE of session items with an `outbox`)
      -> StreamRelay: one SQS FIFO message per event and consumer (group: session + consumer, so a
         session's events stay in order per consumer and one failing endpoint holds up only itself;
         deduplication id: event + consumer, so a replayed stream record sends nothing twice)
      -> QueueDelivery: hands each message to its consumer (webhook endpoint, receipt sender); on a
         failure the message becomes visible again after an exponential, jittered delay
         (ChangeMessageVisibility), and the rest of its group in the batch waits behind it; past the
         retry window it moves to the dead-letter queue (the queue's redrive policy is the backstop).

The clients are boto3's `sqs`, handed in (the Lambda handlers in paybot_channels build them).
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from .dispatch import Consumer, DeliveryError, RetryPolicy
from .events import MerchantEvent

log = logging.getLogger("paybot.outbox")

MAX_VISIBILITY_SECONDS = 43_200  # SQS's ceiling for one ChangeMessageVisibility


def outbox_of(record: Mapping[str, Any]) -> list[str]:
    """The ids of the events one stream record's save wrote, in order."""
    image = record.get("dynamodb", {}).get("NewImage", {})
    return [item["S"] for item in image.get("outbox", {}).get("L", [])]


class StreamRelay:
    """`events` reads the events of some ids (the store's `events_by_id`): the session item carries
    only their ids, so it stays one write unit."""

    def __init__(
        self,
        sqs: Any,
        queue_url: str,
        consumers: Mapping[str, Consumer],
        events: Callable[[Sequence[str]], list[MerchantEvent]],
    ) -> None:
        self.sqs = sqs
        self.queue_url = queue_url
        self.consumers = dict(consumers)
        self.events = events

    def relay(self, records: Iterable[Mapping[str, Any]]) -> int:
        """Queue every event of `records` for every consumer that takes its type; returns how many
        messages were sent."""
        ids = [
            event_id
            for record in records
            if record.get("eventName") in ("INSERT", "MODIFY")
            for event_id in outbox_of(record)
        ]
        found = self.events(ids) if ids else []
        if len(found) != len(dict.fromkeys(ids)):  # written in the save's transaction: never expected
            raise RuntimeError(
                f"{len(ids) - len(found)} outbox events could not be read; the batch is retried"
            )
        entries = []
        for event in found:
            body = event.body().decode()
            for consumer, taker in self.consumers.items():
                if taker.event_types is not None and event.type not in taker.event_types:
                    continue
                entries.append(
                    {
                        "MessageBody": json.dumps(
                            {"consumer": consumer, "sessionId": event.session_id, "event": body}
                        ),
                        "MessageGroupId": _digest(f"{event.session_id}|{consumer}"),
                        "MessageDeduplicationId": _digest(f"{event.id}|{consumer}"),
                    }
                )
        for start in range(0, len(entries), 10):  # SendMessageBatch takes ten
            batch = [{"Id": str(i), **entry} for i, entry in enumerate(entries[start : start + 10])]
            answer = self.sqs.send_message_batch(QueueUrl=self.queue_url, Entries=batch)
            if answer.get("Failed"):  # the stream record is retried whole; deduplication absorbs repeats
                raise RuntimeError(f"SQS refused {len(answer['Failed'])} outbox messages")
        return len(entries)


class QueueDelivery:
    def __init__(
        self,
        sqs: Any,
        queue_url: str,
        dead_letter_url: str,
        consumers: Mapping[str, Consumer],
        *,
        policy: RetryPolicy | None = None,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        self.sqs = sqs
        self.queue_url = queue_url
        self.dead_letter_url = dead_letter_url
        self.consumers = dict(consumers)
        self.policy = policy or RetryPolicy()
        self.clock = clock
        self.rng = rng or random.SystemRandom()

    def deliver(self, records: Iterable[Mapping[str, Any]]) -> list[str]:
        """Process one SQS batch; returns the message ids to report as failed (Lambda's partial batch
        response), which come back after their visibility timeout."""
        failed: list[str] = []
        blocked: set[str] = set()  # groups with an earlier failure in this batch: order holds
        for record in records:
            group = record.get("attributes", {}).get("MessageGroupId", "")
            if group in blocked:
                failed.append(record["messageId"])
                continue
            if not self._one(record):
                failed.append(record["messageId"])
                blocked.add(group)
        return failed

    def _one(self, record: Mapping[str, Any]) -> bool:
        message = json.loads(record["body"])
        name = message["consumer"]
        event = MerchantEvent.from_json(message["event"], message["sessionId"])
        consumer = self.consumers.get(name)
        if consumer is None:  # an endpoint no longer configured: nothing to deliver to
            log.warning("event %s for %s dropped: not a configured consumer", event.id, name)
            return True
        try:
            consumer.send(name, event)
        except DeliveryError as err:
            return self._retry_later(record, event, name, str(err))
        log.info("event %s %s delivered to %s", event.id, event.type.value, name)
        return True

    def _retry_later(self, record: Mapping[str, Any], event: MerchantEvent, name: str, error: str) -> bool:
        now = self.clock()
        tries = int(record.get("attributes", {}).get("ApproximateReceiveCount", "1"))
        if now - event.created >= self.policy.window:
            log.error("event %s to %s given up after %d tries: %s", event.id, name, tries, error)
            self.sqs.send_message(
                QueueUrl=self.dead_letter_url,
                MessageBody=record["body"],
                MessageGroupId=record.get("attributes", {}).get("MessageGroupId", "dead"),
                MessageDeduplicationId=_digest(record["messageId"]),
            )
            return True  # off the main queue: the group's next event may go
        delay = min(MAX_VISIBILITY_SECONDS, int(self.policy.delay(tries, self.rng)))
        log.warning("event %s to %s failed (%s); try %d in %d s", event.id, name, error, tries + 1, delay)
        self.sqs.change_message_visibility(
            QueueUrl=self.queue_url, ReceiptHandle=record["receiptHandle"], VisibilityTimeout=delay
        )
        return False


def _digest(text: str) -> str:
    """SQS ids are at most 128 characters of a limited alphabet: a hash of the natural key."""
    return hashlib.sha256(text.encode()).hexdigest()
