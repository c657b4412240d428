"""Abuse limits: in-process token buckets per client address and per session.

A bucket holds up to `per_minute` tokens and refills at `per_minute / 60` a second, so a client may
burst up to a minute's allowance and then goes at the sustained rate. The buckets live in one
process: several server processes or Lambda containers each count on their own, so the limits are
a brake on one runaway or hostile client, not an exact quota (API Gateway's throttling or a WAF rule
is the fleet-wide one).

The client is the connection's peer address (`scope["client"]`), never a header the client writes:
behind API Gateway, Mangum puts the request context's `sourceIp` there, and behind the stack's
CloudFront `edge.ViewerAddress` replaces it with the viewer's address on requests CloudFront
vouches for; `paybot serve` (uvicorn) honours `X-Forwarded-For` only from its trusted proxy
addresses (loopback by default). A client that runs its bucket dry is logged with that address,
at most once a minute.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

from .errors import ApiError, error_response

log = logging.getLogger("paybot.ratelimit")

# A bucket untouched for a minute is full again, the same as no bucket: it is dropped. Past this
# many live buckets, the least recently used go too, so a flood of distinct keys cannot grow
# memory without bound (an evicted key starts again from a full bucket).
MAX_BUCKETS = 100_000
RATE_LIMITED_MESSAGE = "Too many requests; please slow down and try again shortly."


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBuckets:
    """Token buckets by key; thread-safe (sync routes run in a thread pool).

    The buckets are kept in the order they were last used (an OrderedDict, moved to the end on
    every use), so the ones full again by now are always at the front: each new key drops them
    from there, and the bucket it stops at is the first still draining. Every bucket is dropped
    at most once after its last use, so a new key costs O(1) amortised however many there are.
    """

    def __init__(
        self, per_minute: int, clock: Callable[[], float] = time.monotonic, max_buckets: int = MAX_BUCKETS
    ) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.refill_seconds = 60.0  # an empty bucket is full again after this long
        self.clock = clock
        self.max_buckets = max_buckets
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.capacity > 0

    def take(self, key: str) -> float:
        """Spend one token of `key`'s bucket: 0.0 when allowed, else the seconds until one is back."""
        if not self.enabled:
            return 0.0
        with self._lock:
            now = self.clock()
            bucket = self._buckets.get(key)
            if bucket is None:
                self._expire(now)
                bucket = self._buckets[key] = _Bucket(self.capacity, now)
            else:
                elapsed = max(0.0, now - bucket.updated)
                bucket.tokens = min(self.capacity, bucket.tokens + elapsed * self.rate)
                bucket.updated = max(bucket.updated, now)
                self._buckets.move_to_end(key)
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / self.rate

    def __len__(self) -> int:
        return len(self._buckets)

    def by_last_use(self) -> list[str]:
        """The keys held, least recently used first."""
        with self._lock:
            return list(self._buckets)

    def _expire(self, now: float) -> None:
        """Drop the buckets full again by `now` and, at the cap, the least recently used."""
        buckets = self._buckets
        while buckets:
            oldest = next(iter(buckets.values()))
            if now - oldest.updated < self.refill_seconds and len(buckets) < self.max_buckets:
                break
            buckets.popitem(last=False)


def retry_after(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))


class RateLimits:
    """The two limits of one app: per client address (middleware) and per session id (routes)."""

    def __init__(
        self, per_client: int, per_session: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.clients = TokenBuckets(per_client, clock)
        self.sessions = TokenBuckets(per_session, clock)

    def check_session(self, session_id: str) -> None:
        """Raise a 429 ApiError when this session has had more turns than its allowance."""
        wait = self.sessions.take(session_id)
        if wait > 0:
            raise ApiError(429, "rate_limited", RATE_LIMITED_MESSAGE, {"Retry-After": retry_after(wait)})


def _limited_path(path: str) -> bool:
    # The API, not the page, its assets, the docs or health checks; Stripe's signed webhooks are
    # exempt because a refused event is retried for days and only delays reconciliation.
    return (path.startswith("/v1/") and not path.startswith("/v1/webhooks/")) or path == "/chat"


class ClientRateLimit:
    """ASGI middleware: 429 `rate_limited` with Retry-After once a client address spends its bucket.

    It runs before the body is read, so floods of malformed requests are counted too.
    """

    def __init__(self, app: ASGIApp, limits: RateLimits) -> None:
        self.app = app
        self.limits = limits
        # Clients refused lately (address -> when it was logged), so a flood logs one line a minute.
        self._logged = TokenBuckets(1, limits.clients.clock)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.limits.clients.enabled or not _limited_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        key = str(client[0]) if client and client[0] else "unknown"
        wait = self.limits.clients.take(key)
        if wait <= 0:
            await self.app(scope, receive, send)
            return
        if self._logged.take(key) <= 0:
            log.warning(
                "client rate limit reached: client=%s", key
            )  # never the path: it may hold a session id
        headers = {"retry-after": retry_after(wait)}
        await error_response(429, "rate_limited", RATE_LIMITED_MESSAGE, headers)(scope, receive, send)
