"""A tiny HTTP proxy that injects faults in front of a real server (localstripe) and records requests.

Faults are queued per path prefix and consumed in order:
- "500" / "429": answer with a Stripe-shaped error, without forwarding (nothing happened upstream);
- "hang": hold the request unanswered for `seconds` without forwarding (a timeout, nothing charged);
- "lose_response": forward (upstream acts, e.g. charges), then hold the answer for `seconds` and drop it
  (the worst case: the charge happened but the caller never heard);
- "reset": close the connection at once without forwarding;
- "refuse:<code>": answer 400 invalid_request_error with that code, without forwarding, as Stripe
  refuses a request no retry changes (an account gate such as moto_not_enabled, a bad parameter).
"""

from __future__ import annotations

import http.client
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    forwarded: bool
    fault: str | None = None


@dataclass
class Fault:
    kind: str
    path_prefix: str
    seconds: float = 0.0


@dataclass
class FaultProxy:
    upstream_port: int
    requests: list[Recorded] = field(default_factory=list)
    _faults: list[Fault] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _closing: threading.Event = field(default_factory=threading.Event)
    server: ThreadingHTTPServer | None = None

    def fail_next(
        self, kind: str, path_prefix: str = "/v1/", *, times: int = 1, seconds: float = 0.0
    ) -> None:
        with self._lock:
            self._faults.extend(Fault(kind, path_prefix, seconds) for _ in range(times))

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
            self.requests.clear()

    def take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for index, fault in enumerate(self._faults):
                if path.startswith(fault.path_prefix):
                    return self._faults.pop(index)
        return None

    def record(self, entry: Recorded) -> None:
        with self._lock:
            self.requests.append(entry)

    def posts(self, path_prefix: str) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.method == "POST" and r.path.startswith(path_prefix)]

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> FaultProxy:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                fault = proxy.take_fault(self.path)
                kind = fault.kind if fault else None
                forwarded = kind in (None, "lose_response")
                proxy.record(Recorded(self.command, self.path, headers, body, forwarded, kind))
                if kind in ("500", "429"):
                    status = int(kind)
                    error = (
                        {"type": "api_error", "message": "An unknown error occurred (injected)."}
                        if status == 500
                        else {
                            "type": "invalid_request_error",
                            "code": "rate_limit",
                            "message": "Too many requests hit the API too quickly (injected).",
                        }
                    )
                    self._reply(
                        status, json.dumps({"error": error}).encode(), {"Content-Type": "application/json"}
                    )
                    return
                if kind and kind.startswith("refuse:"):
                    error = {
                        "type": "invalid_request_error",
                        "code": kind.split(":", 1)[1],
                        "message": "This request cannot be completed (injected).",
                    }
                    self._reply(
                        400, json.dumps({"error": error}).encode(), {"Content-Type": "application/json"}
                    )
                    return
                if kind == "reset":
                    self.close_connection = True
                    return
                if kind == "hang":
                    proxy._closing.wait(fault.seconds if fault else 0)
                    self.close_connection = True
                    return
                status, answer, answer_headers = self._forward(body)
                if kind == "lose_response":
                    proxy._closing.wait(fault.seconds if fault else 0)
                    self.close_connection = True
                    return
                self._reply(status, answer, answer_headers)

            def _forward(self, body: bytes) -> tuple[int, bytes, dict[str, str]]:
                connection = http.client.HTTPConnection("127.0.0.1", proxy.upstream_port, timeout=30)
                try:
                    skip = {"host", "connection", "content-length", "accept-encoding"}
                    headers = {k: v for k, v in self.headers.items() if k.lower() not in skip}
                    connection.request(self.command, self.path, body=body or None, headers=headers)
                    response = connection.getresponse()
                    data = response.read()
                    keep = {
                        k: v
                        for k, v in response.getheaders()
                        if k.lower() not in ("content-length", "transfer-encoding", "connection")
                    }
                    return response.status, data, keep
                finally:
                    connection.close()

            def _reply(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_DELETE = _handle  # noqa: N815

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, name="fault-proxy", daemon=True).start()
        return self

    def stop(self) -> None:
        self._closing.set()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
