"""AWS Lambda entry points of the outbox (paybot_core.merchant.queue): the stream relay and the delivery.

`relay_handler` is fed by the session table's DynamoDB stream; `deliver_handler` by the FIFO queue
the relay fills, with partial batch responses (`ReportBatchItemFailures`). Both build their services
once per container, on first use.
"""

from __future__ import annotations

import functools
from typing import Any

from paybot_core import (
    ConfigurationError,
    QueueDelivery,
    Services,
    StreamRelay,
    build,
    outbox_consumers,
    retry_policy,
)
from paybot_core import aws_client as client


@functools.cache
def _services() -> Services:
    return build()


def _queue_urls(services: Services) -> tuple[str, str]:
    settings = services.settings
    if not settings.outbox_queue_url or not settings.outbox_dead_letter_url:
        raise ConfigurationError(
            "The outbox Lambdas need PAYBOT_OUTBOX_QUEUE_URL and PAYBOT_OUTBOX_DEAD_LETTER_URL."
        )
    return settings.outbox_queue_url, settings.outbox_dead_letter_url


@functools.cache
def _relay() -> StreamRelay:
    services = _services()
    events = getattr(services.store, "events_by_id", None)
    if events is None:
        raise ConfigurationError(
            "The outbox relay reads the DynamoDB session store's events (PAYBOT_SESSION_STORE=dynamodb)."
        )
    return StreamRelay(client("sqs"), _queue_urls(services)[0], outbox_consumers(services), events)


@functools.cache
def _delivery() -> QueueDelivery:
    services = _services()
    queue, dead = _queue_urls(services)
    return QueueDelivery(
        client("sqs"), queue, dead, outbox_consumers(services), policy=retry_policy(services.settings)
    )


def relay_handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    _relay().relay(event.get("Records", []))
    return {}


def deliver_handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    failed = _delivery().deliver(event.get("Records", []))
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failed]}
