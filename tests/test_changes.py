"""The live pages' change signal: written data wakes waiting streams, in one process and, through
Redis pub/sub, across processes; reads wake nobody."""
from __future__ import annotations

import threading
import time

from sqlalchemy import select

from inbox.changes import LocalChanges, RedisChanges
from inbox.db import Database
from inbox.models import CannedResponse


def waiter(changes: LocalChanges, seen: int, timeout: float) -> tuple[threading.Thread, list[float]]:
    woke: list[float] = []

    def wait() -> None:
        started = time.monotonic()
        changes.wait(seen, timeout)
        woke.append(time.monotonic() - started)

    thread = threading.Thread(target=wait)
    thread.start()
    return thread, woke


def test_a_commit_that_writes_signals_and_a_read_does_not(tmp_path) -> None:
    db = Database(f"sqlite:///{tmp_path}/c.sqlite3")
    db.upgrade()
    signals: list[int] = []
    db.on_change = lambda: signals.append(1)
    with db.session() as session:
        session.execute(select(CannedResponse)).all()
    assert signals == []
    with db.session() as session:
        session.add(CannedResponse(shortcut="ongkir", text="Ongkir dari Jakarta"))
    assert signals == [1]
    with db.session() as session:
        session.execute(CannedResponse.__table__.update().values(text="Ongkir dari Bandung"))
    assert signals == [1, 1]
    db.dispose()


def test_a_waiting_stream_wakes_on_a_change_not_at_its_timeout() -> None:
    changes = LocalChanges()
    thread, woke = waiter(changes, changes.version, timeout=5.0)
    time.sleep(0.05)
    changes.publish()
    thread.join(timeout=2)
    assert woke and woke[0] < 1.0


def test_another_process_change_arrives_through_redis(redis_url) -> None:
    from redis import Redis

    web, worker = RedisChanges(Redis.from_url(redis_url)), RedisChanges(Redis.from_url(redis_url))
    try:
        web.wait(web.version, 0.5)  # subscribes
        thread, woke = waiter(web, web.version, timeout=5.0)
        time.sleep(0.2)
        worker.publish()  # a worker.py process wrote something
        thread.join(timeout=3)
        assert woke and woke[0] < 2.0
    finally:
        web.close()
        worker.close()


def test_a_burst_of_commits_is_one_publish_now_and_one_when_due(redis_url) -> None:
    """Hundreds of webhook commits a second need a page to hear of them, not hundreds of PUBLISHes;
    the last change of a burst is still published."""
    from redis import Redis

    from inbox.changes import CHANNEL, PUBLISH_EVERY_SECONDS

    listener = Redis.from_url(redis_url).pubsub(ignore_subscribe_messages=True)
    listener.subscribe(CHANNEL)
    listener.get_message(timeout=0.5)  # the subscription itself
    worker = RedisChanges(Redis.from_url(redis_url))
    for _ in range(50):
        worker.publish()
    assert worker.version == 50  # this process's own streams hear every change at once
    heard = []
    deadline = time.monotonic() + PUBLISH_EVERY_SECONDS + 1.0
    while time.monotonic() < deadline:
        message = listener.get_message(timeout=0.1)
        if message is not None:
            heard.append(time.monotonic())
    listener.close()
    assert len(heard) == 2  # the first at once, the other 49 together once due
    assert heard[1] - heard[0] >= PUBLISH_EVERY_SECONDS * 0.5

