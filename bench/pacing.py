"""Outbound pacing at full scale: each platform offered three times its declared rate.

    .venv/bin/python bench/pacing.py [--seconds 3]

For each platform, customers write at 3x the connector's declared account rate for a few
seconds; every answer goes through the real pipeline (in-process queue, SQLite, the official
client) to a local fake of the platform's API, in a process of its own, which records when each
request arrived. Printed:
the most requests the fake saw in any window of the rate (must not exceed the rate), the share of
the rate used while there was a backlog, and the same run without pacing as the baseline (what
the platform would have seen).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import logging  # noqa: E402

from app import create_app  # noqa: E402
from bench.fake_api_process import FakeAPIProcess  # noqa: E402
from inbox.domain import Platform, Rate  # noqa: E402
from tests.conftest import PUBLIC_URL, platform_env, telegram_update, twilio_message  # noqa: E402
from tests.fakes.platform_api import most_in_any_window, rate_used  # noqa: E402
from tests.fakes.signing import twilio_signature  # noqa: E402
from tests.test_outages import OwnRedis  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def run(platform: Platform, account: Rate, duration: float, paced: bool, workers: int = 0) -> tuple[int, float, float]:
    """Embedded (in-process queue) when `workers` is 0; else Redis of its own and that many worker.py."""
    with FakeAPIProcess() as api, tempfile.TemporaryDirectory() as tmp:
        database_url = f"sqlite:///{tmp}/bench.sqlite3"
        redis = OwnRedis(Path(tmp)) if workers else None
        if redis is not None:
            redis.start()
        app = create_app(
            {
                "TESTING": True,
                "database_url": database_url,
                "redis_url": redis.url if redis else None,
                "public_url": PUBLIC_URL,
                "secret_key": "bench",
                "platform_env": platform_env(api),
                "reply_debounce_seconds": 0.0,
                "in_process_workers": 8,
            }
        )
        services = app.extensions["inbox"]
        connector: Any = services.pipeline.connectors[platform]
        # Only the account rate is measured here; no pacing at all for the baseline.
        rates = (account,) if paced else ()
        connector.capabilities = {platform: replace(connector.capabilities[platform], rates=rates)}
        processes = []
        if redis is not None:
            env = {**os.environ, **platform_env(api), "DATABASE_URL": database_url, "REDIS_URL": redis.url,
                   "PUBLIC_URL": PUBLIC_URL, "INBOX_REPLY_DEBOUNCE": "0", "LOG_LEVEL": "ERROR",
                   "INBOX_BENCH_ACCOUNT_RATE": f"{account.count}/{account.seconds}" if paced else "off"}
            processes = [subprocess.Popen([sys.executable, str(Path(__file__).parent / "pacing.py"), "--serve-worker"],
                                          cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                         for _ in range(workers)]
            time.sleep(3)  # the workers come up
        client = app.test_client()
        offered = int(3 * account.count / account.seconds * duration)
        start = time.monotonic()
        for i in range(offered):
            if platform is Platform.TELEGRAM:
                client.post("/webhooks/telegram", json=telegram_update("bisa bayar cod kak?", chat_id=70000 + i),
                            headers={"X-Telegram-Bot-Api-Secret-Token": platform_env(api)["TELEGRAM_WEBHOOK_SECRET"]})
            else:
                form = twilio_message("bisa bayar cod kak?", phone=f"+62812{70000 + i:07d}")
                signature = twilio_signature(platform_env(api)["TWILIO_AUTH_TOKEN"], f"{PUBLIC_URL}/webhooks/twilio", form)
                client.post("/webhooks/twilio", data=form, headers={"X-Twilio-Signature": signature})
            pause = start + (i + 1) / (3 * account.count / account.seconds) - time.monotonic()
            if pause > 0:
                time.sleep(pause)
        times = [at for _, at in api.wait_for_sends(offered, timeout=120)]
        services.close()
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
        if redis is not None:
            redis.stop()
        return most_in_any_window(times, account.seconds), rate_used(times, account.count, account.seconds), len(times)


def serve_worker() -> int:
    """A worker.py whose connectors keep only the account rate under test (see run())."""
    import worker

    spec = os.environ.get("INBOX_BENCH_ACCOUNT_RATE", "off")
    original = worker.build_services

    def build(settings: Any) -> Any:
        services = original(settings)
        for platform, connector in services.pipeline.connectors.items():
            rates: tuple[Rate, ...] = ()
            if spec != "off":
                count, seconds = spec.split("/")
                rates = (Rate("account", int(count), float(seconds)),)
            connector.capabilities = {**connector.capabilities,
                                      platform: replace(connector.capabilities[platform], rates=rates)}
        return services

    worker.build_services = build
    return worker.main([])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=3.0, help="how long customers write at 3x the rate")
    parser.add_argument("--serve-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_worker:
        return serve_worker()
    logging.basicConfig(level=logging.ERROR)
    print("pacing: 3x each platform's declared account rate offered; the fake API records arrivals")
    for layout, workers in (("embedded", 0), ("redis + 2 worker.py", 2)):
        for platform in (Platform.WHATSAPP_TWILIO, Platform.TELEGRAM):
            app_rates = create_app_rates(platform)
            paced_max, paced_used, sent = run(platform, app_rates, args.seconds, paced=True, workers=workers)
            bare_max, _, _ = run(platform, app_rates, args.seconds, paced=False, workers=workers)
            limit = app_rates.count
            print(
                f"  {layout:20} {platform.value:16} rate {limit}/{app_rates.seconds:g}s: paced max {paced_max} in a "
                f"window ({'ok' if paced_max <= limit else 'OVER'}), rate used {paced_used:.1%}, {sent} answers; "
                f"unpaced baseline max {bare_max} in a window ({bare_max / limit:.1f}x the rate)"
            )
    return 0


def create_app_rates(platform: Platform) -> Rate:
    from connectors import CONNECTORS

    for spec in CONNECTORS.values():
        capabilities = spec.connector.capabilities.get(platform)
        if capabilities is not None:
            return next(rate for rate in capabilities.rates if rate.scope == "account")
    raise LookupError(platform)


if __name__ == "__main__":
    sys.exit(main())
