"""A merchant's webhook endpoint on loopback: records every POST and answers as the test says.

`answer` is the status it gives (200, 500, ...), `delay` how long it waits first (a slow endpoint).
`received` keeps (event, signature header, raw body, status answered) in arrival order.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .servers import free_port


@dataclass
class Received:
    event: dict[str, Any]
    signature: str
    body: bytes
    status: int


@dataclass
class Receiver:
    port: int
    answer: int = 200
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/paybot"

    def accepted(self) -> list[dict[str, Any]]:
        with self.lock:
            return [r.event for r in self.received if 200 <= r.status < 300]

    def all(self) -> list[Received]:
        with self.lock:
            return list(self.received)


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if receiver.delay:
                time.sleep(receiver.delay)
            status = receiver.answer
            with receiver.lock:
                receiver.received.append(
                    Received(json.loads(body), self.headers.get("Paybot-Signature", ""), body, status)
                )
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextlib.contextmanager
def serving(receiver: Receiver) -> Iterator[Receiver]:
    """Listen on `receiver.port` until the block ends (before and after it, the port refuses)."""
    server = ThreadingHTTPServer(("127.0.0.1", receiver.port), _handler(receiver))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def new_receiver() -> Receiver:
    return Receiver(free_port())
