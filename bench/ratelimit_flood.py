"""A flood of distinct client keys against the per-client token buckets (`web/ratelimit.py`).

Every request from a new address creates a bucket. The keys arrive 0.5 ms apart on an injected
clock, so none is a minute old before the store reaches its cap (MAX_BUCKETS, all live); the
flood goes on past the cap, where each new key evicts the least recently used. Printed: the
cost of one new key (wall time of `take`, median and p99 of each window of 10,000 keys) as the store
grows, and the largest store seen. Constant cost per key up to and past the cap is the target.

To measure another version of the module: PYTHONPATH=<its packages/channels/src> python ... [KEYS [WINDOW]]
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
    window = int(sys.argv[2]) if len(sys.argv) > 2 else WINDOW
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
        if len(samples) == window or n + 1 == total:
            ordered = sorted(samples)
            median, p99 = ordered[len(ordered) // 2], ordered[len(ordered) * 99 // 100]
            medians.append(median)
            print(
                f"  after {n + 1:>7,} keys ({len(buckets):>7,} buckets held): "
                f"new key median {median * 1e6:7.2f} us, p99 {p99 * 1e6:8.1f} us",
                flush=True,
            )
            samples = []
    first, last = medians[0], max(medians)
    print(f"  largest store {largest:,} buckets; worst window median / first: {last / first:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
