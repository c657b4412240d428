"""The token buckets' expiry structure: least recently used first, dropped once full again, capped."""

from __future__ import annotations

from paybot_channels.web.ratelimit import TokenBuckets


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_new_key_drops_the_buckets_idle_for_a_minute_and_keeps_the_rest() -> None:
    clock = Clock()
    buckets = TokenBuckets(60, clock)
    for n in range(5):
        buckets.take(f"old-{n}")
        clock.now += 1
    clock.now += 56  # old-0 was used 61 s ago, old-4 57 s ago
    buckets.take("new")
    assert buckets.by_last_use() == ["old-2", "old-3", "old-4", "new"]


def test_a_bucket_in_use_is_kept_however_long_ago_it_was_created() -> None:
    clock = Clock()
    buckets = TokenBuckets(60, clock)
    buckets.take("busy")
    for n in range(10):
        clock.now += 30
        buckets.take("busy")
        buckets.take(f"passer-{n}")
    assert buckets.by_last_use()[-2:] == ["busy", "passer-9"]
    assert "busy" in buckets.by_last_use() and "passer-0" not in buckets.by_last_use()


def test_at_the_cap_the_least_recently_used_bucket_goes_first() -> None:
    clock = Clock()
    buckets = TokenBuckets(60, clock, max_buckets=3)
    for key in ("a", "b", "c"):
        buckets.take(key)
    buckets.take("a")  # a is now the most recently used
    buckets.take("d")
    assert buckets.by_last_use() == ["c", "a", "d"]
    assert len(buckets) == 3


def test_a_flood_of_new_keys_never_holds_more_than_the_cap() -> None:
    clock = Clock()
    buckets = TokenBuckets(60, clock, max_buckets=1000)
    for n in range(5000):
        buckets.take(f"flood-{n}")
        clock.now += 0.001
    assert len(buckets) == 1000
    assert buckets.by_last_use()[0] == "flood-4000" and buckets.by_last_use()[-1] == "flood-4999"


def test_an_evicted_or_expired_key_starts_again_from_a_full_bucket() -> None:
    clock = Clock()
    buckets = TokenBuckets(2, clock)
    assert [buckets.take("k"), buckets.take("k")] == [0.0, 0.0]
    assert buckets.take("k") > 0  # empty: refused
    clock.now += 61
    buckets.take("other")  # expires k
    assert "k" not in buckets.by_last_use()
    assert buckets.take("k") == 0.0


def test_the_limit_itself_is_unchanged_by_the_ordering() -> None:
    clock = Clock()
    buckets = TokenBuckets(3, clock)
    assert [buckets.take("k") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert buckets.take("k") == 20.0  # one token back at 3 a minute
    clock.now += 20
    assert buckets.take("k") == 0.0
