"""The production path: RQ on a real Redis, a real PostgreSQL, and `python worker.py`."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from flask import Flask
from rq import SimpleWorker
from rq.serializers import JSONSerializer
from sqlalchemy import func, select

from inbox.domain import ConversationStatus, DeliveryStatus
from inbox.jobs import bind_process
from inbox.models import Conversation, Message
from tests.conftest import PUBLIC_URL, platform_env, post_telegram, post_twilio, telegram_update, twilio_message

ROOT = Path(__file__).resolve().parent.parent


def run_burst_worker(app: Flask) -> None:
    services = app.extensions["inbox"]
    worker = SimpleWorker([services.queue.queue], connection=services.queue.redis, serializer=JSONSerializer)
    bind_process(services)  # as worker.py does: jobs find this process's services
    try:
        # As worker.py --burst: what is due goes into RQ, RQ's burst runs, again while jobs came due.
        while services.queue.move_due_jobs() or services.queue.queue.count:
            worker.work(burst=True)
    finally:
        bind_process(None)


def outbound_count(app: Flask) -> int:
    with app.extensions["inbox"].db.session() as session:
        return session.execute(select(func.count()).select_from(Message).where(Message.direction == "out")).scalar_one()


def test_whole_path_on_redis_with_a_burst_worker(make_app, redis_url, database_url, fake_api):
    app = make_app(redis_url=redis_url, database_url=database_url)
    client = app.test_client()
    form = twilio_message("brp ongkir ke medan kak")
    queue = app.extensions["inbox"].queue

    assert post_twilio(client, form).status_code == 200
    assert queue.depth() == 1
    assert post_twilio(client, form).status_code == 200  # the platform repeats itself
    assert queue.depth() == 1  # nothing new stored, nothing new enqueued

    run_burst_worker(app)
    run_burst_worker(app)  # a second worker pass finds nothing to do

    [call] = fake_api.calls
    assert "Medan" in call.text and "Rp18.000" in call.text
    assert outbound_count(app) == 1


def test_complaint_waits_for_agents_on_postgres(make_app, redis_url, postgres_url, fake_api):
    app = make_app(redis_url=redis_url, database_url=postgres_url)
    post_telegram(app.test_client(), telegram_update("produk cacat, tolong tanggung jawab"))
    run_burst_worker(app)
    [ack] = fake_api.calls  # one calm acknowledgement, nothing else from the bot
    assert ack.text.startswith("Mohon maaf atas kendalanya")
    with app.extensions["inbox"].db.session() as session:
        conversation = session.execute(select(Conversation)).unique().scalar_one()
        assert conversation.status == ConversationStatus.WAITING.value
        assert conversation.priority == 1


def test_retry_after_5xx_through_redis(make_app, redis_url, database_url, fake_api):
    app = make_app(redis_url=redis_url, database_url=database_url)
    fake_api.fail_next("telegram", 502)
    post_telegram(app.test_client(), telegram_update("bisa bayar cod kak?"))
    run_burst_worker(app)
    assert [c.status for c in fake_api.calls] == [502, 200]
    with app.extensions["inbox"].db.session() as session:
        outbound = session.execute(select(Message).where(Message.direction == "out")).scalar_one()
        assert outbound.delivery_status == DeliveryStatus.SENT.value and outbound.attempts == 2


def test_recovery_sweep_after_redis_is_flushed(make_app, redis_url, database_url, fake_api):
    app = make_app(redis_url=redis_url, database_url=database_url)
    services = app.extensions["inbox"]
    post_twilio(app.test_client(), twilio_message("bisa bayar cod kak?"))
    assert services.queue.depth() == 1
    services.queue.redis.flushdb()  # Redis restarted empty, or the job was lost
    assert services.queue.depth() == 0

    counts = services.pipeline.sweep()
    run_burst_worker(app)

    assert counts["inbound"] == 1
    assert len(fake_api.calls) == 1
    assert services.pipeline.sweep()["inbound"] == 0


def test_the_sweep_leaves_work_whose_job_still_waits_and_takes_up_what_the_queue_lost(
    make_app, redis_url, database_url, fake_api
):
    """Under a backlog a worker's start-up sweep used to queue every waiting message again."""
    app = make_app(redis_url=redis_url, database_url=database_url, reply_debounce_seconds=0.0)
    services = app.extensions["inbox"]
    client = app.test_client()
    post_twilio(client, twilio_message("bisa bayar cod kak?", sid="SM" + "1" * 32))
    assert services.queue.move_due_jobs() == 1  # a worker's mover: due now, into RQ
    delayed = make_app(redis_url=redis_url, database_url=database_url, reply_debounce_seconds=30.0)
    post_twilio(delayed.test_client(), twilio_message("ongkir ke medan brp?", sid="SM" + "2" * 32, phone="+6281300000002"))
    assert services.queue.depth() == 2  # one queued in RQ, one delayed

    assert services.pipeline.sweep(grace_seconds=0)["inbound"] == 0
    assert services.queue.depth() == 2
    services.queue.queue.empty()  # the RQ job is lost; the delayed one still waits
    assert services.pipeline.sweep(grace_seconds=0)["inbound"] == 1
    assert services.pipeline.sweep(grace_seconds=0)["inbound"] == 0  # and now it waits again
    run_burst_worker(app)
    assert len(fake_api.calls) == 1  # the delayed one is not due yet


