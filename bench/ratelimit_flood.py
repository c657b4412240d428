"""A flood of distinct client keys against the per-client token buckets (`web/ratelimit.py`).

Every request from a new address creates a bucket. The keys arrive 0.5 ms apart on an injected
clock, so none is a minute old before the store reaches its cap (MAX_BUCKETS, all live); the
flood goes on past the cap, where each new key evicts the least recently used. Printed: the
cost of one new key (wall time of `take`, median and p99 of each window of 10,000 keys) as the store
grows, and the largest store seen. Constant cost per key up to and past the cap is the target.

To measure another version of the module: PYTHONPATH=<its packages/channels/src> python ... [KEYS]
"""

from __future__ import annotations

import sys
import time

from paybot_channels.web import ratelimit

WINDOW = 10_000
STEP = 0.0005  # seconds between two new keys on the injected clock


def main() -> int:
    now = [0.0]
    buckets = ratelimit.TokenBuckets(12_000, clock=lambda: now[0])
    cap = getattr(ratelimit, "MAX_BUCKETS", 0)
    total = int(sys.argv[1]) if len(sys.argv) > 1 else int(cap * 1.5)
    print(f"  {ratelimit.__file__}: MAX_BUCKETS {cap:,}; {total:,} new keys, {STEP * 1000:.1f} ms apart")
    medians = []
    largest = 0
    samples: list[float] = []
    for n in range(total):
        key = f"198.51.{n // 256 % 256}.{n % 256}-{n}"
        now[0] += STEP
        started = time.perf_counter()
        buckets.take(key)
        samples.append(time.perf_counter() - started)
        largest = max(largest, len(buckets))
        if len(samples) == WINDOW:
            ordered = sorted(samples)
            medians.append((n + 1, ordered[WINDOW // 2], ordered[WINDOW * 99 // 100], len(buckets)))
            samples = []
    for keys, median, worst, held in medians:
        print(
            f"  after {keys:>7,} keys ({held:>7,} buckets held): "
            f"new key median {median * 1e6:7.2f} us, p99 {worst * 1e6:8.1f} us"
        )
    first, last = medians[0][1], max(m[1] for m in medians)
    print(f"  largest store {largest:,} buckets; worst window median / first: {last / first:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
