"""A circuit breaker, and the `LanguageModel` layer that puts one in front of a model.

A model that keeps failing costs every turn its timeout before the rules answer. After
`threshold` consecutive failures the breaker opens: the layer refuses at once
(`ModelUnavailableError`, which the rules-first policy answers with the rules) until `cooldown`
seconds have passed, then lets one trial call through; a good trial closes it again.

Only unavailability counts as a failure: a request the card-data guard refused
(`CardDataLeakError`) or an answer the model cut off says nothing about the service's health.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from .errors import ModelUnavailableError

if TYPE_CHECKING:
    from .conversation.understanding import UnderstandingContext, Understood
    from .ports import LanguageModel

T = TypeVar("T")


class CircuitBreaker:
    """Open after `threshold` consecutive failures; let one trial call through after `cooldown` seconds."""

    def __init__(
        self, threshold: int = 3, cooldown: float = 30.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.threshold = threshold
        self.cooldown = cooldown
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        with self._lock:
            return self._opened_at is not None and self._clock() - self._opened_at < self.cooldown

    def allow(self) -> bool:
        with self._lock:
            if self._opened_at is None:
                return True
            if self._clock() - self._opened_at >= self.cooldown:
                self._opened_at = self._clock()  # half-open: this caller is the trial; others wait
                return True
            return False

    def success(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None

    def failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._failures >= self.threshold:
                self._opened_at = self._clock()

    def call(self, attempt: Callable[[], T]) -> T:
        """`attempt()` if the breaker allows it, counting a `ModelUnavailableError` as a failure."""
        if not self.allow():
            raise ModelUnavailableError("the model's circuit breaker is open")
        try:
            result = attempt()
        except ModelUnavailableError:
            self.failure()
            raise
        self.success()
        return result


class BreakerModel:
    """A `LanguageModel` layer: the wrapped model is not called while its breaker is open."""

    def __init__(self, wrapped: LanguageModel, breaker: CircuitBreaker | None = None) -> None:
        self.wrapped = wrapped
        self.breaker = breaker or CircuitBreaker()

    def understand(self, text: str, context: UnderstandingContext) -> Understood:
        return self.breaker.call(lambda: self.wrapped.understand(text, context))

    def phrase(self, draft: str, facts: dict[str, str]) -> str:
        return self.breaker.call(lambda: self.wrapped.phrase(draft, facts))
