"""Load: complete payment conversations from many concurrent sessions against `paybot serve` (SQLite store).

A second process (the load generator: asyncio + httpx, a semaphore holding the concurrency) drives a
fixed number of typed-card conversations (create session, name, card number, expiry, CVC, yes: six
requests) at 50 and then 200 concurrent sessions, each run under a hard time cap. The same generator
then sends the same number of requests, six per "session", to a bare FastAPI JSON endpoint
(`bare_app.py`) at the same concurrency: the baseline of the same machine in the same run.

Afterwards the sandbox gateway's SQLite file (read once the server stopped) must hold exactly one
succeeded PaymentIntent per conversation: none lost, none duplicated. Everything stays on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from _common import ROOT, ms, percentile, slow_webhooks, start_server, stop

LEVELS = (50, 200)  # concurrent sessions
CONVERSATIONS = {50: 400, 200: 800}  # per level, after the warm-up
WARMUP = 20
ROUNDS = 3  # paybot-then-bare pairs per level; the verdict uses their medians
TIME_CAP_SECONDS = 90.0  # per run; the generator gives up (and counts errors) past it
MESSAGES = ("Jane Doe", "4242 4242 4242 4242", "12/30", "123", "yes")
REQUESTS_PER_SESSION = 1 + len(MESSAGES)  # POST /v1/sessions, then five chat turns


@dataclass
class RunResult:
    sessions: int = 0  # conversations that ended completed
    elapsed: float = 0.0
    turns: list[float] = field(default_factory=list)  # seconds per request, as the client saw it
    firsts: list[float] = field(default_factory=list)  # the same, for each connection's first request
    errors: Counter[str] = field(default_factory=Counter)
    session_ids: list[str] = field(default_factory=list)
    timed_out: bool = False

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


# ------------------------------------------------------------------ the load generator (second process)


class Connection:
    """One payer's keep-alive HTTP/1.1 connection, written by hand on asyncio streams.

    httpx's AsyncClient costs more CPU per request than the bare endpoint does to answer it, so on a
    small machine it measured itself; this client does the least an HTTP/1.1 client can.
    """

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, host: str, port: int) -> Connection:
        reader, writer = await asyncio.open_connection(host, port)
        return cls(reader, writer)

    async def post(self, path: str, body: dict[str, object]) -> tuple[int, dict[str, object]]:
        data = json.dumps(body).encode()
        self.writer.write(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(data)}\r\n\r\n".encode()
            + data
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        payload: dict[str, object] = json.loads(await self.reader.readexactly(length)) if length else {}
        return status, payload

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(OSError):
            await self.writer.wait_closed()


async def _conversation(host: str, port: int, bare: bool, result: RunResult, record: bool) -> None:
    try:
        conn = await Connection.open(host, port)
    except OSError as err:
        result.errors[type(err).__name__] += 1
        return

    first = True

    async def post(path: str, body: dict[str, object]) -> dict[str, object] | None:
        nonlocal first
        started = time.perf_counter()
        try:
            status, payload = await conn.post(path, body)
        except (OSError, asyncio.IncompleteReadError, ValueError) as err:
            result.errors[type(err).__name__] += 1
            return None
        if record:
            result.turns.append(time.perf_counter() - started)
            if first:
                result.firsts.append(result.turns[-1])
        first = False
        if status >= 300:
            result.errors[f"HTTP {status}"] += 1
            return None
        return payload

    try:
        if bare:
            for message in ("new session", *MESSAGES):
                if await post("/echo", {"sessionId": "ses_bench", "message": message}) is None:
                    return
            result.sessions += record
            return
        created = await post("/v1/sessions", {"amount": 5000, "cardEntry": "typed"})
        if created is None:
            return
        session_id = str(created["sessionId"])
        if record:
            result.session_ids.append(session_id)
        reply: dict[str, object] | None = created
        for message in MESSAGES:
            reply = await post("/v1/chat", {"sessionId": session_id, "message": message})
            if reply is None:
                return
        if reply is not None and reply.get("status") == "completed":
            result.sessions += record
        else:
            result.errors["not completed"] += 1
    finally:
        await conn.close()


async def _drive(base_url: str, concurrency: int, conversations: int, bare: bool) -> RunResult:
    host, port = base_url.removeprefix("http://").split(":")
    result = RunResult()
    gate = asyncio.Semaphore(concurrency)

    async def one(record: bool) -> None:
        async with gate:
            await _conversation(host, int(port), bare, result, record)

    await asyncio.gather(*(one(False) for _ in range(WARMUP)))
    warmup_errors = result.error_count
    started = time.perf_counter()
    tasks = [asyncio.ensure_future(one(True)) for _ in range(conversations)]
    _done, pending = await asyncio.wait(tasks, timeout=TIME_CAP_SECONDS)
    result.elapsed = time.perf_counter() - started
    for task in pending:
        task.cancel()
    if pending:
        result.timed_out = True
        result.errors["unfinished at the time cap"] += len(pending)
        await asyncio.gather(*pending, return_exceptions=True)
    if warmup_errors:
        result.errors["during warm-up"] += warmup_errors
    return result


def generate(base_url: str, concurrency: int, conversations: int, bare: bool) -> RunResult:
    """Entry point of the generator process."""
    return asyncio.run(_drive(base_url, concurrency, conversations, bare))


# ------------------------------------------------------------------ the measuring process


def run_load(pool: ProcessPoolExecutor, base_url: str, concurrency: int, bare: bool) -> RunResult:
    future = pool.submit(generate, base_url, concurrency, CONVERSATIONS[concurrency], bare)
    return future.result(timeout=TIME_CAP_SECONDS + 60)


def check_charges(gateway_db: Path, session_ids: list[str]) -> tuple[int, int, int]:
    """(sessions with exactly one succeeded charge, sessions with none, sessions with more than one)."""
    with contextlib.closing(sqlite3.connect(gateway_db)) as conn:
        rows = conn.execute("SELECT session_id FROM payment_intents WHERE status = 'succeeded'").fetchall()
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    assert integrity == "ok", integrity
    charges = Counter(session_id for (session_id,) in rows)
    one = sum(1 for s in session_ids if charges[s] == 1)
    lost = sum(1 for s in session_ids if charges[s] == 0)
    duplicated = sum(1 for s in session_ids if charges[s] > 1)
    return one, lost, duplicated


def report(label: str, result: RunResult, rate_label: str, rate: float) -> None:
    # The first request of each connection (paybot: creating the session) is shown apart: under
    # load, the queueing tends to fall on new connections rather than on conversations under way.
    errors = ", ".join(f"{k}: {v}" for k, v in sorted(result.errors.items())) or "none"
    print(
        f"  {label:<26} {rate:7.1f} {rate_label:<11} requests p50 {ms(percentile(result.turns, 0.5)):>10} "
        f"p99 {ms(percentile(result.turns, 0.99)):>11}; first per connection p50 "
        f"{ms(percentile(result.firsts, 0.5)):>11}  errors {result.error_count} ({errors})",
        flush=True,
    )


def main() -> int:
    print(
        f"load: typed-card conversations of {REQUESTS_PER_SESSION} requests (create, name, card, expiry, "
        f"CVC, yes), {', '.join(f'{CONVERSATIONS[c]} at {c} concurrent' for c in LEVELS)} (after {WARMUP} "
        f"warm-up), {ROUNDS} rounds per level, SQLite store, sandbox gateway; generator in a second "
        f"process; cap {TIME_CAP_SECONDS:.0f}s a run"
    )
    print(f"  machine: {platform.machine()}, {platform.system()}, Python {platform.python_version()}")
    ok = True
    spawn = get_context("spawn")
    with tempfile.TemporaryDirectory() as tmp, ProcessPoolExecutor(1, mp_context=spawn) as pool:
        data = Path(tmp)
        env = {
            "PAYBOT_DATA_DIR": str(data),
            "PAYBOT_ALLOW_TYPED_CARD_ENTRY": "true",
            "PAYBOT_LOG_LEVEL": "WARNING",
            "PAYBOT_SESSION_STORE": "sqlite",
            "PAYBOT_PAYMENT_GATEWAY": "sandbox",
            # Every simulated payer comes from 127.0.0.1, one client address: its per-client limit
            # (12,000 a minute) would start refusing them within seconds, which measures the limiter,
            # not the server. The per-session limit stays on: each payer stays far below it.
            "PAYBOT_RATE_LIMIT_PER_CLIENT": "0",
        }
        webhooks, receiver = slow_webhooks()
        env.update(webhooks)
        paybot_command = [str(ROOT / ".venv/bin/paybot"), "serve", "--host", "127.0.0.1"]
        results: dict[int, list[tuple[RunResult, RunResult]]] = {level: [] for level in LEVELS}
        server, base = start_server(paybot_command, env, "/healthz")
        try:
            bare_server, bare_base = start_server(
                [sys.executable, str(ROOT / "bench/bare_app.py")], {}, "/healthz"
            )
            try:
                # Each paybot run is followed at once by the bare run at the same level, so a pair sees
                # the same machine; several rounds, so one busy minute cannot decide the verdict.
                for level in LEVELS:
                    for _ in range(ROUNDS):
                        results[level].append(
                            (run_load(pool, base, level, False), run_load(pool, bare_base, level, True))
                        )
            finally:
                stop(bare_server)
        finally:
            stop(server)
            if receiver is not None:
                stop(receiver)

        for level in LEVELS:
            ok = report_level(level, results[level], data / "sandbox_gateway.sqlite3") and ok
        verdict = "met" if ok else "MISSED"
        print(
            "target: zero errors, zero lost and zero duplicated charges, and (medians of the rounds) "
            f"within 3x of the bare endpoint, at every level: {verdict}"
        )
    return 0 if ok else 1


def report_level(level: int, rounds: list[tuple[RunResult, RunResult]], gateway_db: Path) -> bool:
    print(f" {level} concurrent sessions:")
    session_rates, bare_rates, session_ids = [], [], []
    errors = 0
    for number, (mine, bare) in enumerate(rounds, start=1):
        session_rates.append(mine.sessions / mine.elapsed)
        bare_rates.append(len(bare.turns) / bare.elapsed)
        session_ids.extend(mine.session_ids)
        errors += mine.error_count
        report(f"round {number}: paybot serve", mine, "sessions/s", session_rates[-1])
        report(f"round {number}: bare FastAPI", bare, "requests/s", bare_rates[-1])
    sessions_per_s = statistics.median(session_rates)
    bound = statistics.median(bare_rates) / REQUESTS_PER_SESSION
    within = sessions_per_s * 3 >= bound
    shares = ", ".join(
        f"{m / (b / REQUESTS_PER_SESSION):.2f}" for m, b in zip(session_rates, bare_rates, strict=True)
    )
    one, lost, duplicated = check_charges(gateway_db, session_ids)
    print(
        f"  charges (gateway records): {len(session_ids)} sessions, {one} with exactly one, "
        f"{lost} lost, {duplicated} duplicated; errors {errors}"
    )
    print(
        f"  within 3x (median sessions/s x 3 >= median bare requests/s / {REQUESTS_PER_SESSION} turns a "
        f"session): {sessions_per_s:.1f} x 3 = {sessions_per_s * 3:.1f} vs {bound:.1f}: "
        f"{'holds' if within else 'DOES NOT HOLD'} (paybot at {sessions_per_s / bound:.2f} of it; "
        f"rounds {shares})"
    )
    clean = errors == 0 and lost == 0 and duplicated == 0 and one == len(session_ids)
    return clean and within and len(session_ids) == CONVERSATIONS[level] * len(rounds)


if __name__ == "__main__":
    sys.exit(main())
