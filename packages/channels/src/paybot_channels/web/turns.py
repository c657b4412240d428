"""Where the blocking part of a request runs: store, gateway and model calls.

Route handlers are `async`: parsing, validation and the rate limits run on the event loop. The
service call then runs either on the loop itself, when every adapter is embedded (a turn is a
fraction of a millisecond of computing and local file writes, less than a thread hop costs), or on a
pool of its own when an adapter waits on the network, so a slow Stripe or Bedrock call holds up
only its own request. `Settings.turn_threads()` decides; `PAYBOT_WORKER_THREADS` overrides.

A request cancelled while its call runs on a thread (the client went away) does not stop the call:
the turn completes and is saved, so the session stays consistent and the next request sees it. At
shutdown uvicorn waits for the requests in flight, and so for their calls; idle threads end with
the interpreter.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class TurnRunner:
    def __init__(self, threads: int) -> None:
        if threads < 0:
            raise ValueError("the turn runner needs 0 threads (the event loop) or more")
        self.threads = threads
        # Threads start on first use, so an app that never serves a request costs none.
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="paybot-turn") if threads else None

    async def run(self, call: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R:
        if self._pool is None:
            return call(*args, **kwargs)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, functools.partial(call, *args, **kwargs))
