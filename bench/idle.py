"""First-reply latency after a quiet spell, against the same latency while busy (same run).

    .venv/bin/python bench/idle.py [--idle 130]

Production layout in miniature: a Redis server of its own, one `python worker.py`, SQLite, a
local fake of the Telegram API. It measures webhook-to-send for a few messages in a row (the
baseline), waits `--idle` seconds with nothing to do (RQ's blocking dequeue once stalled replies
for 20-56 s after about two quiet minutes), then measures the next message the same way.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import logging  # noqa: E402

from app import create_app  # noqa: E402
from tests.conftest import PUBLIC_URL, TELEGRAM_ENV, platform_env, telegram_update  # noqa: E402
from tests.fakes.platform_api import FakePlatformAPI  # noqa: E402
from tests.test_outages import OwnRedis  # noqa: E402


def one_reply(client, api: FakePlatformAPI, chat_id: int) -> float:  # type: ignore[no-untyped-def]
    before = len(api.calls)
    started = time.perf_counter()
    client.post("/webhooks/telegram", json=telegram_update("bisa bayar cod kak?", chat_id=chat_id),
                headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_ENV["TELEGRAM_WEBHOOK_SECRET"]})
    api.wait_for_calls(before + 1, timeout=120)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--idle", type=float, default=130.0, help="seconds of quiet before the measured reply")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp, FakePlatformAPI() as api:
        redis = OwnRedis(Path(tmp))
        redis.start()
        database_url = f"sqlite:///{tmp}/idle.sqlite3"
        env = {**os.environ, **platform_env(api), "DATABASE_URL": database_url, "REDIS_URL": redis.url,
               "PUBLIC_URL": PUBLIC_URL, "INBOX_REPLY_DEBOUNCE": "0", "LOG_LEVEL": "ERROR"}
        worker = subprocess.Popen([sys.executable, "worker.py"], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            app = create_app({"database_url": database_url, "redis_url": redis.url, "public_url": PUBLIC_URL,
                              "platform_env": platform_env(api), "reply_debounce_seconds": 0.0})
            client = app.test_client()
            one_reply(client, api, 1)  # warm up
            busy = [one_reply(client, api, 10 + i) for i in range(5)]
            print(f"idle: first reply while busy, median of 5: {statistics.median(busy) * 1000:.0f} ms")
            time.sleep(args.idle)
            quiet = one_reply(client, api, 99)
            ratio = quiet / statistics.median(busy)
            print(f"idle: first reply after {args.idle:.0f} s idle: {quiet * 1000:.0f} ms ({ratio:.1f}x the busy median)")
            app.extensions["inbox"].close()
        finally:
            worker.terminate()
            worker.wait(timeout=30)
            redis.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
