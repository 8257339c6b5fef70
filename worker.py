"""A queue worker: `python worker.py` (run as many as the load needs; REDIS_URL required).

Each worker builds the process's services (not the web app) and runs RQ's jobs with them. Beside
the jobs it keeps two things going, safe with any number of workers, each surviving any error:
- moving delayed jobs (the reply debounce, send retries, paced sends) onto the queue when due;
- the recovery sweep, at start, periodically (once per interval across all workers), and at
  once whenever Redis comes back after an outage.
A lost Redis does not end the worker: it reconnects with backoff and carries on. Run it under a
supervisor all the same (README, "Production"), since a process can always die.
"""
from __future__ import annotations

import argparse
import logging
import os
import socket
import sys
import threading
import time

from redis import Redis
from redis.exceptions import RedisError
from rq import SimpleWorker
from rq.serializers import JSONSerializer

from app import configure_logging, start_up
from inbox.jobs import bind_process
from inbox.queue import RedisJobQueue
from inbox.services import Services, build_services
from inbox.settings import load_settings

logger = logging.getLogger("inbox.worker")
SWEEP_LOCK_KEY = "inbox:sweep-lock"
# Each worker says it is alive here (with an expiry); /healthz counts them. RQ's own registry
# does not survive a Redis restart while its dequeue loop keeps running.
ALIVE_KEY_PREFIX = "inbox:worker-alive:"
ALIVE_EVERY_SECONDS = 5.0
ALIVE_TTL_SECONDS = 30
# How often a worker looks for jobs that have come due (every job passes the due-jobs set): the
# most it adds to an answer's time.
DELAYED_JOB_TICK_SECONDS = 0.05
# Reconnecting to Redis: first wait, and the longest, so a returning Redis is used within seconds.
RECONNECT_FIRST_WAIT = 0.2
RECONNECT_MAX_WAIT = 2.0


def sweep_now(services: Services, grace_seconds: float | None = None) -> None:
    """Re-enqueue stored work the queue may have lost (after an outage nothing waits for the interval)."""
    try:
        counts = services.pipeline.sweep(grace_seconds)
        logger.info("sweep: %s", counts)
    except Exception:
        logger.exception("sweep failed; the next one will try again")


def start_sweeper(services: Services, queue: RedisJobQueue, interval: float, stop: threading.Event) -> None:
    def loop() -> None:
        # A worker starting (a deploy, a crash, an outage) takes up everything stored at once:
        # the jobs it would wait for may be gone. Repeats are cheap no-ops.
        sweep_now(services, grace_seconds=0)
        while not stop.wait(interval):
            try:
                # NX + expiry: the first worker to ask in an interval sweeps, the others skip.
                if queue.redis.set(SWEEP_LOCK_KEY, "1", nx=True, ex=max(1, int(interval))):
                    sweep_now(services)
            except Exception:
                logger.exception("sweeper: Redis unavailable; trying again next interval")

    threading.Thread(target=loop, name="inbox-sweeper", daemon=True).start()


def start_delayed_job_mover(services: Services, queue: RedisJobQueue, stop: threading.Event) -> None:
    """Moves due delayed jobs; it also notices a Redis outage ending (it asks Redis 10 times a
    second) and then sweeps at once, so work stored meanwhile does not wait for the interval."""

    alive_key = f"{ALIVE_KEY_PREFIX}{socket.gethostname()}:{os.getpid()}"

    def loop() -> None:
        outage_since: float | None = None
        said_alive = 0.0
        while not stop.is_set():
            try:
                queue.move_due_jobs()
                if time.monotonic() - said_alive > ALIVE_EVERY_SECONDS:
                    queue.redis.set(alive_key, "1", ex=ALIVE_TTL_SECONDS)
                    said_alive = time.monotonic()
                if outage_since is not None:
                    logger.warning("Redis is back after %.1fs: sweeping at once", time.monotonic() - outage_since)
                    outage_since = None
                    sweep_now(services, grace_seconds=0)
            except Exception as exc:
                if outage_since is None:
                    outage_since = time.monotonic()
                    logger.error("Redis unavailable (%s): delayed jobs wait; retrying", type(exc).__name__)
                stop.wait(RECONNECT_FIRST_WAIT)
            stop.wait(DELAYED_JOB_TICK_SECONDS)

    threading.Thread(target=loop, name="inbox-delayed-jobs", daemon=True).start()