def terminate_connections(postgres_url: str, application_name: str) -> int:
    import psycopg

    with psycopg.connect(postgres_url.split("?")[0], autocommit=True) as connection:
        return len(connection.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
                                      (application_name,)).fetchall())


def test_a_database_restart_costs_at_most_one_webhook_a_clear_503_and_loses_nothing(
    make_app, postgres_url, redis_url, fake_api, monkeypatch
):
    """Pooled connections are not pinged while busy (a round trip per webhook); one that the
    restart closed fails once, with a 503 the platform retries, and the pool reconnects."""
    import inbox.db

    url = f"{postgres_url}&application_name=inbox_restart_test"
    app = make_app(database_url=url, redis_url=redis_url)  # no job thread shares the pool
    client = app.test_client()
    assert post_twilio(client, twilio_message("halo kak", sid="SM" + "1" * 32)).status_code == 200
    assert terminate_connections(postgres_url, "inbox_restart_test") >= 1
    second = twilio_message("ongkir ke medan brp?", sid="SM" + "2" * 32)
    first_try = post_twilio(client, second)
    assert first_try.status_code == 503 and "database" in first_try.get_json()["error"]
    assert post_twilio(client, second).status_code == 200  # the platform's retry

    # Idle for longer than IDLE_PING_SECONDS: the ping finds the closed connection first.
    monkeypatch.setattr(inbox.db, "IDLE_PING_SECONDS", 0.0)
    assert terminate_connections(postgres_url, "inbox_restart_test") >= 1
    assert post_twilio(client, twilio_message("cod bisa?", sid="SM" + "3" * 32)).status_code == 200
    with app.extensions["inbox"].db.session() as session:
        texts = session.execute(select(Message.text).where(Message.direction == "in").order_by(Message.id)).scalars().all()
    assert texts == ["halo kak", "ongkir ke medan brp?", "cod bisa?"]


def test_duplicate_deliveries_racing_on_postgres_store_once(make_app, postgres_url, fake_api):
    import threading

    app = make_app(database_url=postgres_url)
    form = twilio_message("bisa bayar cod kak?")
    barrier = threading.Barrier(4)
    statuses: list[int] = []

    def deliver() -> None:
        client = app.test_client()
        barrier.wait()
        statuses.append(post_twilio(client, form).status_code)

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert app.extensions["inbox"].queue.drain(15)
    assert statuses == [200] * 4
    with app.extensions["inbox"].db.session() as session:
        assert session.execute(select(func.count()).select_from(Message).where(Message.direction == "in")).scalar_one() == 1
    assert len(fake_api.calls) == 1


def worker_env(fake_api: Any, database_url: str, redis_url: str, debounce: float = 0.0) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "TELEGRAM_"))},
        **platform_env(fake_api),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "PUBLIC_URL": PUBLIC_URL,
        "INBOX_REPLY_DEBOUNCE": str(debounce),
        "INBOX_SWEEP_INTERVAL": "3600",
    }


def test_worker_process_runs_the_jobs(make_app, redis_url, database_url, fake_api):
    """`python worker.py --burst`, as production starts it, with settings from the environment."""
    app = make_app(redis_url=redis_url, database_url=database_url)
    post_telegram(app.test_client(), telegram_update("bisa bayar cod kak?"))
    assert app.extensions["inbox"].queue.depth() == 1
    app.extensions["inbox"].db.dispose()

    result = subprocess.run(
        [sys.executable, "worker.py", "--burst"],
        cwd=ROOT, env=worker_env(fake_api, database_url, redis_url), capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    [call] = fake_api.calls
    assert call.platform == "telegram" and "COD" in call.text


def test_running_worker_answers_a_burst_once_after_the_debounce(make_app, redis_url, fake_api, tmp_path):
    """A long-running `python worker.py`: delayed jobs come back through its scheduler."""
    database_url = f"sqlite:///{tmp_path}/inbox.sqlite3"
    app = make_app(redis_url=redis_url, database_url=database_url, reply_debounce_seconds=0.6)
    worker = subprocess.Popen(
        [sys.executable, "worker.py"], cwd=ROOT, env=worker_env(fake_api, database_url, redis_url, debounce=0.6),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        client = app.test_client()
        for text in ("kak", "bisa bayar cod?", "ongkir ke medan brp?"):
            assert post_twilio(client, twilio_message(text)).status_code == 200
        [call] = fake_api.wait_for_calls(1, timeout=30)
        time.sleep(1.5)  # room for a wrong second answer to show up
        assert len(fake_api.calls) == 1
        assert "COD" in call.text and "Medan" in call.text
    finally:
        worker.terminate()
        _, stderr = worker.communicate(timeout=30)
    assert worker.returncode == 0, stderr[-2000:]


def test_values_postgres_cannot_hold_get_a_clear_answer(make_app, database_url, fake_api):
    """A 500-character id is refused with 400; NUL characters are dropped from customer text."""
    app = make_app(database_url=database_url)
    client = app.test_client()
    too_long = post_telegram(client, telegram_update("halo", chat_id=10**499))
    assert too_long.status_code == 400
    assert too_long.json["error"] == "telegram event: chat_id must be 1 to 191 characters"

    assert post_twilio(client, twilio_message("bisa bayar\x00 cod kak?")).status_code == 200
    assert app.extensions["inbox"].queue.drain(15)
    with app.extensions["inbox"].db.session() as session:
        [inbound] = session.execute(select(Message).where(Message.direction == "in")).scalars().all()
        assert inbound.text == "bisa bayar cod kak?"
