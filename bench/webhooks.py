"""Webhook and pipeline throughput, each against a baseline measured in the same run.

    .venv/bin/python bench/webhooks.py [--messages 400] [--database-url URL]

1. Ingest: signed Twilio webhooks through the real app (verify, parse, store once, enqueue)
   against a bare Flask route that reads the same form and answers 200: the framework floor.
2. End to end: webhook -> job -> decision -> send to a local fake Twilio API, with the
   in-process queue, against the bare send calls through the same official client: the
   platform-call floor. Prints messages/s, latency from webhook to send, and the ratios.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import logging  # noqa: E402

from flask import Flask, request  # noqa: E402

from app import create_app  # noqa: E402
from connectors.twilio_whatsapp import TwilioSettings, TwilioWhatsAppConnector  # noqa: E402
from inbox.domain import Outbound, OutboundKind, Platform  # noqa: E402
from tests.conftest import PUBLIC_URL, TWILIO_ENV, platform_env, twilio_message  # noqa: E402
from tests.fakes.platform_api import FakePlatformAPI  # noqa: E402
from tests.fakes.signing import twilio_signature  # noqa: E402

TEXTS = ["brp ongkir ke medan kak", "bisa bayar cod kak?", "ongkir ke bandung brp?", "makasih kak", "halo min"]


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds else float("inf")


RUN = uuid.uuid4().hex[:8]  # fresh platform ids every run, so a reused database dedupes nothing


def signed_posts(count: int, prefix: str) -> list[tuple[dict[str, str], dict[str, str]]]:
    posts = []
    for i in range(count):
        form = twilio_message(TEXTS[i % len(TEXTS)], sid=f"SM{prefix}{RUN}{i:022d}", phone=f"+62{prefix[-1]}{i:09d}")
        signature = twilio_signature(TWILIO_ENV["TWILIO_AUTH_TOKEN"], f"{PUBLIC_URL}/webhooks/twilio", form)
        posts.append((form, {"X-Twilio-Signature": signature}))
    return posts


def timed(run: Callable[[], Any]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def bench_ingest(app: Flask, count: int) -> tuple[float, float]:
    baseline_app = Flask("baseline")

    @baseline_app.post("/webhooks/twilio")
    def bare() -> str:
        _ = request.form.to_dict()
        return "<Response/>"

    posts = signed_posts(count, "81")
    baseline_client = baseline_app.test_client()
    baseline = timed(lambda: [baseline_client.post("/webhooks/twilio", data=f, headers=h) for f, h in posts])
    queue = app.extensions["inbox"].queue
    original = queue.enqueue
    queue.enqueue = lambda *a, **k: None  # measure ingest alone; the jobs are measured below
    client = app.test_client()
    try:
        ours = timed(lambda: [client.post("/webhooks/twilio", data=f, headers=h) for f, h in posts])
    finally:
        queue.enqueue = original
    return rate(count, baseline), rate(count, ours)


def bench_end_to_end(app: Flask, api: FakePlatformAPI, count: int) -> tuple[float, float, list[float]]:
    connector = TwilioWhatsAppConnector(
        TwilioSettings(
            account_sid=TWILIO_ENV["TWILIO_ACCOUNT_SID"],
            auth_token=TWILIO_ENV["TWILIO_AUTH_TOKEN"],
            whatsapp_from=TWILIO_ENV["TWILIO_WHATSAPP_FROM"],
            api_base=api.base_url,
        )
    )
    baseline = timed(
        lambda: [connector.send(Outbound(Platform.WHATSAPP_TWILIO, OutboundKind.MESSAGE, f"whatsapp:+62813{i:07d}", "Halo kak!")) for i in range(count)]
    )
    api.reset()
    posts = signed_posts(count, "82")
    client = app.test_client()
    posted_at: dict[str, float] = {}
    sent_at: dict[str, float] = {}
    api.on_call = lambda call: sent_at.setdefault(str(call.body.get("To")), time.perf_counter())
    start = time.perf_counter()
    for form, headers in posts:
        posted_at[form["From"]] = time.perf_counter()
        client.post("/webhooks/twilio", data=form, headers=headers)
    api.wait_for_calls(count, timeout=300)
    app.extensions["inbox"].queue.drain(60)
    elapsed = time.perf_counter() - start
    latencies = sorted(sent_at[k] - posted_at[k] for k in posted_at if k in sent_at)
    return rate(count, baseline), rate(count, elapsed), latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=400)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    args = parser.parse_args()
    logging.disable(logging.WARNING)

    with tempfile.TemporaryDirectory() as tmp, FakePlatformAPI() as api:
        app = create_app(
            {
                "TESTING": True,
                "database_url": args.database_url or f"sqlite:///{tmp}/bench.sqlite3",
                "redis_url": None,
                "public_url": PUBLIC_URL,
                "platform_env": platform_env(api),
                # The shipped debounce: it delays each answer but must not cap throughput.
                "reply_debounce_seconds": 0.8,
            }
        )
        # Pacing off for this bench: it measures what the pipeline costs. With it on, the end to end
        # figure is Twilio's own sender rate (10/s); bench/pacing.py measures pacing.
        connector: Any = app.extensions["inbox"].pipeline.connectors[Platform.WHATSAPP_TWILIO]
        connector.capabilities = {
            Platform.WHATSAPP_TWILIO: replace(connector.capabilities[Platform.WHATSAPP_TWILIO], rates=())
        }
        try:
            base_ingest, ingest = bench_ingest(app, args.messages)
            base_send, e2e, latencies = bench_end_to_end(app, api, args.messages)
        finally:
            app.extensions["inbox"].close()

    db = (args.database_url or "sqlite").split(":", 1)[0]
    print(f"webhook bench, {args.messages} messages, database {db}, in-process queue, debounce 0.8 s")
    print(f"{'path':<44}{'msgs/s':>10}{'baseline/s':>12}{'ratio':>8}")
    print(f"{'ingest (verify, parse, store once, enqueue)':<44}{ingest:>10.0f}{base_ingest:>12.0f}{ingest / base_ingest:>8.2f}")
    print(f"{'end to end (webhook to send at fake API)':<44}{e2e:>10.0f}{base_send:>12.0f}{e2e / base_send:>8.2f}")
    if latencies:
        p50 = statistics.median(latencies)
        p95 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))]
        print(f"webhook-to-send latency under this burst: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms")
    print("baselines: a bare Flask route reading the same form; the bare official-client send to the same fake API")
    print("(outbound pacing off here: with it, sends keep to each platform's rate; see bench/pacing.py)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
