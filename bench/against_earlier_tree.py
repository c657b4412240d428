"""Today's turn figures against an earlier commit's code, measured in the same run on this machine.

A figure written down on another day says little on a shared machine: the same code measured
0.296 ms a turn on 2026-11-23 and 0.55-0.63 ms on 2026-12-02. So this script takes the earlier
tree from git (`git archive`, default: 2a60d82, the tree of 2026-11-23 whose figures are
bench/README's "Latest results", the day issue 11 asked for figures "within 10% of today's") and
times it beside the working tree, alternating the two in every round:

- the in-process turn (`_turn_driver.py`: 400 conversations x 5 turns after 30 warm-up, SQLite,
  sandbox gateway, file audit log), wall and CPU p50, in a fresh interpreter per tree and round;
- the HTTP turn over loopback against `paybot serve` started from each tree (`turn_latency.py`'s
  loop, 400 conversations);
- sessions per second at 50 concurrent payers (`load.py`'s generator, 400 sessions);
- the web Lambda handler's import in a fresh interpreter (median of 5, bytecode cached by the
  first), the figure the 2026-11-23 README gives for cold starts (`cold_start.py` measures the
  zips, which that tree could not build).

Both trees run on the same virtualenv's dependencies. The verdict is the median of the per-round
ratios (today / earlier for times, earlier / today for rates), 1.10 or less to hold.
`BENCH_EARLIER_COMMIT` picks another commit; `BENCH_ROUNDS` the number of rounds (default 3).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from _common import ROOT, percentile, start_server, stop
from load import run_load
from turn_latency import over_http

EARLIER_COMMIT = os.environ.get("BENCH_EARLIER_COMMIT", "2a60d82")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
BOUND = 1.10
LOAD_LEVEL = 50
SERVE = "import sys; from paybot_channels.cli import main; sys.exit(main())"


def extract(commit: str, into: Path) -> Path | None:
    """The commit's `packages/` under `into`, or None (with the reason printed) when git cannot give it."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit, "packages"], capture_output=True, check=False
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


def in_process(packages: Path) -> tuple[float, float]:
    """(wall p50, CPU p50) seconds of one in-process run of the tree."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench/_turn_driver.py"), "30", "400"],
        env={**os.environ, "PYTHONPATH": python_path(packages)},
        capture_output=True,
        check=True,
        text=True,
    )
    samples = json.loads(result.stdout)
    return statistics.median(samples["wall"]), statistics.median(samples["cpu"])


def handler_import(packages: Path, data_dir: Path, runs: int = 5) -> float:
    """Median seconds for a fresh interpreter to import the tree's web Lambda handler."""
    env = {**os.environ, "PYTHONPATH": python_path(packages), "PAYBOT_DATA_DIR": str(data_dir)}
    command = [sys.executable, "-c", "import paybot_channels.web.lambda_handler"]
    subprocess.run(command, env=env, check=True)  # writes the bytecode both trees then start from
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def serve(packages: Path, data_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    env = {
        "PYTHONPATH": python_path(packages),
        "PAYBOT_DATA_DIR": str(data_dir),
        "PAYBOT_ALLOW_TYPED_CARD_ENTRY": "true",
        "PAYBOT_LOG_LEVEL": "WARNING",
        "PAYBOT_SESSION_STORE": "sqlite",
        "PAYBOT_PAYMENT_GATEWAY": "sandbox",
        "PAYBOT_RATE_LIMIT_PER_CLIENT": "0",  # every simulated payer is 127.0.0.1 (see load.py)
    }
    return start_server([sys.executable, "-c", SERVE, "serve", "--host", "127.0.0.1"], env, "/healthz")


def over_loopback(packages: Path, data_dir: Path, pool: ProcessPoolExecutor) -> tuple[float, float]:
    """(HTTP turn p50 seconds, sessions/s at LOAD_LEVEL concurrent) against the tree's server."""
    server, base = serve(packages, data_dir)
    try:
        turns, _rate = over_http(base, conversation=True)
        load = run_load(pool, base, LOAD_LEVEL, bare=False)
    finally:
        stop(server)
    if load.error_count:
        raise SystemExit(f"load run against {packages} had errors: {dict(load.errors)}")
    return percentile(turns, 0.5), load.sessions / load.elapsed


def verdict(label: str, ratios: list[float]) -> bool:
    median = statistics.median(ratios)
    holds = median <= BOUND
    rounds = ", ".join(f"{r:.2f}" for r in ratios)
    within = "within" if holds else "NOT within"
    print(f"  {label:<34} {median:5.2f}x (rounds {rounds}): {within} {BOUND:.2f}x")
    return holds


def main() -> int:
    print(
        f"against an earlier tree: commit {EARLIER_COMMIT} beside the working tree, {ROUNDS} alternated "
        f"rounds; in-process turn, HTTP turn and sessions/s at {LOAD_LEVEL} concurrent"
    )
    today = ROOT / "packages"
    spawn = get_context("spawn")
    with tempfile.TemporaryDirectory() as tmp, ProcessPoolExecutor(1, mp_context=spawn) as pool:
        earlier = extract(EARLIER_COMMIT, Path(tmp))
        if earlier is None:
            return 0
        trees = {"earlier": earlier, "today": today}
        figures: dict[str, list[tuple[float, float, float, float, float]]] = {name: [] for name in trees}
        for round_number in range(1, ROUNDS + 1):
            # Swap the order every round, so neither tree always runs on a machine warmed by the other.
            order = list(trees) if round_number % 2 else list(reversed(trees))
            for name in order:
                wall, cpu = in_process(trees[name])
                data_dir = Path(tmp) / f"{name}-{round_number}"
                http_p50, sessions = over_loopback(trees[name], data_dir, pool)
                imported = handler_import(trees[name], data_dir / "lambda")
                figures[name].append((wall, cpu, http_p50, sessions, imported))
                print(
                    f"  round {round_number} {name:<8} in-process p50 wall {wall * 1e3:.3f} ms, "
                    f"CPU {cpu * 1e3:.3f} ms; HTTP p50 {http_p50 * 1e3:.3f} ms; "
                    f"{sessions:.1f} sessions/s at {LOAD_LEVEL}; web handler import {imported * 1e3:.0f} ms",
                    flush=True,
                )
        pairs = list(zip(figures["today"], figures["earlier"], strict=True))
        print(f"today / earlier ({EARLIER_COMMIT}), medians of the rounds' ratios:")
        held = [
            verdict("in-process turn p50, CPU", [t[1] / e[1] for t, e in pairs]),
            verdict("in-process turn p50, wall", [t[0] / e[0] for t, e in pairs]),
            verdict("HTTP turn p50", [t[2] / e[2] for t, e in pairs]),
            verdict(f"time per session at {LOAD_LEVEL} concurrent", [e[3] / t[3] for t, e in pairs]),
            verdict("web Lambda handler import", [t[4] / e[4] for t, e in pairs]),
        ]
        met = "met" if all(held) else "MISSED"
        print(f"target: every figure within {BOUND:.2f}x of the earlier tree's: {met}")
    return 0 if all(held) else 1


if __name__ == "__main__":
    sys.exit(main())
