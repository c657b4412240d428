"""The thread pool that runs the blocking part of a request: store, gateway and model calls.

Route handlers are `async`: parsing, validation and the rate limits run on the event loop, and only
the service call crosses to a thread. That is one hop per request on a pool of its own, sized by
`Settings.turn_threads()` (few threads for the embedded adapters, which only compute; many for the
remote ones, which wait on the network), instead of FastAPI's shared 40-thread pool.

A request cancelled while its call runs (the client went away) does not stop the call: the turn
completes and is saved, so the session stays consistent and the next request sees it. At shutdown
uvicorn waits for the requests in flight, and so for their calls; the idle threads end with the
interpreter.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class TurnThreads:
    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("the turn thread pool needs at least one thread")
        self.size = size
        # Threads start on first use, so an app that never serves a request costs none.
        self._pool = ThreadPoolExecutor(size, thread_name_prefix="paybot-turn")

    async def run(self, call: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, functools.partial(call, *args, **kwargs))
