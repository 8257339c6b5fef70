"""The login throttle on Redis, shared by every web process."""
from __future__ import annotations

from redis import Redis

from inbox.login_throttle import MAX_FAILURES, LoginThrottle


def test_failures_are_shared_through_redis_and_cleared_by_success(redis_url):
    first, second = LoginThrottle(Redis.from_url(redis_url)), LoginThrottle(Redis.from_url(redis_url))
    for _ in range(MAX_FAILURES - 1):
        first.record_failure("Sari@toko.id")
    assert not second.is_locked("sari@toko.id")
    second.record_failure("sari@toko.id ")
    assert first.is_locked("sari@toko.id")
    first.record_success("sari@toko.id")
    assert not second.is_locked("sari@toko.id")


def test_in_process_throttle_counts_per_address():
    throttle = LoginThrottle()
    for _ in range(MAX_FAILURES):
        throttle.record_failure("budi@toko.id")
    assert throttle.is_locked("budi@toko.id") and not throttle.is_locked("sari@toko.id")
