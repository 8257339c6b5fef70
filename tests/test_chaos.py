"""Chaos on the production layout: gunicorn + three `python worker.py` + a Redis of the test's own
+ PostgreSQL, the platform faked at the HTTP level. Messages keep arriving while a worker is
SIGKILLed mid-job, Redis is stopped and started again, and the platform answers 500, 429 with a
retry hint, and slowly. Every message must end with exactly one outcome, no customer may get a
second answer, nothing may wait unseen, and the backlog must clear soon after Redis returns.

`CHAOS_MESSAGES` (default 300), `CHAOS_RATE` (messages a second, default 20) and
`CHAOS_OUTAGE_SECONDS` (default 30) set the scale.
"""
from __future__ import annotations

import collections
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterator

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.conftest import PUBLIC_URL, TELEGRAM_ENV, platform_env, telegram_update
from tests.fakes.platform_api import FakePlatformAPI
from tests.test_outages import OwnRedis

pytestmark = pytest.mark.chaos
ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
ANSWERED = "bisa bayar cod kak?"  # the bot answers this at any hour
COMPLAINT = "barang saya datang rusak, kecewa banget"  # never answered by the bot: waits for an agent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Layout:
    """gunicorn and worker processes, started and killed like a supervisor would."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env, self.logs = env, logs
        self.port = free_port()
        self.web: subprocess.Popen[bytes] | None = None
        self.workers: list[subprocess.Popen[bytes]] = []

    def start_web(self) -> None:
        self.web = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "--bind", f"127.0.0.1:{self.port}", "--workers", "2", "--threads", "8",
             "app:create_app()"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=open(self.logs / "web.log", "ab"),
        )

    def start_worker(self) -> None:
        n = len(self.workers)
        self.workers.append(subprocess.Popen(
            [sys.executable, "worker.py"], cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL,
            stderr=open(self.logs / f"worker-{n}.log", "ab"),
        ))

    def stop(self) -> None:
        for process in [self.web, *self.workers]:
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in [self.web, *self.workers]:
            if process is not None:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()


@pytest.fixture
def layout(postgres_url: str, tmp_path: Path, fake_api: FakePlatformAPI) -> Iterator[tuple[Layout, OwnRedis]]:
    if not (VENV_BIN / "gunicorn").exists():
        pytest.skip("gunicorn is not installed next to this Python")
    redis = OwnRedis(tmp_path)
    try:
        redis.start()
    except (FileNotFoundError, RuntimeError) as exc:
        pytest.skip(f"no redis-server to own: {exc}")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "TELEGRAM_", "INBOX_"))},
        **{k: v for k, v in platform_env(fake_api).items() if k.startswith("TELEGRAM_")},
        "DATABASE_URL": postgres_url,
        "REDIS_URL": redis.url,
        "PUBLIC_URL": PUBLIC_URL,
        "SECRET_KEY": "chaos",
        "INBOX_REPLY_DEBOUNCE": "0",
        "INBOX_SWEEP_INTERVAL": "5",
        "INBOX_SWEEP_GRACE": "10",
        "INBOX_STALE_SEND": "15",
        "INBOX_SEND_BACKOFF": "0.5,1,2",
        "INBOX_SEND_MAX_ATTEMPTS": "6",
        "LOG_LEVEL": "WARNING",
    }
    processes = Layout(env, tmp_path)
    processes.start_web()
    for _ in range(3):
        processes.start_worker()
    try:
        yield processes, redis
    finally:
        processes.stop()
        redis.stop()


def wait_until(predicate, timeout: float, step: float = 0.25) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


def test_nothing_lost_nothing_twice_under_chaos(layout: tuple[Layout, OwnRedis], fake_api: FakePlatformAPI,
                                                postgres_url: str) -> None:
    processes, redis = layout
    count = int(os.environ.get("CHAOS_MESSAGES", "300"))
    outage = float(os.environ.get("CHAOS_OUTAGE_SECONDS", "30"))
    rate = float(os.environ.get("CHAOS_RATE", "20"))  # messages a second
    base = f"http://127.0.0.1:{processes.port}"
    http = httpx.Client(timeout=20)

    def healthz() -> httpx.Response | None:
        try:
            return http.get(base + "/healthz")
        except httpx.HTTPError:
            return None

    assert wait_until(lambda: (r := healthz()) is not None and r.status_code == 200, 60), "the layout did not come up"

    statuses: list[int] = []
    lock = threading.Lock()

    def post(i: int) -> None:
        update = telegram_update(COMPLAINT if i % 4 == 0 else ANSWERED, update_id=900_000 + i, chat_id=50_000 + i)
        for _ in range(20):  # as the platform does: retry until it gets a 2xx
            try:
                response = http.post(base + "/webhooks/telegram", json=update,
                                     headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_ENV["TELEGRAM_WEBHOOK_SECRET"]})
                if response.status_code < 500:
                    with lock:
                        statuses.append(response.status_code)
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        with lock:
            statuses.append(599)

    outage_health: list[int] = []
    stopped = returned = 0.0
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        for i in range(count):
            # Customers write at a steady `rate` (a flash sale's peak), chaos happening meanwhile.
            pause = started + i / rate - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            pool.submit(post, i)
            if i == count // 10:
                fake_api.fail_next("telegram", 500, times=5)
                fake_api.fail_next("telegram", 429, times=3, retry_after=1)
            if i == count // 5:
                processes.workers[0].send_signal(signal.SIGKILL)  # mid-job, no goodbye
                processes.workers[0].wait()
                processes.start_worker()
            if i == count // 4:
                fake_api.slow_seconds = 0.3
            if i == count // 3:
                fake_api.slow_seconds = 0.0
                redis.stop()
                stopped = time.monotonic()
            if redis.process is None and stopped:
                if not outage_health and time.monotonic() - stopped > 2:
                    response = healthz()
                    outage_health.append(response.status_code if response is not None else 0)
                if time.monotonic() - stopped >= outage:
                    redis.start()
                    returned = time.monotonic()
        if redis.process is None:
            while time.monotonic() - stopped < outage:
                time.sleep(0.2)
            if not outage_health:
                response = healthz()
                outage_health.append(response.status_code if response is not None else 0)
            redis.start()
            returned = time.monotonic()
    assert statuses.count(200) == count, collections.Counter(statuses)
    assert outage_health and outage_health[0] == 503  # the outage was visible, not silent

    engine = create_engine(postgres_url)

    def settled() -> bool:
        with engine.connect() as connection:
            pending = connection.execute(text(
                "SELECT (SELECT count(*) FROM messages WHERE direction = 'in' AND outcome IS NULL)"
                " + (SELECT count(*) FROM messages WHERE direction = 'out'"
                "    AND delivery_status IN ('pending', 'retry', 'sending'))"
            )).scalar_one()
        return pending == 0

    assert wait_until(settled, 120), "work was still waiting two minutes after Redis returned"
    cleared = time.monotonic() - returned
    after = sorted(call.at - returned for call in fake_api.calls if call.at >= returned)
    print(f"chaos: {len(after)} sends after Redis returned, first at {after[0] if after else 0:.1f}s, "
          f"last at {after[-1] if after else 0:.1f}s")
    with engine.connect() as connection:
        inbound = connection.execute(text(
            "SELECT m.platform_message_id, m.outcome, c.chat_id FROM messages m JOIN conversations c"
            " ON c.id = m.conversation_id WHERE m.direction = 'in'"
        )).all()
        outbound = dict(connection.execute(text(
            "SELECT c.chat_id, m.delivery_status FROM messages m JOIN conversations c ON c.id = m.conversation_id"
            " WHERE m.direction = 'out'"
        )).all())
    engine.dispose()
    time.sleep(1)
    sends = collections.Counter(str(call.body.get("chat_id")) for call in fake_api.calls
                                if call.endpoint == "sendMessage" and call.status == 200)

    assert len(inbound) == count  # stored once each, whatever was retried
    assert all(outcome is not None for _, outcome, _ in inbound)
    twice = [chat for chat, n in sends.items() if n > 1]
    assert twice == []  # nobody answered twice
    answered = {chat for _, outcome, chat in inbound if outcome == "auto_replied"}
    for chat in answered:
        # Sent once; or, when a worker died mid-send, marked unknown for a person to check.
        assert sends[chat] == 1 or outbound.get(chat) == "unknown", (chat, outbound.get(chat))
    complaints = {chat for _, outcome, chat in inbound if outcome == "escalated"}
    assert len(complaints) == count // 4 + (1 if count % 4 else 0) or len(complaints) >= count // 4 - 1
    acks = [call for call in fake_api.calls if str(call.body.get("chat_id")) in complaints and call.status == 200]
    assert all(call.text.startswith("Mohon maaf atas kendalanya") for call in acks)  # a calm note, no answer
    assert cleared < 30, f"the backlog took {cleared:.1f}s to clear after Redis returned"
    final = healthz()
    assert final is not None and final.status_code == 200, final.text if final is not None else "no answer"
    print(f"chaos: {count} messages, {len(answered)} answered, {len(complaints)} to agents, "
          f"{sum(1 for s in outbound.values() if s == 'unknown')} unknown, backlog cleared {cleared:.1f}s after Redis returned")
