"""Outbound pacing: never over a platform's rate, while using nearly all of it."""
from __future__ import annotations

import threading
import time
from dataclasses import replace
from typing import Any, Callable, Sequence

import pytest
from flask import Flask

from inbox.domain import Platform, Rate
from inbox.pacing import WINDOW_MARGIN, WINDOW_MARGIN_SECONDS, Bucket, LocalPacer, RedisPacer, buckets_for
from tests.conftest import post_telegram, post_twilio, telegram_update, twilio_message
from tests.fakes.platform_api import FakePlatformAPI, rate_used


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def send(pacer: LocalPacer, buckets: list[Bucket]) -> float:
    """Acquire; when granted, finish the send at once (release). Returns the wait."""
    wait, token = pacer.acquire(buckets)
    if not wait:
        pacer.finish(buckets, token)
    return wait


def test_a_full_bucket_says_how_long_to_wait() -> None:
    clock = Clock()
    pacer = LocalPacer(clock)
    bucket = Bucket("p:account", 3, 1.0)
    assert [send(pacer, [bucket]) for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = send(pacer, [bucket])
    assert wait == pytest.approx(1.0 * WINDOW_MARGIN + WINDOW_MARGIN_SECONDS)
    clock.now += wait
    assert send(pacer, [bucket]) == 0.0


def test_a_slot_counts_from_when_its_request_finished() -> None:
    clock = Clock()
    pacer = LocalPacer(clock)
    bucket = Bucket("p:account", 1, 1.0)
    wait, token = pacer.acquire([bucket])
    assert wait == 0.0
    clock.now += 5  # a slow request: the platform may be receiving it only now
    assert 0 < send(pacer, [bucket]) < 0.1  # held by the send in flight: look again shortly
    pacer.finish([bucket], token)
    assert send(pacer, [bucket]) == pytest.approx(1.0 * WINDOW_MARGIN + WINDOW_MARGIN_SECONDS)


def test_a_cancelled_slot_is_free_again() -> None:
    pacer = LocalPacer(Clock())
    bucket = Bucket("p:account", 1, 1.0)
    _, token = pacer.acquire([bucket])
    pacer.cancel([bucket], token)
    assert send(pacer, [bucket]) == 0.0


def test_a_send_takes_every_bucket_or_none() -> None:
    pacer = LocalPacer(Clock())
    account, alice, bob = Bucket("p:account", 2, 1.0), Bucket("p:to:alice", 1, 6.0), Bucket("p:to:bob", 1, 6.0)
    assert send(pacer, [account, alice]) == 0.0
    assert send(pacer, [account, alice]) > 5  # alice has had hers; the account slot is not taken
    assert send(pacer, [account, bob]) == 0.0  # so bob still gets the account's second slot
    assert send(pacer, [account, Bucket("p:to:carol", 1, 6.0)]) > 0


def test_a_pause_holds_every_send_of_the_bucket() -> None:
    clock = Clock()
    pacer = LocalPacer(clock)
    bucket = Bucket("p:account", 100, 1.0)
    pacer.pause([bucket.key], 7.0)
    assert send(pacer, [bucket]) == pytest.approx(7.0)
    clock.now += 7.0
    assert send(pacer, [bucket]) == 0.0


def test_buckets_follow_the_declared_rates() -> None:
    rates = (Rate("account", 300, 1.0), Rate("recipient", 1, 6.0), Rate("private_reply", 750, 3600.0))
    assert [b.key for b in buckets_for("instagram", rates, recipient="u1", action="private_reply")] == [
        "instagram:account", "instagram:to:u1", "instagram:private_reply"
    ]
    assert [b.key for b in buckets_for("instagram", rates, recipient=None, action="public_reply")] == ["instagram:account"]


def assert_paced(times: Sequence[float], count: int, seconds: float) -> float:
    """No `seconds`-long window holds more than `count`; returns the share of the allowed rate used."""
    times = sorted(times)
    for i, start in enumerate(times):
        inside = [t for t in times[i:] if t < start + seconds]
        assert len(inside) <= count, f"{len(inside)} sends within {seconds}s from t={start - times[0]:.3f}"
    return rate_used(list(times), count, seconds)


def offer(pacers: Sequence[Any], bucket: Bucket, n: int, per_second: float) -> list[float]:
    """Offer `n` sends at `per_second` through the pacers in turn (workers), each retrying after the
    wait it is told and taking a few milliseconds to reach the platform; return when each arrived."""
    taken: list[float] = []
    lock = threading.Lock()

    def one(i: int) -> None:
        time.sleep(i / per_second)
        pacer = pacers[i % len(pacers)]
        while True:
            wait, token = pacer.acquire([bucket])
            if not wait:
                break
            time.sleep(wait)
        time.sleep((i % 5) * 0.004)  # a claim in the database, the request on its way
        with lock:
            taken.append(time.monotonic())
        time.sleep(0.002)  # the platform's answer
        pacer.finish([bucket], token)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return taken


def test_local_pacer_offered_three_times_the_rate() -> None:
    bucket = Bucket("t:account", 10, 1.0)
    taken = offer([LocalPacer()], bucket, 50, per_second=30)
    # Never over the rate is exact (assert_paced); the share used is the goal (measured
    # 0.97-0.98 here; each send's few milliseconds on the way are the price of never going over).
    assert assert_paced(taken, 10, 1.0) >= 0.95


def test_redis_pacer_shared_by_two_workers_offered_three_times_the_rate(redis_url: str) -> None:
    from redis import Redis

    workers = [RedisPacer(Redis.from_url(redis_url)), RedisPacer(Redis.from_url(redis_url))]
    bucket = Bucket("t:account", 10, 1.0)
    taken = offer(workers, bucket, 50, per_second=30)
    assert assert_paced(taken, 10, 1.0) >= 0.95  # see the test above


@pytest.mark.parametrize("platform", [Platform.WHATSAPP_TWILIO, Platform.TELEGRAM])
def test_the_fake_platform_sees_no_burst_over_the_rate(
    make_app: Callable[..., Flask], fake_api: FakePlatformAPI, platform: Platform
) -> None:
    """End to end: 3x a (scaled-down) rate offered; every answer arrives, none over the rate."""
    app = make_app(in_process_workers=4)
    connector: Any = app.extensions["inbox"].pipeline.connectors[platform]
    connector.capabilities = {platform: replace(connector.capabilities[platform], rates=(Rate("account", 8, 1.0),))}
    client = app.test_client()
    customers = 40
    for i in range(customers):  # 24 questions a second: 3x the rate
        if platform is Platform.TELEGRAM:
            post_telegram(client, telegram_update("bisa bayar cod kak?", chat_id=9000 + i))
        else:
            post_twilio(client, twilio_message("bisa bayar cod kak?", phone=f"+62811{9000 + i:07d}"))
        time.sleep(1 / 24)
    calls = fake_api.wait_for_calls(customers, timeout=30)
    assert len({call.recipient for call in calls}) == customers
    used = assert_paced([call.at for call in calls], 8, 1.0)
    # A slot counts from when its request finished (never before the platform saw it), so each
    # request's own time, and here the CI machine's load, is the price of never going over; the
    # pacer alone keeps >= 95% (the tests above; 0.94-0.98 here end to end, where the claim in
    # SQLite under ingest load is part of each slot), `make bench` measures it at full scale.
    assert used >= 0.90


def test_rate_used_is_the_throughput_whatever_the_shape_of_the_bursts() -> None:
    bursts_of_ten = [k * 1.01 + i * 0.0005 for k in range(10) for i in range(10)]
    spread_evenly = [k * 0.101 for k in range(100)]
    half_bursts = [k * 1.01 + i * 0.0005 for k in range(10) for i in range(5)]
    assert rate_used(bursts_of_ten, 10, 1.0) == pytest.approx(1 / 1.01, abs=0.01)
    assert rate_used(spread_evenly, 10, 1.0) == pytest.approx(1 / 1.01, abs=0.01)
    assert rate_used(half_bursts, 10, 1.0) == pytest.approx(0.5 / 1.01, abs=0.01)
    with pytest.raises(ValueError):
        rate_used([0.0, 0.5], 10, 1.0)
