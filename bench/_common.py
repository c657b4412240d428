"""Helpers shared by the benchmarks: percentiles, subprocess servers, fresh-interpreter timings."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.servers import free_port, stop, wait_until_up  # noqa: E402


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.3f} ms"


def import_time(module: str, env: dict[str, str], runs: int = 7) -> tuple[float, float]:
    """Median seconds to import `module` in a fresh interpreter, and for `pass` (the baseline)."""

    def measure(code: str) -> float:
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], env={**os.environ, **env}, check=True)
            samples.append(time.perf_counter() - start)
        return statistics.median(samples)

    return measure(f"import {module}"), measure("pass")


def start_server(command: list[str], env: dict[str, str], health: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    full = [*command, "--port", str(port)]
    process = subprocess.Popen(
        full, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base + health, process)
    return process, base


def slow_webhooks() -> tuple[dict[str, str], subprocess.Popen[bytes] | None]:
    """With BENCH_WEBHOOK_DELAY set, a webhook endpoint answering after that many seconds, and the
    settings that point `paybot serve` at it; else nothing."""
    delay = os.environ.get("BENCH_WEBHOOK_DELAY")
    if not delay:
        return {}, None
    process, base = start_server(
        [sys.executable, str(ROOT / "bench/slow_receiver.py"), "--delay", delay], {}, "/healthz"
    )
    print(f"  webhooks: every event posted to an endpoint that answers after {float(delay):.1f} s")
    return {"PAYBOT_WEBHOOK_URLS": f"{base}/hooks", "PAYBOT_WEBHOOK_SECRET": "whsec_bench"}, process


__all__ = ["ROOT", "free_port", "import_time", "ms", "percentile", "slow_webhooks", "start_server", "stop"]
