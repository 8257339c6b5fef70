"""A queue worker: `python worker.py` (run as many as the load needs; REDIS_URL required).

Each worker runs jobs inside the same app the web server builds, and also runs the recovery
sweep at start and then periodically; a Redis lock makes one sweep per interval suffice
however many workers run.
"""
from __future__ import annotations

import argparse
import logging
import sys
import threading

from rq import SimpleWorker
from rq.serializers import JSONSerializer

from app import create_app
from inbox.queue import RedisJobQueue

logger = logging.getLogger("inbox.worker")
SWEEP_LOCK_KEY = "inbox:sweep-lock"


def start_sweeper(app, queue: RedisJobQueue, interval: float) -> threading.Event:  # type: ignore[no-untyped-def]
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            # NX + expiry: the first worker to ask in an interval sweeps, the others skip.
            if queue.redis.set(SWEEP_LOCK_KEY, "1", nx=True, ex=max(1, int(interval))):
                try:
                    with app.app_context():
                        app.extensions["inbox"].pipeline.sweep()
                except Exception:
                    logger.exception("sweep failed")
            stop.wait(interval)

    threading.Thread(target=loop, name="inbox-sweeper", daemon=True).start()
    return stop


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--burst", action="store_true", help="Exit when the queue is empty (tests, cron).")
    args = parser.parse_args(argv)

    app = create_app()
    services = app.extensions["inbox"]
    if not isinstance(services.queue, RedisJobQueue):
        logger.error("REDIS_URL is not set: without Redis the web process runs the jobs itself (make run)")
        return 2
    stop_sweeper = start_sweeper(app, services.queue, services.settings.sweep_interval_seconds or 60)
    # SimpleWorker runs jobs in this process: no fork per job (lower latency, and the
    # database pool is not shared across a fork). Job timeouts still apply (SIGALRM).
    worker = SimpleWorker([services.queue.queue], connection=services.queue.redis, serializer=JSONSerializer)
    with app.app_context():
        # The scheduler moves delayed jobs (send retries with backoff) onto the queue.
        worker.work(burst=args.burst, with_scheduler=True, logging_level="INFO")
    stop_sweeper.set()
    services.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
