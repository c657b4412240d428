"""Where an HTTP turn's cost goes: the service call, paybot's web layer around it, FastAPI's floor.

One process, no sockets: the same typed-card conversations (start, name, card number, expiry, CVC,
yes; SQLite store, sandbox gateway, file audit log) run in blocks that alternate between

- the service alone (`merchant.create`, then `conversations.handle` per message),
- paybot's ASGI app called directly (`POST /v1/sessions`, then `POST /v1/chat`: middleware,
  routing, body validation, the route, rendering the answer), and
- the bare FastAPI app of `bare_app.py` (`POST /echo`, six per conversation),

so the machine's noise falls on all three alike. CPU time (`time.process_time`) per request,
median over the blocks: the web layer is the app's figure less the service's. Then, for each of
the three, the Python function calls per request under cProfile: a count that does not move with
the machine's load, to compare trees with. uvicorn and the socket are left out: they cost paybot
and the bare endpoint the same per request (measure them with `load.py` or `turn_latency.py`).
"""

from __future__ import annotations

import asyncio
import cProfile
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from typing import Any

from _common import ROOT  # noqa: F401 - puts the repository on sys.path for bare_app

BLOCKS, CONVERSATIONS_PER_BLOCK, WARMUP = 15, 15, 10
MESSAGES = ("Jane Doe", "4242 4242 4242 4242", "12/29", "123", "yes")
REQUESTS = 1 + len(MESSAGES)
App = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


async def call(app: App, path: str, payload: dict[str, object]) -> dict[str, Any]:
    body = json.dumps(payload).encode()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1:8000"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    if sent[0]["status"] >= 300:
        raise RuntimeError(f"{path}: {sent[0]['status']} {sent[1].get('body')!r}")
    answer: dict[str, Any] = json.loads(sent[1]["body"])
    return answer


async def paybot_block(app: App, n: int) -> None:
    for _ in range(n):
        sid = (await call(app, "/v1/sessions", {"amount": 5000, "cardEntry": "typed"}))["sessionId"]
        for message in MESSAGES:
            reply = await call(app, "/v1/chat", {"sessionId": sid, "message": message})
        assert reply["status"] == "completed", reply


async def bare_block(app: App, n: int) -> None:
    for _ in range(n):
        await call(app, "/echo", {"amount": 5000, "cardEntry": "typed"})
        for message in MESSAGES:
            await call(app, "/echo", {"sessionId": "ses_bench", "message": message})


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        # The per-client limit would refuse one address sending this many requests a minute.
        os.environ.update(
            {
                "PAYBOT_DATA_DIR": tmp,
                "PAYBOT_ALLOW_TYPED_CARD_ENTRY": "true",
                "PAYBOT_LOG_LEVEL": "WARNING",
                "PAYBOT_RATE_LIMIT_PER_CLIENT": "0",
            }
        )
        from bare_app import app as bare

        from paybot_channels.web.app import create_app
        from paybot_core import CardEntry, Channel, Presets, Say, Settings, build, configure_logging

        settings = Settings()
        configure_logging(settings.log_level, settings.library_log_level)
        services = build(settings)
        app = create_app(services, sweep_expired=False)
        presets = Presets(amount=5000, card_entry=CardEntry.TYPED, currency=settings.currency)

        def service_block(n: int) -> None:
            for _ in range(n):
                sid = services.merchant.create(presets, Channel.WEB, 86_400).state.session_id
                for message in MESSAGES:
                    reply = services.conversations.handle(sid, [Say(message)])
                assert reply.state.status.value == "completed", reply.text

        loop = asyncio.new_event_loop()
        kinds: dict[str, Callable[[int], None]] = {
            "service alone": service_block,
            "paybot app": lambda n: loop.run_until_complete(paybot_block(app, n)),
            "bare app": lambda n: loop.run_until_complete(bare_block(bare, n)),
        }
        for run in kinds.values():
            run(WARMUP)
        cpu: dict[str, list[float]] = {kind: [] for kind in kinds}
        for _ in range(BLOCKS):
            for kind, run in kinds.items():
                started = time.process_time()
                run(CONVERSATIONS_PER_BLOCK)
                cpu[kind].append((time.process_time() - started) / (CONVERSATIONS_PER_BLOCK * REQUESTS))
        calls = {}
        for kind, run in kinds.items():
            profile = cProfile.Profile()
            profile.enable()
            run(CONVERSATIONS_PER_BLOCK)
            profile.disable()
            calls[kind] = pstats.Stats(profile).total_calls / (CONVERSATIONS_PER_BLOCK * REQUESTS)  # type: ignore[attr-defined]
        loop.close()

    median = {kind: statistics.median(values) for kind, values in cpu.items()}
    web = median["paybot app"] - median["service alone"]
    print(
        f"web layer: {BLOCKS} alternated blocks of {CONVERSATIONS_PER_BLOCK} conversations x {REQUESTS} "
        f"requests, ASGI apps called directly (no socket), CPU per request (median of the blocks)"
    )
    for kind in kinds:
        print(
            f"  {kind:<14} {median[kind] * 1000:7.3f} ms CPU   {calls[kind]:7.1f} function calls per request"
        )
    print(
        f"  paybot's web layer (app less service): {web * 1000:.3f} ms, "
        f"{calls['paybot app'] - calls['service alone']:.1f} calls; "
        f"{web / median['bare app']:.2f}x the bare app's whole request; load average {os.getloadavg()[0]:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
