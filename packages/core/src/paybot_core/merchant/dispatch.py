"""The outbox dispatcher: hands each event to its consumers (webhook endpoints, the receipt sender),
retrying with backoff.

At least once: an event is marked delivered only after a 2xx; a timeout, a refused connection or
any other answer schedules a retry, exponential with jitter, until the retry window (3 days by
default) has passed since the event was created. In order per session: the outbox hands out only a
session's oldest undelivered event. It runs beside the server (a thread of `paybot serve`), never
inside a payer's turn: a slow or failing endpoint costs the payer nothing.

Each consumer has its own delivery state in the outbox, under its own name: a webhook endpoint by
its URL, the receipt sender as `paybot:receipts`. On AWS the same consumers run in a Lambda fed by
the table's stream through a queue instead (see lambda_dispatcher.py).
"""

from __future__ import annotations

import logging
import random
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

from ..ports import Delivery, WebhookOutbox
from . import signing
from .events import MerchantEvent

log = logging.getLogger("paybot.webhooks")

USER_AGENT = "paybot-webhooks/1"


class DeliveryError(Exception):
    """The endpoint did not take the event (timeout, connection refused, non-2xx answer)."""


@dataclass(frozen=True)
class RetryPolicy:
    first_delay: float = 30.0
    max_delay: float = 6 * 3600.0
    window: float = 3 * 86_400.0

    def delay(self, attempts: int, rng: random.Random) -> float:
        """Seconds before try `attempts + 1`: doubling from `first_delay`, capped, with "equal jitter"
        (half fixed, half random) so endpoints coming back are not hit by every retry at once."""
        ceiling = min(self.max_delay, self.first_delay * float(2 ** max(0, attempts - 1)))
        return ceiling / 2 + rng.uniform(0, ceiling / 2)


Post = Callable[[str, bytes, dict[str, str], float], int]


class Consumer(Protocol):
    """Takes one event for `endpoint`; raises DeliveryError when it should be tried again later.

    `event_types` names the types it takes (None: every type). Both dispatchers hand it nothing
    else, so an event it has no use for costs no delivery: no claim, no write, no queue message."""

    @property
    def event_types(self) -> AbstractSet[str] | None: ...

    def send(self, endpoint: str, event: MerchantEvent) -> None: ...


def http_post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """POST with the standard library; the status code, or DeliveryError when there is none."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 (http(s) only, checked in settings)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            return int(answer.status)
    except urllib.error.HTTPError as err:
        return int(err.code)
    except (OSError, ValueError) as err:  # refused, reset, timed out, DNS
        raise DeliveryError(type(err).__name__) from None


class WebhookSender:
    """Signs and posts one event to one endpoint."""

    event_types: AbstractSet[str] | None = None  # a merchant's endpoint hears of everything

    def __init__(
        self,
        secret: str,
        *,
        post: Post = http_post,
        timeout: float = 10.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._secret = secret
        self._post = post
        self.timeout = timeout
        self._clock = clock

    def send(self, endpoint: str, event: MerchantEvent) -> None:
        body = event.body()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            signing.HEADER: signing.sign(self._secret, body, int(self._clock())),
        }
        status = self._post(endpoint, body, headers, self.timeout)
        if not 200 <= status < 300:
            raise DeliveryError(f"HTTP {status}")


class WebhookDispatcher:
    """Delivers what the outbox says is due, for each consumer.

    Each consumer is worked by its own loop (`start`), so a slow endpoint never holds up another
    or the receipts. Within one consumer, the due events all belong to different sessions (the
    outbox hands out one head per session), so they go out `concurrency` at a time without
    breaking any session's order.
    """

    def __init__(
        self,
        outbox: WebhookOutbox,
        consumers: Mapping[str, Consumer],
        *,
        policy: RetryPolicy | None = None,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        batch: int = 50,
        concurrency: int = 8,
    ) -> None:
        self.outbox = outbox
        self.consumers = dict(consumers)
        self.policy = policy or RetryPolicy()
        self.clock = clock
        self.rng = rng or random.SystemRandom()
        self.batch = batch
        self.concurrency = concurrency
        # Long enough for one batch to go out even at the timeout each; a crashed run's claims return.
        self.lease_seconds = max(60.0, 2.0 * 30 * batch / concurrency)
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()

    def run_once(self, max_rounds: int = 20, endpoints: Sequence[str] | None = None) -> int:
        """Deliver until nothing is due (or `max_rounds` batches); returns how many went through."""
        return sum(self._drain(endpoint, max_rounds) for endpoint in (endpoints or list(self.consumers)))

    def _drain(self, endpoint: str, max_rounds: int) -> int:
        delivered = 0
        for _ in range(max_rounds):
            types = self.consumers[endpoint].event_types
            due = self.outbox.due(endpoint, self.clock(), self.batch, self.lease_seconds, types)
            if not due:
                break
            if len(due) == 1 or self.concurrency <= 1:
                delivered += sum(self._attempt(delivery) for delivery in due)
            else:
                delivered += sum(self._workers().map(self._attempt, due))
        return delivered

    def _workers(self) -> ThreadPoolExecutor:
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="paybot-delivery")
            return self._pool

    def _attempt(self, delivery: Delivery) -> bool:
        event = delivery.event
        try:
            self.consumers[delivery.endpoint].send(delivery.endpoint, event)
        except DeliveryError as err:
            now = self.clock()
            if now - event.created >= self.policy.window:
                log.error("event %s to %s given up after %d tries: %s", event.id, delivery.endpoint,
                          delivery.attempts + 1, err)  # fmt: skip
                self.outbox.give_up(delivery, str(err))
            else:
                retry = now + self.policy.delay(delivery.attempts + 1, self.rng)
                log.warning("event %s to %s failed (%s); retry %d in %.0f s", event.id, delivery.endpoint,
                            err, delivery.attempts + 2, retry - now)  # fmt: skip
                self.outbox.retry_at(delivery, retry, str(err))
            return False
        self.outbox.delivered(delivery, self.clock())
        log.info("event %s %s delivered to %s", event.id, event.type.value, delivery.endpoint)
        return True

    def run_forever(
        self, stop: threading.Event, poll_seconds: float = 1.0, endpoint: str | None = None
    ) -> None:
        """One background loop of `paybot serve`: a bounded run, then a short wait, until `stop`."""
        endpoints = [endpoint] if endpoint is not None else None
        while not stop.is_set():
            try:
                self.run_once(endpoints=endpoints)
            except Exception:  # the loop must outlive a store hiccup; the outbox keeps the events
                log.exception("outbox dispatch to %s failed; trying again", endpoint or "all consumers")
            stop.wait(poll_seconds)

    def start(self, poll_seconds: float = 1.0) -> Callable[[], None]:
        """One daemon thread per consumer; returns the function that stops them."""
        stop = threading.Event()
        threads = [
            threading.Thread(
                target=self.run_forever,
                args=(stop, poll_seconds, endpoint),
                name=f"paybot-outbox-{number}",
                daemon=True,
            )
            for number, endpoint in enumerate(self.consumers)
        ]
        for thread in threads:
            thread.start()

        def halt() -> None:
            stop.set()
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
            for thread in threads:
                thread.join(timeout=5)

        return halt