def dequeue_connection(redis_url: str) -> Redis:
    """Its own connection for RQ's blocking dequeue: no short read timeout for RQ to trip over
    after a quiet spell (RQ sets one just longer than its dequeue wait), keepalive to notice a dead
    server."""
    return Redis.from_url(redis_url, socket_connect_timeout=5, socket_keepalive=True, health_check_interval=30)


def wait_for_redis(connection: Redis, stop: threading.Event) -> bool:
    """Block until Redis answers (True) or the worker is asked to stop (False)."""
    wait = RECONNECT_FIRST_WAIT
    while not stop.is_set():
        try:
            connection.ping()
            return True
        except RedisError as exc:
            logger.warning("Redis unavailable (%s); retrying in %.1fs", type(exc).__name__, wait)
            stop.wait(wait)
            wait = min(wait * 2, RECONNECT_MAX_WAIT)
    return False


def run_worker(services: Services, *, burst: bool, stop: threading.Event, worker_ttl: int | None = None) -> None:
    """RQ's work loop, started again whenever a Redis outage ends it."""
    queue = services.queue
    assert isinstance(queue, RedisJobQueue)
    connection = dequeue_connection(services.settings.redis_url or "")
    outage = False
    while not stop.is_set():
        if not wait_for_redis(connection, stop):
            return
        if outage:
            logger.warning("Redis is back: sweeping at once")
            sweep_now(services, grace_seconds=0)  # (RQ's loop ended on it: start it again)
        try:
            options = {"worker_ttl": worker_ttl} if worker_ttl else {}
            worker = SimpleWorker(
                [queue.queue.name], connection=connection, serializer=JSONSerializer, **options
            )
            worker.max_connection_wait_time = RECONNECT_MAX_WAIT  # RQ's own dequeue retries
            worker.work(burst=burst, logging_level=logging.getLevelName(logger.getEffectiveLevel()))
        except RedisError:
            logger.exception("worker lost Redis; reconnecting")
        except Exception:
            logger.exception("worker loop failed; starting again")
            time.sleep(RECONNECT_FIRST_WAIT)
        else:
            shutdown = getattr(worker, "_shutdown_requested_date", None) or getattr(worker, "_stop_requested", False)
            if burst and not shutdown and not stop.is_set() and (queue.move_due_jobs() or queue.queue.count):
                continue  # a job came due meanwhile (a retry due at once): the burst is not over
            if burst or shutdown:
                stop.set()  # done, or SIGTERM/SIGINT: a warm shutdown
                return
        # Otherwise RQ's loop ended because it lost Redis.
        outage = True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--burst", action="store_true", help="Exit when the queue is empty (tests, cron).")
    parser.add_argument(
        "--worker-ttl", type=int, default=None,
        help="Seconds RQ counts a silent worker alive (default 420); its blocking dequeue waits 15 s less.",
    )
    args = parser.parse_args(argv)

    configure_logging()
    settings = load_settings(os.environ)
    if not settings.redis_url:
        logger.error("REDIS_URL is not set: without Redis the web process runs the jobs itself (make run)")
        return 2
    services = build_services(settings)
    services.db.upgrade()
    bind_process(services)
    start_up(services, role="worker")
    assert isinstance(services.queue, RedisJobQueue)
    stop = threading.Event()
    if not args.burst:
        start_sweeper(services, services.queue, settings.sweep_interval_seconds or 60, stop)
    start_delayed_job_mover(services, services.queue, stop)
    try:
        run_worker(services, burst=args.burst, stop=stop, worker_ttl=args.worker_ttl)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        try:
            services.queue.redis.delete(f"{ALIVE_KEY_PREFIX}{socket.gethostname()}:{os.getpid()}")
        except Exception:
            logger.debug("could not remove this worker's alive key; it expires by itself")
        services.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
