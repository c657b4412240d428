"""Today's turn figures against an earlier commit's code, measured in the same run on this machine.

A figure written down on another day says little on a shared machine: the same code measured
0.296 ms a turn on 2026-11-23 and 0.55-0.63 ms on 2026-12-02. So this script takes the earlier
tree from git (`git archive`, default: 2a60d82, the tree of 2026-11-23 whose figures are
bench/README's "Latest results", the day issue 11 asked for figures "within 10% of today's") and
times it beside the working tree. The two trees take turns many times a minute, so a slow spell
of the shared machine falls on both:

- the in-process turn (`_turn_driver.py`: SQLite, sandbox gateway, file audit log): one worker
  per tree, kept alive, 30 warm-up conversations each, then `BENCH_BATCHES` batches of 10
  conversations (5 turns each), the trees alternating batch by batch (ABBA order); a figure per
  batch is the p50 of its 50 turns, CPU (`time.thread_time`) and wall;
- the HTTP turn over loopback: `paybot serve` from each tree, both started before the first
  round and idle while the other is measured; `BENCH_ROUNDS` rounds of 60 conversations each;
- sessions per second at 50 concurrent payers (`load.py`'s generator), once per tree per round;
- the web Lambda handler's import in a fresh interpreter (bytecode cached by a first import),
  the trees alternating sample by sample, the figure the 2026-11-23 README gives for cold starts
  (`cold_start.py` measures the zips, which that tree could not build).

Both trees run on the same virtualenv's dependencies. Each figure's verdict is the median of the
paired ratios (today / earlier for times, earlier / today for rates), 1.10 or less to hold; the
interquartile range of the ratios is printed beside it. `BENCH_EARLIER_COMMIT` picks another commit.
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from multiprocessing import get_context
from pathlib import Path

from _common import ROOT, percentile, start_server, stop
from load import run_load
from turn_latency import MESSAGES, post

EARLIER_COMMIT = os.environ.get("BENCH_EARLIER_COMMIT", "2a60d82")
BATCHES = int(os.environ.get("BENCH_BATCHES", "40"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "6"))
BATCH_CONVERSATIONS = 10
HTTP_CONVERSATIONS = 60
IMPORT_SAMPLES = 9
BOUND = 1.10
LOAD_LEVEL = 50
SERVE = "import sys; from paybot_channels.cli import main; sys.exit(main())"


def extract(commit: str, into: Path) -> Path | None:
    """The commit's `packages/` (and `frontend/`, which later trees serve the chat page from) under
    `into`, or None (with the reason printed) when git cannot give it."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit, "packages", "frontend"], capture_output=True, check=False
    )
    if archive.returncode != 0:
        reason = archive.stderr.decode(errors="replace").strip()
        print(f"  skipped: git cannot give commit {commit} ({reason})")
        print("  (a shallow clone needs `git fetch --unshallow`; a tarball has no history to compare with)")
        return None
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into / "packages"


def python_path(packages: Path) -> str:
    return f"{packages / 'core/src'}{os.pathsep}{packages / 'channels/src'}"


