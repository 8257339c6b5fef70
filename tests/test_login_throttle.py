"""The login throttle: per client and per address, counted before the password is checked."""
from __future__ import annotations

import threading
from typing import Any

import pytest
from redis import Redis

from inbox.login_throttle import MAX_ATTEMPTS_PER_IP, MAX_FAILURES_PER_ADDRESS, LoginThrottle


def guess(throttle: LoginThrottle, email: str, ip: str) -> bool:
    """One wrong password; True when the throttle let it be checked."""
    verdict = throttle.attempt(email, ip)
    if verdict.allowed:
        throttle.record_failure(email)
    return verdict.allowed


def test_one_client_is_stopped_before_the_address_locks() -> None:
    throttle = LoginThrottle()
    allowed = [guess(throttle, "sari@toko.id", "203.0.113.9") for _ in range(MAX_ATTEMPTS_PER_IP + 5)]
    assert allowed.count(True) == MAX_ATTEMPTS_PER_IP
    assert not throttle.is_locked("sari@toko.id")
    assert throttle.attempt("sari@toko.id", "198.51.100.7").allowed  # Sari, from her own desk


def test_an_address_locks_under_guesses_from_many_places_and_an_admin_unlocks_it() -> None:
    throttle = LoginThrottle()
    for i in range(MAX_FAILURES_PER_ADDRESS):
        assert guess(throttle, "sari@toko.id", f"10.0.0.{i}")
    verdict = throttle.attempt("sari@toko.id", "198.51.100.7")
    assert not verdict.allowed and verdict.reason == "address"
    throttle.unlock("sari@toko.id")
    assert throttle.attempt("sari@toko.id", "198.51.100.7").allowed


@pytest.mark.parametrize("variant", ["Sari@Toko.id", " sari@toko.id ", "sari@toko.id\x00", "\x00SARI@toko.id"])
def test_every_spelling_of_an_address_is_one_counter(variant: str) -> None:
    throttle = LoginThrottle()
    for i in range(MAX_FAILURES_PER_ADDRESS):
        guess(throttle, "sari@toko.id", f"10.0.1.{i}")
    assert not throttle.attempt(variant, "10.9.9.9").allowed


def test_success_clears_the_address_and_the_client() -> None:
    throttle = LoginThrottle()
    for _ in range(MAX_ATTEMPTS_PER_IP - 1):
        guess(throttle, "sari@toko.id", "203.0.113.9")
    throttle.record_success("sari@toko.id", "203.0.113.9")
    assert all(guess(throttle, "sari@toko.id", "203.0.113.9") for _ in range(MAX_ATTEMPTS_PER_IP))


def parallel_guesses(throttle: LoginThrottle, n: int) -> int:
    checked: list[bool] = []
    barrier = threading.Barrier(n)

    def one() -> None:
        barrier.wait()
        checked.append(guess(throttle, "sari@toko.id", "203.0.113.9"))

    threads = [threading.Thread(target=one) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return checked.count(True)


def test_parallel_guesses_in_process_never_pass_the_limit() -> None:
    assert parallel_guesses(LoginThrottle(), 40) == MAX_ATTEMPTS_PER_IP


def test_parallel_guesses_through_redis_never_pass_the_limit(redis_url: str) -> None:
    assert parallel_guesses(LoginThrottle(Redis.from_url(redis_url)), 40) == MAX_ATTEMPTS_PER_IP


def test_counts_are_shared_through_redis(redis_url: str) -> None:
    first, second = LoginThrottle(Redis.from_url(redis_url)), LoginThrottle(Redis.from_url(redis_url))
    for i in range(MAX_FAILURES_PER_ADDRESS):
        guess(first, "sari@toko.id", f"10.0.2.{i}")
    assert second.is_locked("SARI@toko.id")


class DownRedis:
    """Redis while it is restarting: every call fails."""

    def __getattr__(self, name: str) -> Any:
        def fail(*args: Any, **kwargs: Any) -> Any:
            from redis.exceptions import ConnectionError as RedisConnectionError

            raise RedisConnectionError("Connection refused")

        return fail


def test_a_redis_outage_falls_back_to_counting_in_this_process() -> None:
    throttle = LoginThrottle(DownRedis())
    allowed = [guess(throttle, "sari@toko.id", "203.0.113.9") for _ in range(MAX_ATTEMPTS_PER_IP + 3)]
    assert allowed.count(True) == MAX_ATTEMPTS_PER_IP
    throttle.record_success("budi@toko.id", "198.51.100.1")  # no error either
