"""Counters: running totals for the process, one number per name, nothing per session.

What is counted and where: every model call's tokens (`ConverseModel`, which also logs one
`model_usage` line per call for the deployment's metrics) and every completed payment (the
conversation service, after the save that completed it). Tokens per completed payment is then
the ratio of two counters, over whatever window the reader takes: a deployment charts the lines,
a bench reads the totals. A cold start resets the totals and loses nothing: the lines are the record.
"""

from __future__ import annotations

import threading
from collections import Counter

MODEL_CALLS = "model_calls"
MODEL_INPUT_TOKENS = "model_input_tokens"
MODEL_OUTPUT_TOKENS = "model_output_tokens"
PAYMENTS_COMPLETED = "payments_completed"


class Counters:
    """The `Metrics` port in process: thread-safe totals by name."""

    def __init__(self) -> None:
        self._totals: Counter[str] = Counter()
        self._lock = threading.Lock()

    def add(self, name: str, value: int = 1) -> None:
        with self._lock:
            self._totals[name] += value

    def total(self, name: str) -> int:
        with self._lock:
            return self._totals[name]

    def totals(self) -> dict[str, int]:
        with self._lock:
            return dict(self._totals)
