"""A queue worker: `python worker.py` (run as many as the load needs; REDIS_URL required).

Each worker runs jobs inside the same app the web server builds. Beside the jobs it keeps two
things going, safe with any number of workers:
- moving delayed jobs (the reply debounce, send retries) onto the queue when they come due;
- the recovery sweep, at start and then periodically, once per interval across all workers.
"""
from __future__ import annotations

import argparse
import logging
import sys
import threading

from flask import Flask
from rq import SimpleWorker
from rq.serializers import JSONSerializer

from app import create_app
from inbox.queue import RedisJobQueue

logger = logging.getLogger("inbox.worker")
SWEEP_LOCK_KEY = "inbox:sweep-lock"
# How often a worker looks for delayed jobs (debounce, retries) that have come due: the
# most it adds to an answer's time.
DELAYED_JOB_TICK_SECONDS = 0.1


def start_sweeper(app: Flask, queue: RedisJobQueue, interval: float, stop: threading.Event) -> None:
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


def start_delayed_job_mover(queue: RedisJobQueue, stop: threading.Event) -> None:
    def loop() -> None:
        while not stop.is_set():
            try:
                queue.move_due_jobs()
            except Exception:
                logger.exception("moving delayed jobs failed; retrying")
                stop.wait(1.0)
            stop.wait(DELAYED_JOB_TICK_SECONDS)

    threading.Thread(target=loop, name="inbox-delayed-jobs", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--burst", action="store_true", help="Exit when the queue is empty (tests, cron).")
    args = parser.parse_args(argv)

    app = create_app()
    services = app.extensions["inbox"]
    if not isinstance(services.queue, RedisJobQueue):
        logger.error("REDIS_URL is not set: without Redis the web process runs the jobs itself (make run)")
        return 2
    stop = threading.Event()
    start_sweeper(app, services.queue, services.settings.sweep_interval_seconds or 60, stop)
    start_delayed_job_mover(services.queue, stop)
    # SimpleWorker runs jobs in this process: no fork per job (lower latency, and the
    # database pool is not shared across a fork). Job timeouts still apply (SIGALRM).
    worker = SimpleWorker([services.queue.queue], connection=services.queue.redis, serializer=JSONSerializer)
    try:
        with app.app_context():
            worker.work(burst=args.burst, logging_level="INFO")
    finally:
        stop.set()
        services.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
