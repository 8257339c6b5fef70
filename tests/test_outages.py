"""Redis outages and quiet spells on the production path: a Redis server of the test's own,
stopped and started again, `python worker.py` as a process. Nothing waits unseen, nothing 500s."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from inbox.models import Message, utcnow
from tests.conftest import PUBLIC_URL, platform_env, post_telegram, telegram_update
from tests.fakes.platform_api import FakePlatformAPI

ROOT = Path(__file__).resolve().parent.parent


class OwnRedis:
    """A redis-server on a free port that the test may stop and start (never the shared one)."""

    def __init__(self, directory: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[OwnRedis]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    server.stop()


def real_clock_app(make_app: Callable[..., Flask], **settings: Any) -> Flask:
    """The app on the real clock: the worker process's sweep compares stored times with its own."""
    app = make_app(**settings)
    app.extensions["inbox"].pipeline.now = utcnow
    return app


def start_worker(fake_api: FakePlatformAPI, database_url: str, redis_url: str, *extra: str) -> subprocess.Popen[str]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "TELEGRAM_"))},
        **platform_env(fake_api),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "PUBLIC_URL": PUBLIC_URL,
        "INBOX_REPLY_DEBOUNCE": "0",
        "INBOX_SWEEP_INTERVAL": "3600",  # only the sweep on reconnect may save the day here
    }
    return subprocess.Popen(
        [sys.executable, "worker.py", *extra], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True,
    )


def stop_worker(worker: subprocess.Popen[str]) -> str:
    worker.terminate()
    try:
        _, stderr = worker.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        _, stderr = worker.communicate()
        raise AssertionError("worker.py did not stop on SIGTERM") from None
    assert worker.returncode == 0, stderr[-3000:]
    return stderr


def test_worker_survives_a_redis_restart_and_answers_what_came_meanwhile_at_once(
    make_app: Callable[..., Flask], fake_api: FakePlatformAPI, own_redis: OwnRedis, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path}/inbox.sqlite3"
    app = real_clock_app(make_app, redis_url=own_redis.url, database_url=database_url)
    client = app.test_client()
    worker = start_worker(fake_api, database_url, own_redis.url)
    try:
        assert post_telegram(client, telegram_update("bisa bayar cod kak?", chat_id=1001)).status_code == 200
        fake_api.wait_for_calls(1, timeout=30)

        own_redis.stop()
        # Stored while Redis is away: the webhook still answers 200, nothing is lost.
        assert post_telegram(client, telegram_update("ongkir ke medan brp kak?", chat_id=1002)).status_code == 200
        time.sleep(2)
        assert worker.poll() is None, "worker.py exited when Redis went away"
        own_redis.start()
        returned = time.monotonic()
        calls = fake_api.wait_for_calls(2, timeout=30)
        assert time.monotonic() - returned < 30  # the issue's bound; without the sweep it took ~90 s
        assert sorted(str(call.body["chat_id"]) for call in calls) == ["1001", "1002"]
        time.sleep(1)
        assert len(fake_api.calls) == 2  # and nothing twice
        assert post_telegram(client, telegram_update("makasih kak", chat_id=1003)).status_code == 200
        fake_api.wait_for_calls(3, timeout=30)
    finally:
        stderr = stop_worker(worker)
    assert "Redis is back" in stderr


def test_a_quiet_spell_does_not_slow_the_next_answer(
    make_app: Callable[..., Flask], fake_api: FakePlatformAPI, own_redis: OwnRedis, tmp_path: Path
) -> None:
    """RQ's blocking dequeue outlasting a short socket timeout once stalled replies for 20-56 s."""
    database_url = f"sqlite:///{tmp_path}/inbox.sqlite3"
    app = make_app(redis_url=own_redis.url, database_url=database_url)
    worker = start_worker(fake_api, database_url, own_redis.url, "--worker-ttl", "21")  # dequeue waits 6 s
    try:
        time.sleep(9)  # idle past the dequeue wait and past the app's 5 s socket timeout
        posted = time.monotonic()
        post_telegram(app.test_client(), telegram_update("bisa bayar cod kak?"))
        fake_api.wait_for_calls(1, timeout=30)
        assert time.monotonic() - posted < 3
    finally:
        stop_worker(worker)


def log_in(client: Any, email: str, password: str) -> Any:
    import re

    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token.group(1)})


def test_agents_keep_working_while_redis_is_down(
    make_app: Callable[..., Flask], fake_api: FakePlatformAPI, own_redis: OwnRedis, tmp_path: Path
) -> None:
    from inbox.accounts import create_agent, issue_api_token

    database_url = f"sqlite:///{tmp_path}/inbox.sqlite3"
    app = real_clock_app(make_app, redis_url=own_redis.url, database_url=database_url)
    services = app.extensions["inbox"]
    with services.db.session() as session:
        agent = create_agent(session, "sari@toko.id", "rahasia-123", name="Sari")
        token = issue_api_token(agent)
    post_telegram(app.test_client(), telegram_update("barang saya rusak, kecewa", chat_id=2001))
    with services.db.session() as session:
        [complaint] = session.execute(select(Message.id)).scalars().all()
    services.pipeline.process_inbound(complaint)  # as a worker would: it waits for an agent now
    own_redis.stop()

    page = app.test_client()
    assert log_in(page, "sari@toko.id", "rahasia-123").status_code == 302
    api = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    [waiting] = api.get("/api/conversations", headers=headers).json["conversations"]
    reply = api.post(f"/api/conversations/{waiting['id']}/replies", headers=headers,
                     json={"text": "Mohon maaf kak, kami cek ya", "client_key": "k-1"})
    assert reply.status_code == 201
    again = api.post(f"/api/conversations/{waiting['id']}/replies", headers=headers,
                     json={"text": "Mohon maaf kak, kami cek ya", "client_key": "k-1"})
    assert again.status_code == 200 and again.json["id"] == reply.json["id"]  # a retry is the same reply
    assert api.post(f"/api/conversations/{waiting['id']}/resolve", headers=headers).status_code == 200

    own_redis.start()
    worker = start_worker(fake_api, database_url, own_redis.url)
    try:
        # Redis came back empty: the worker's first sweep finds the stored reply and sends it
        # (after the bot's acknowledgement of the complaint, sent before the outage).
        ack, call = fake_api.wait_for_calls(2, timeout=30)
        assert ack.text.startswith("Mohon maaf atas kendalanya")
        assert call.text == "Mohon maaf kak, kami cek ya" and str(call.body.get("chat_id")) == "2001"
        time.sleep(1)
        with services.db.session() as session:
            sent = session.execute(select(Message).where(Message.sender_type == "agent")).scalars().all()
        assert [m.delivery_status for m in sent] == ["sent"] and len(fake_api.calls) == 2
    finally:
        stop_worker(worker)


def test_healthz_knows_whether_a_worker_is_alive(
    make_app: Callable[..., Flask], fake_api: FakePlatformAPI, own_redis: OwnRedis, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path}/inbox.sqlite3"
    client = real_clock_app(make_app, redis_url=own_redis.url, database_url=database_url).test_client()
    alone = client.get("/healthz")
    assert alone.status_code == 503 and alone.json["workers_alive"] == 0
    assert any("worker.py" in problem for problem in alone.json["problems"])
    worker = start_worker(fake_api, database_url, own_redis.url)
    try:
        deadline = time.monotonic() + 30
        while client.get("/healthz").status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert client.get("/healthz").json["workers_alive"] == 1
    finally:
        stop_worker(worker)
    assert client.get("/healthz").json["workers_alive"] == 0  # a clean stop says goodbye
