"""Turn latency of complete payment conversations, in process and over HTTP on loopback (SQLite store).

Each conversation: start, name, card number, expiry, CVC (tokenized), yes (charged), i.e. five
turns after the start. The same loop runs against a bare FastAPI JSON endpoint served the same
way, so the HTTP figures come with a baseline measured in the same run on the same machine.
"""

from __future__ import annotations

import http.client
import json
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, import_time, ms, percentile, slow_webhooks, start_server, stop

from paybot_core import CardEntry, Presets, Say, Settings, build

MESSAGES = ["Jane Doe", "4242 4242 4242 4242", "12/29", "123", "yes"]
WARMUP, CONVERSATIONS = 30, 400


def in_process(data_dir: Path) -> tuple[list[float], float]:
    services = build(Settings(data_dir=data_dir, allow_typed_card_entry=True))
    conv = services.conversations
    presets = Presets(amount=5000, card_entry=CardEntry.TYPED)
    turns: list[float] = []
    started = time.perf_counter()
    for n in range(WARMUP + CONVERSATIONS):
        if n == WARMUP:
            turns.clear()
            started = time.perf_counter()
        sid = conv.start(presets).state.session_id
        for message in MESSAGES:
            t0 = time.perf_counter()
            reply = conv.handle(sid, Say(message))
            turns.append(time.perf_counter() - t0)
        assert reply.state.status.value == "completed", reply.text
    return turns, CONVERSATIONS / (time.perf_counter() - started)


def post(conn: http.client.HTTPConnection, path: str, body: dict[str, object]) -> dict[str, object]:
    conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
    response = conn.getresponse()
    payload: dict[str, object] = json.loads(response.read())
    if response.status >= 300:
        raise RuntimeError(f"{path}: HTTP {response.status} {payload}")
    return payload


def over_http(base: str, conversation: bool) -> tuple[list[float], float]:
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    turns: list[float] = []
    started = time.perf_counter()
    for n in range(WARMUP + CONVERSATIONS):
        if n == WARMUP:
            turns.clear()
            started = time.perf_counter()
        if conversation:
            sid = post(conn, "/v1/sessions", {"amount": 5000, "cardEntry": "typed"})["sessionId"]
        for message in MESSAGES:
            t0 = time.perf_counter()
            if conversation:
                reply = post(conn, "/v1/chat", {"sessionId": sid, "message": message})
            else:
                post(conn, "/echo", {"sessionId": "ses_x", "message": message})
            turns.append(time.perf_counter() - t0)
        if conversation:
            assert reply["status"] == "completed", reply
    conn.close()
    return turns, CONVERSATIONS / (time.perf_counter() - started)


def report(label: str, turns: list[float], per_second: float) -> None:
    print(
        f"  {label:<28} turn p50 {ms(percentile(turns, 0.5)):>10}  p99 {ms(percentile(turns, 0.99)):>10}  "
        f"{per_second:8.1f} conversations/s  ({len(turns)} turns)"
    )


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        print(
            f"turn latency: {CONVERSATIONS} conversations x {len(MESSAGES)} turns (after {WARMUP} warm-up), "
            "SQLite store, sandbox gateway, file audit log"
        )
        inproc, inproc_rate = in_process(data / "inproc")
        report("in process", inproc, inproc_rate)

        env = {
            "PAYBOT_DATA_DIR": str(data / "http"),
            "PAYBOT_ALLOW_TYPED_CARD_ENTRY": "true",
            "PAYBOT_LOG_LEVEL": "WARNING",
        }
        webhooks, receiver = slow_webhooks()
        server, base = start_server(
            [str(ROOT / ".venv/bin/paybot"), "serve", "--host", "127.0.0.1"], {**env, **webhooks}, "/healthz"
        )
        try:
            chat, chat_rate = over_http(base, conversation=True)
        finally:
            stop(server)
            if receiver is not None:
                stop(receiver)
        bare_server, bare_base = start_server(
            [sys.executable, str(ROOT / "bench/bare_app.py")], {}, "/healthz"
        )
        try:
            bare, bare_rate = over_http(bare_base, conversation=False)
        finally:
            stop(bare_server)
        report("HTTP loopback, paybot", chat, chat_rate)
        report("HTTP loopback, bare FastAPI", bare, bare_rate)
        print(
            f"  ratio paybot/bare: p50 {percentile(chat, 0.5) / percentile(bare, 0.5):.2f}x, "
            f"p99 {percentile(chat, 0.99) / percentile(bare, 0.99):.2f}x"
        )

        handler, baseline = import_time(
            "paybot_channels.web.lambda_handler", {"PAYBOT_DATA_DIR": str(data / "l")}
        )
        print(
            f"  lambda handler cold import (fresh interpreter, median of 7): {ms(handler)} "
            f"(bare interpreter {ms(baseline)}; import itself {ms(handler - baseline)})"
        )
        print(
            f"targets: in-process p50 < 1 ms: {'met' if percentile(inproc, 0.5) < 0.001 else 'MISSED'}; "
            f"HTTP p99 < 15 ms: {'met' if percentile(chat, 0.99) < 0.015 else 'MISSED'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