class TurnWorker:
    """One tree's `_turn_driver.py`, alive across batches."""

    def __init__(self, packages: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "bench/_turn_driver.py")],
            env={**os.environ, "PYTHONPATH": python_path(packages)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def batch(self, conversations: int) -> tuple[float, float]:
        """(wall p50, CPU p50) seconds of the turns of `conversations` conversations."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(f"{conversations}\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"the turn worker ended with exit code {self.process.wait()}")
        samples = json.loads(line)
        return statistics.median(samples["wall"]), statistics.median(samples["cpu"])

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=30)


def alternate(names: list[str], count: int) -> Iterator[tuple[int, str]]:
    """(index, name) in ABBA order: neither tree always runs right after the other."""
    for index in range(count):
        for name in names if index % 2 == 0 else reversed(names):
            yield index, name


def handler_import_seconds(packages: Path, data_dir: Path) -> Callable[[], float]:
    env = {**os.environ, "PYTHONPATH": python_path(packages), "PAYBOT_DATA_DIR": str(data_dir)}
    command = [sys.executable, "-c", "import paybot_channels.web.lambda_handler"]
    subprocess.run(command, env=env, check=True)  # writes the bytecode later samples start from

    def sample() -> float:
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True)
        return time.perf_counter() - started

    return sample


@contextmanager
def serving(packages: Path, data_dir: Path) -> Iterator[str]:
    env = {
        "PYTHONPATH": python_path(packages),
        "PAYBOT_DATA_DIR": str(data_dir),
        "PAYBOT_ALLOW_TYPED_CARD_ENTRY": "true",
        "PAYBOT_LOG_LEVEL": "WARNING",
        "PAYBOT_SESSION_STORE": "sqlite",
        "PAYBOT_PAYMENT_GATEWAY": "sandbox",
        "PAYBOT_RATE_LIMIT_PER_CLIENT": "0",  # every simulated payer is 127.0.0.1 (see load.py)
    }
    server, base = start_server(
        [sys.executable, "-c", SERVE, "serve", "--host", "127.0.0.1"], env, "/healthz"
    )
    try:
        yield base
    finally:
        stop(server)


def http_turn_p50(base: str, conversations: int) -> float:
    """p50 seconds of the turns of `conversations` typed-card conversations over one connection."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    turns: list[float] = []
    try:
        for _ in range(conversations):
            sid = post(conn, "/v1/sessions", {"amount": 5000, "cardEntry": "typed"})["sessionId"]
            for message in MESSAGES:
                started = time.perf_counter()
                reply = post(conn, "/v1/chat", {"sessionId": sid, "message": message})
                turns.append(time.perf_counter() - started)
            if reply["status"] != "completed":
                raise SystemExit(f"an HTTP conversation ended {reply['status']}, not completed")
    finally:
        conn.close()
    return percentile(turns, 0.5)


def sessions_per_second(pool: ProcessPoolExecutor, base: str) -> float:
    load = run_load(pool, base, LOAD_LEVEL, bare=False)
    if load.error_count:
        raise SystemExit(f"load run against {base} had errors: {dict(load.errors)}")
    return load.sessions / load.elapsed


def verdict(label: str, ratios: list[float]) -> bool:
    median = statistics.median(ratios)
    low, _, high = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else (median, median, median)
    holds = median <= BOUND
    within = "within" if holds else "NOT within"
    print(
        f"  {label:<34} {median:5.2f}x [IQR {low:.2f}-{high:.2f}, {len(ratios)} pairs]: {within} {BOUND:.2f}x"
    )
    return holds


def paired(figures: dict[str, list[float]], rate: bool = False) -> list[float]:
    """today / earlier per pair (earlier / today for a rate, so that above 1 is always worse)."""
    pairs = zip(figures["today"], figures["earlier"], strict=True)
    return [e / t if rate else t / e for t, e in pairs]


def main() -> int:
    print(
        f"against an earlier tree: commit {EARLIER_COMMIT} beside the working tree; in-process turn "
        f"({BATCHES} alternated batches of {BATCH_CONVERSATIONS} conversations), HTTP turn and sessions/s "
        f"at {LOAD_LEVEL} concurrent ({ROUNDS} alternated rounds), web handler import ({IMPORT_SAMPLES} "
        "alternated samples)"
    )
    spawn = get_context("spawn")
    with tempfile.TemporaryDirectory() as tmp, ProcessPoolExecutor(1, mp_context=spawn) as pool:
        earlier = extract(EARLIER_COMMIT, Path(tmp))
        if earlier is None:
            return 0
        trees = {"earlier": earlier, "today": ROOT / "packages"}
        names = list(trees)
        cpu: dict[str, list[float]] = {name: [] for name in names}
        wall: dict[str, list[float]] = {name: [] for name in names}
        workers = {name: TurnWorker(packages) for name, packages in trees.items()}
        try:
            for worker in workers.values():
                worker.batch(30)  # warm-up, not counted
            for _, name in alternate(names, BATCHES):
                batch_wall, batch_cpu = workers[name].batch(BATCH_CONVERSATIONS)
                wall[name].append(batch_wall)
                cpu[name].append(batch_cpu)
        finally:
            for worker in workers.values():
                worker.close()
        for name in names:
            batch_cpu, batch_wall = statistics.median(cpu[name]), statistics.median(wall[name])
            print(
                f"  in-process {name:<8} turn p50, median of the batches: CPU {batch_cpu * 1e3:.3f} ms, "
                f"wall {batch_wall * 1e3:.3f} ms",
                flush=True,
            )

        http_p50: dict[str, list[float]] = {name: [] for name in names}
        rates: dict[str, list[float]] = {name: [] for name in names}
        with ExitStack() as servers:
            bases = {
                name: servers.enter_context(serving(trees[name], Path(tmp) / f"{name}-data"))
                for name in names
            }
            for name in names:
                http_turn_p50(bases[name], 20)  # warm-up, not counted
            for round_index, name in alternate(names, ROUNDS):
                http_p50[name].append(http_turn_p50(bases[name], HTTP_CONVERSATIONS))
                rates[name].append(sessions_per_second(pool, bases[name]))
                print(
                    f"  round {round_index + 1} {name:<8} HTTP turn p50 {http_p50[name][-1] * 1e3:.3f} ms; "
                    f"{rates[name][-1]:.1f} sessions/s at {LOAD_LEVEL}",
                    flush=True,
                )

        imports: dict[str, list[float]] = {name: [] for name in names}
        samplers = {name: handler_import_seconds(trees[name], Path(tmp) / f"{name}-lambda") for name in names}
        for _, name in alternate(names, IMPORT_SAMPLES):
            imports[name].append(samplers[name]())
        for name in names:
            print(f"  web handler import {name:<8} median {statistics.median(imports[name]) * 1e3:.0f} ms")

        print(f"today / earlier ({EARLIER_COMMIT}), medians of the paired ratios:")
        held = [
            verdict("in-process turn p50, CPU", paired(cpu)),
            verdict("in-process turn p50, wall", paired(wall)),
            verdict("HTTP turn p50", paired(http_p50)),
            verdict(f"time per session at {LOAD_LEVEL} concurrent", paired(rates, rate=True)),
            verdict("web Lambda handler import", paired(imports)),
        ]
        met = "met" if all(held) else "MISSED"
        print(f"target: every figure within {BOUND:.2f}x of the earlier tree's: {met}")
    return 0 if all(held) else 1


if __name__ == "__main__":
    sys.exit(main())
