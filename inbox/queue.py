"""Job queues: RQ on Redis in production, worker threads in-process when REDIS_URL is unset.

Jobs are named (see `inbox.jobs.JOBS`) and carry only ids, so either queue can lose its
contents without losing work: the recovery sweep re-enqueues from the database.
"""
from __future__ import annotations

import heapq
import itertools
import json
import logging
import re
import threading
import time
from abc import ABC, abstractmethod
from typing import Any, Callable, Iterable

logger = logging.getLogger(__name__)

QUEUE_NAME = "inbox"
JOB_TIMEOUT_SECONDS = 60
DELAYED_KEY = "inbox:delayed-jobs"
DUE_JOBS_BATCH = 500  # due jobs moved into RQ in one round trip
# Pops the due members in one step, so two workers never both take the same delayed job.
POP_DUE_SCRIPT = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
if #due > 0 then redis.call('ZREM', KEYS[1], unpack(due)) end
return due
"""


# RQ job ids allow these characters only.
NOT_IN_JOB_ID = re.compile(r"[^A-Za-z0-9_-]")
# RQ states in which a job will still run; a started one may belong to a worker that died.
WAITING_STATES = {"queued", "deferred", "scheduled"}
QUEUED_TTL_SECONDS = 86400  # RQ drops a job queued this long; the sweep has found it long before


def job_id(job: str, args: Iterable[Any]) -> str:
    """One id per job and arguments: the sweep can ask whether a job is still waiting, and a
    repeat replaces the waiting one instead of queueing a second."""
    return NOT_IN_JOB_ID.sub("_", "-".join([job, *map(str, args)]))


def delayed_member(job: str, args: Iterable[Any]) -> str:
    return json.dumps({"job": job, "args": list(args)})


class JobQueue(ABC):
    description: str

    @abstractmethod
    def enqueue(self, job: str, *args: Any, delay: float = 0.0) -> None:
        """Run job `job` (a name in inbox.jobs.JOBS) with primitive args, after `delay` seconds."""

    def submit(self, job: str, *args: Any, delay: float = 0.0) -> bool:
        """Enqueue after the work is stored; a queue outage is logged, never raised.

        The database holds the work, so nothing is lost: the queue keeps what it could not
        take and hands it over once it answers again, and the sweep finds it in any case.
        """
        try:
            self.enqueue(job, *args, delay=delay)
            return True
        except Exception as exc:
            logger.warning("queue unavailable (%s): %s%r kept for later", type(exc).__name__, job, args)
            return False

    def waiting(self, job: str, ids: list[Any]) -> set[Any]:
        """Of these single-argument jobs, those queued and not started yet (the sweep skips them)."""
        return set()

    @abstractmethod
    def check(self) -> str:
        """Raise when the queue is unusable; else a short state line for /healthz."""

    @abstractmethod
    def depth(self) -> int:
        """Jobs waiting, delayed ones included."""

    def close(self) -> None:
        """Stop background threads, if any."""


class RedisJobQueue(JobQueue):
    """RQ for the jobs; each waits first in a sorted set of our own until it is due.

    RQ's scheduler checks once a second, too coarse for a sub-second reply debounce. Here a job
    is a member of DELAYED_KEY scored by its due time (now, or after its delay); `move_due_jobs`
    (run by every worker, 20 times a second) pops due members atomically and enqueues them in RQ
    in one round trip.
    """

    # What could not be enqueued while Redis was away, handed over when it answers again.
    MAX_KEPT = 10_000

    def __init__(self, redis_url: str) -> None:
        from redis import Redis
        from rq import Queue
        from rq.serializers import JSONSerializer

        self.redis = Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=2)
        self.queue = Queue(QUEUE_NAME, connection=self.redis, serializer=JSONSerializer)
        self._pop_due = self.redis.register_script(POP_DUE_SCRIPT)
        self._kept: list[tuple[str, tuple[Any, ...], float]] = []
        self._kept_lock = threading.Lock()
        self.description = f"RQ queue '{QUEUE_NAME}' on Redis"

    def enqueue(self, job: str, *args: Any, delay: float = 0.0) -> None:
        try:
            self._enqueue(job, *args, delay=delay)
        except Exception:
            with self._kept_lock:
                if len(self._kept) < self.MAX_KEPT:
                    self._kept.append((job, args, delay))
            raise
        if self._kept:
            self._hand_over_kept()

    def _hand_over_kept(self) -> None:
        """Redis answers again: enqueue at once what this process kept during the outage."""
        with self._kept_lock:
            kept, self._kept = self._kept, []
        for position, (job, args, delay) in enumerate(kept):
            try:
                self._enqueue(job, *args, delay=delay)
            except Exception:
                with self._kept_lock:
                    self._kept = kept[position:] + self._kept
                return
        logger.warning("queue is back: handed over %d jobs kept during the outage", len(kept))

    def _enqueue(self, job: str, *args: Any, delay: float = 0.0) -> None:
        # Every job waits in the due-jobs set first, due now or after its delay: one ZADD for the
        # webhook (an RQ enqueue is a transaction of eight commands and a job object), and the
        # workers move due jobs into RQ in batches. The earlier due time wins for a repeat.
        self.redis.zadd(DELAYED_KEY, {delayed_member(job, args): time.time() + max(0.0, delay)}, lt=True)


    def _enqueue_now(self, job: str, args: Iterable[Any], pipeline: Any) -> None:
        self.queue.enqueue_call(
            f"inbox.jobs.{job}", args=tuple(args), timeout=JOB_TIMEOUT_SECONDS, result_ttl=3600,
            failure_ttl=7 * 86400, ttl=QUEUED_TTL_SECONDS, job_id=job_id(job, args), pipeline=pipeline,
        )

    def move_due_jobs(self, limit: int = DUE_JOBS_BATCH) -> int:
        """Enqueue the delayed jobs whose time has come; safe to run from many workers at once."""
        due = self._pop_due(keys=[DELAYED_KEY], args=[time.time(), limit])
        if due:
            entries = [json.loads(member) for member in due]
            try:
                pipeline = self.redis.pipeline()
                for entry in entries:
                    self._enqueue_now(entry["job"], entry["args"], pipeline)
                pipeline.execute()
            except Exception:
                with self._kept_lock:  # popped and not enqueued: keep them (the sweep also finds them)
                    room = self.MAX_KEPT - len(self._kept)
                    self._kept.extend((entry["job"], tuple(entry["args"]), 0.0) for entry in entries[:room])
                raise
        if self._kept:
            self._hand_over_kept()
        return len(due)

    def waiting(self, job: str, ids: list[Any]) -> set[Any]:
        from rq.job import Job

        if not ids:
            return set()
        pipeline = self.redis.pipeline(transaction=False)
        for value in ids:
            pipeline.hget(Job.key_for(job_id(job, (value,))), "status")
            pipeline.zscore(DELAYED_KEY, delayed_member(job, (value,)))
        answers = pipeline.execute()
        return {value for value, status, due in zip(ids, answers[::2], answers[1::2])
                if due is not None or (status is not None and status.decode() in WAITING_STATES)}

    def check(self) -> str:
        self.redis.ping()
        return f"redis ok, {self.queue.count} queued, {self.redis.zcard(DELAYED_KEY)} delayed, {len(self._kept)} kept"

    def depth(self) -> int:
        return int(self.queue.count) + int(self.redis.zcard(DELAYED_KEY)) + len(self._kept)


class InProcessJobQueue(JobQueue):
    """A small scheduler: a heap of due jobs served by worker threads inside this process.

    `runner` is called as runner(job_name, args) on a worker thread (the app wraps it in an
    app context). Nothing survives a restart, which is fine: the database does.
    """

    def __init__(self, runner: Callable[[str, tuple[Any, ...]], None], threads: int = 4) -> None:
        self._runner = runner
        self._heap: list[tuple[float, int, str, tuple[Any, ...]]] = []
        self._counter = itertools.count()
        self._cond = threading.Condition()
        self._running = 0
        self._closed = False
        self._thread_count = threads
        self._threads: list[threading.Thread] = []
        self.description = f"in-process queue with {threads} worker threads (REDIS_URL unset)"

    def enqueue(self, job: str, *args: Any, delay: float = 0.0) -> None:
        with self._cond:
            if self._closed:
                raise RuntimeError("queue closed")
            if not self._threads:
                # Started with the first job: a CLI command that never enqueues starts no thread.
                self._threads = [
                    threading.Thread(target=self._work, name=f"inbox-worker-{i}", daemon=True)
                    for i in range(self._thread_count)
                ]
                for thread in self._threads:
                    thread.start()
            heapq.heappush(self._heap, (time.monotonic() + max(0.0, delay), next(self._counter), job, args))
            self._cond.notify()

    def waiting(self, job: str, ids: list[Any]) -> set[Any]:
        wanted = set(ids)
        with self._cond:
            return {args[0] for _, _, name, args in self._heap if name == job and len(args) == 1 and args[0] in wanted}

    def check(self) -> str:
        with self._cond:
            return f"in-process ok, {len(self._heap)} queued, {self._running} running"

    def depth(self) -> int:
        with self._cond:
            return len(self._heap)

    def _work(self) -> None:
        while True:
            with self._cond:
                while True:
                    if self._closed:
                        return
                    if self._heap:
                        wait = self._heap[0][0] - time.monotonic()
                        if wait <= 0:
                            _, _, job, args = heapq.heappop(self._heap)
                            self._running += 1
                            break
                        self._cond.wait(wait)
                    else:
                        self._cond.wait()
            try:
                self._runner(job, args)
            except Exception:
                logger.exception("job %s%r failed", job, args)
            finally:
                with self._cond:
                    self._running -= 1
                    self._cond.notify_all()

    def drain(self, timeout: float = 10.0) -> bool:
        """Wait until nothing is queued or running (tests, shutdown). True when idle."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._heap or self._running:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(min(remaining, 0.05))
            return True

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        for thread in self._threads:
            thread.join(timeout=5)
