"""Cost per message on the production layout, each figure beside a baseline from the same run.

    .venv/bin/python bench/production.py [--seconds 10] [--connections 8] [--skip-wrk] [--paced] [--logs DIR]

The layout README's "Production" describes: gunicorn (gunicorn.conf.py, 2 workers x 8 threads),
`python worker.py` processes, Redis (a redis-server of the bench's own) and PostgreSQL (a schema
of its own in the database --database-url or TEST_DATABASE_URL names, dropped at the end), with
Twilio faked at the HTTP level (inbox/sandbox/platform_api.py) in a process of its own.

1. Ingest: `wrk` (Debian package `wrk`; without it this part is skipped, saying so) posts
   distinct pre-signed Twilio webhooks for --seconds while no worker runs, so the jobs wait in
   Redis. Baseline: a bare Flask route reading the same form under the same gunicorn settings,
   hit by the same wrk script. Every acknowledged webhook must be stored. A second baseline,
   bench/minimal.py's route, is the least a webhook can do here (signature, one INSERT and its
   commit, one ZADD): how far the goal is reachable at all.
2. Worker: one worker.py answers that backlog (a send to the fake per message): answers a second.
   Baseline: as many empty RQ jobs run by worker.py's worker class (RQ's SimpleWorker, JSON
   serializer) on the same Redis, `rq worker --burst`: jobs a second. Second baseline: the least
   a job can do (bench/minimal.py: decide in one transaction, send through the same connector,
   mark it sent).
3. Latency: webhooks at a steady 30/s with 2 worker.py, then 100/s with 4, --seconds each:
   webhook sent -> its answer arriving at the fake (p50, p99), and whether the backlog grows.

Outbound pacing is off unless --paced (as in bench/webhooks.py): with it every send keeps to
Twilio's 10 messages/s per sender, and that rate is all the worker and latency figures would show
(bench/pacing.py measures pacing). The workers are then worker.py's own main() with the
connectors' rates removed (bench/pacing.py --serve-worker).
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import psycopg  # noqa: E402
from flask import Flask, request  # noqa: E402
from redis import Redis  # noqa: E402
from rq import Queue  # noqa: E402
from rq.job import Job  # noqa: E402
from rq.registry import FailedJobRegistry, FinishedJobRegistry, StartedJobRegistry  # noqa: E402
from rq.serializers import JSONSerializer  # noqa: E402

from bench import minimal  # noqa: E402
from bench.fake_api_process import FakeAPIProcess  # noqa: E402
from bench.webhooks import signed_posts  # noqa: E402
from inbox.queue import DELAYED_KEY, QUEUE_NAME, RedisJobQueue  # noqa: E402
from inbox.web.health import live_workers  # noqa: E402
from tests.conftest import PUBLIC_URL, platform_env  # noqa: E402
from tests.test_outages import OwnRedis  # noqa: E402

VENV_BIN = Path(sys.executable).parent
SCHEMA = "bench_production"
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/test"
EMPTY_QUEUE = "bench-empty"
WORKER_CLASS = "rq.worker.SimpleWorker"  # what worker.py runs, with RQ's JSON serializer
EMPTY_JOB = "bench.production.empty_job"  # as the baseline's worker imports it (-P the project root)
MINIMAL_QUEUE, MINIMAL_JOB = "bench-minimal", "bench.minimal.minimal_job"
INGEST_GOAL, WORKER_GOAL, P99_GOAL_MS = 0.40, 0.50, 250.0
WEBHOOK_PATH = "/webhooks/twilio"
Post = tuple[dict[str, str], dict[str, str]]  # (form, headers), as bench/webhooks.py signs them


# -- what the baselines run ------------------------------------------------------------------


def bare_app() -> Flask:
    """The ingest baseline, served by gunicorn: the framework floor, as in bench/webhooks.py."""
    app = Flask("baseline")

    @app.post(WEBHOOK_PATH)
    def bare() -> str:
        _ = request.form.to_dict()
        return "<Response/>"

    return app


def empty_job() -> None:
    """The worker baseline's job: RQ's own cost per job, nothing of ours."""


# -- the fake platform, in a process of its own ----------------------------------------------


# -- the layout's pieces ---------------------------------------------------------------------


@contextmanager
def own_schema(base_url: str) -> Iterator[str]:
    """A schema of the bench's own, dropped at the end; the URL points the app at it (search_path)."""
    with psycopg.connect(base_url, autocommit=True) as connection:
        connection.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        connection.execute(f"CREATE SCHEMA {SCHEMA}")
    try:
        separator = "&" if "?" in base_url else "?"
        yield f"{base_url}{separator}options={quote(f'-csearch_path={SCHEMA}')}"
    finally:
        with psycopg.connect(base_url, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Processes:
    """Every process the bench starts, each logging to a file; `stop_all` ends them (SIGTERM, then SIGKILL)."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env, self.logs = env, logs
        self.running: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        with open(self.logs / f"{name}.log", "ab") as log:
            process = subprocess.Popen(argv, cwd=ROOT, env=env or self.env, stdout=log, stderr=subprocess.STDOUT)
        self.running[name] = process
        return process

    def stop(self, name: str) -> None:
        process = self.running.pop(name)
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def stop_all(self) -> None:
        for name in list(self.running):
            self.stop(name)

    def log_tail(self, name: str, lines: int = 15) -> str:
        path = self.logs / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


def layout_env(database_url: str, redis_url: str, fake: FakeAPIProcess) -> dict[str, str]:
    """README's production settings, Twilio pointed at the fake (and only Twilio: the bench's channel)."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "TELEGRAM_", "META_", "INBOX_", "X_"))}
    twilio = {k: v for k, v in platform_env(fake).items() if k.startswith("TWILIO_")}  # type: ignore[arg-type]
    return {**inherited, **twilio, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "PUBLIC_URL": PUBLIC_URL,
            "SECRET_KEY": "bench-production", "INBOX_REPLY_DEBOUNCE": "0", "INBOX_SANDBOX": "0", "LOG_LEVEL": "WARNING"}


def gunicorn_argv(config: Path, port: int, app: str) -> list[str]:
    # The control socket is off so the bench never takes over another gunicorn's (one path per user).
    return [str(VENV_BIN / "gunicorn"), "-c", str(config), "-w", "2", "--threads", "8", "--no-control-socket",
            "--bind", f"127.0.0.1:{port}", app]


def start_web(processes: Processes, name: str, config: Path, app: str) -> str:
    """gunicorn serving `app`; returns its base URL once it answers."""
    port = free_port()
    process = processes.start(name, gunicorn_argv(config, port, app))
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited:\n{processes.log_tail(name)}")
        try:
            httpx.get(base + "/healthz", timeout=2)  # any answer will do: the bare app has no such page
            time.sleep(1)  # the second gunicorn worker comes up alongside the first
            return base
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{name} did not answer within 60 s:\n{processes.log_tail(name)}")


def migrate(env: dict[str, str]) -> None:
    """README's first production step (gunicorn would also do it at start, under a lock)."""
    done = subprocess.run([str(VENV_BIN / "flask"), "--app", "app", "db", "upgrade"], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"flask db upgrade failed:\n{done.stdout}{done.stderr}")


def worker_command(paced: bool, env: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    if paced:
        return [sys.executable, "worker.py"], env
    # worker.main() with every connector's rates removed
    return [sys.executable, "bench/pacing.py", "--serve-worker"], {**env, "INBOX_BENCH_ACCOUNT_RATE": "off"}


def start_workers(processes: Processes, queue: RedisJobQueue, total: int, paced: bool) -> None:
    """Worker processes up to `total`, returning once each says it is alive (as /healthz counts them)."""
    argv, env = worker_command(paced, processes.env)
    while (started := sum(name.startswith("worker-") for name in processes.running)) < total:
        processes.start(f"worker-{started + 1}", argv, env)
    if not wait_until(lambda: live_workers(queue) >= total, timeout=60):
        raise RuntimeError(f"only {live_workers(queue)} of {total} workers came up")


def wait_until(predicate: Callable[[], bool], timeout: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


# -- 1. ingest -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WrkResult:
    requests: int
    per_second: float
    failed: int  # non-2xx answers and socket errors


def write_wrk_script(posts: list[Post], directory: Path) -> Path:
    """A wrk script sending each signed body once, in turn (bodies in a file: LuaJIT caps a chunk's constants)."""
    data = directory / "webhooks.tsv"
    data.write_text("".join(f"{headers['X-Twilio-Signature']}\t{urlencode(form)}\n" for form, headers in posts))
    script = directory / "webhooks.lua"
    script.write_text(f"""-- written by bench/production.py: signed Twilio webhooks, each sent once, in turn
local signatures, bodies = {{}}, {{}}
for line in io.lines("{data}") do
  local signature, body = line:match("^([^\\t]*)\\t(.*)$")
  signatures[#signatures + 1], bodies[#bodies + 1] = signature, body
end
local n = 0
request = function()
  n = n % #bodies + 1
  local headers = {{["Content-Type"] = "application/x-www-form-urlencoded", ["X-Twilio-Signature"] = signatures[n]}}
  return wrk.format("POST", nil, headers, bodies[n])
end
""")
    return script


def run_wrk(script: Path, url: str, seconds: float, connections: int) -> WrkResult:
    # One wrk thread: the machine has 2 cores and the server under test needs them.
    done = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "-s", str(script), url],
                          capture_output=True, text=True)
    if done.returncode != 0:  # say why (wrk's own words), not only that it failed
        raise RuntimeError(f"wrk against {url} exited {done.returncode}: {(done.stderr or done.stdout).strip()[:500]}")
    out = done.stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    per_second = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    failed = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    failed += sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    return WrkResult(requests, per_second, failed)


def stored_inbound(database_url: str) -> int:
    with psycopg.connect(database_url) as connection:
        return int(connection.execute("SELECT count(*) FROM messages WHERE direction = 'in'").fetchone()[0])  # type: ignore[index]


def bench_ingest(processes: Processes, tmp: Path, database_url: str, args: argparse.Namespace) -> str:
    """wrk against the bare app, then the real one (left running); returns the real app's base URL."""
    posts = signed_posts(args.bodies or int(args.seconds * 1500), "91")
    script = write_wrk_script(posts, tmp)
    bare_config = tmp / "bare.conf.py"
    bare_config.write_text("# the baseline's: gunicorn.conf.py's hook needs the inbox app\n")
    base = start_web(processes, "bare", bare_config, "bench.production:bare_app()")
    bare = run_wrk(script, base + WEBHOOK_PATH, args.seconds, args.connections)
    processes.stop("bare")
    base = start_web(processes, "minimal", bare_config, "bench.minimal:minimal_app()")
    least = run_wrk(script, base + WEBHOOK_PATH, args.seconds, args.connections)
    processes.stop("minimal")

    base = start_web(processes, "web", ROOT / "gunicorn.conf.py", "app:create_app()")
    ours = run_wrk(script, base + WEBHOOK_PATH, args.seconds, args.connections)
    time.sleep(1)  # requests still in flight when wrk stopped counting
    stored = stored_inbound(database_url)
    ratio = ours.per_second / bare.per_second
    print(f"ingest, wrk {args.connections} connections x {args.seconds:g} s, no worker running:")
    print(f"  app {ours.per_second:7.0f} webhooks/s   bare Flask {bare.per_second:7.0f}/s   ratio {ratio:.2f}"
          f"  (goal >= {INGEST_GOAL:.2f}: {verdict(ratio >= INGEST_GOAL)})")
    print(f"  the least a webhook does (signature, one INSERT and its commit, one ZADD; bench/minimal.py)"
          f" {least.per_second:.0f}/s: ratio {least.per_second / bare.per_second:.2f} of bare, the app is"
          f" {ours.per_second / least.per_second:.2f} of it")
    if ours.failed:
        print(f"  {ours.failed} requests failed (non-2xx or socket errors); {stored} stored")
    else:
        # wrk counts the answers it read; the requests in flight when it stopped are stored too.
        acknowledged = min(ours.requests, len(posts))
        lost = acknowledged - stored
        print(f"  {stored} stored, {acknowledged} acknowledged while wrk counted: "
              + ("nothing lost" if lost <= 0 else f"{lost} LOST"))
    if ours.requests > len(posts):
        print(f"  ({ours.requests - len(posts)} bodies sent twice, deduplicated: raise --bodies)")
    return base


def post_backlog(base: str, count: int) -> None:
    """Without wrk, the worker's backlog comes from plain posts."""
    with httpx.Client(timeout=30) as client, ThreadPoolExecutor(8) as pool:

        def post(signed: Post) -> int:
            return client.post(base + WEBHOOK_PATH, data=signed[0], headers=signed[1]).status_code

        refused = sum(status != 200 for status in pool.map(post, signed_posts(count, "90")))
    if refused:
        raise RuntimeError(f"backlog: {refused} webhooks refused")


# -- 2. one worker against empty jobs --------------------------------------------------------


def steady_rate(times: list[float]) -> float:
    """Completions a second from the first to the last: without the worker's start-up or its
    first import, the same for both runs."""
    span = max(times) - min(times) if len(times) > 1 else 0.0
    return (len(times) - 1) / span if span else float("nan")


def finished_jobs(redis: Redis, queue_name: str) -> list[Job]:
    ids = FinishedJobRegistry(queue_name, connection=redis).get_job_ids()
    return [job for job in Job.fetch_many(ids, connection=redis, serializer=JSONSerializer) if job is not None]


def queue_settled(redis: Redis, queue_name: str) -> bool:
    due = redis.zcard(DELAYED_KEY) if queue_name == QUEUE_NAME else 0  # the app's jobs wait there first
    return due == 0 and Queue(queue_name, connection=redis).count == 0 \
        and StartedJobRegistry(queue_name, connection=redis).count == 0


def burst_worker_argv(redis_url: str, queue_name: str) -> list[str]:
    """`rq worker --burst` with worker.py's worker class and serializer, importing from the project."""
    return [str(VENV_BIN / "rq"), "worker", "--burst", "-w", WORKER_CLASS, "-S", "rq.serializers.JSONSerializer",
            "-u", redis_url, "-P", str(ROOT), "--logging_level", "WARNING", queue_name]


def empty_jobs_rate(processes: Processes, redis: Redis, redis_url: str, count: int) -> float:
    queue = Queue(EMPTY_QUEUE, connection=redis, serializer=JSONSerializer)
    for start in range(0, count, 1000):
        queue.enqueue_many([Queue.prepare_data(EMPTY_JOB, result_ttl=3600) for _ in range(start, min(count, start + 1000))])
    argv = burst_worker_argv(redis_url, EMPTY_QUEUE)
    processes.start("rq-empty", argv).wait(timeout=600)
    processes.stop("rq-empty")
    ends = [job.ended_at.timestamp() for job in finished_jobs(redis, EMPTY_QUEUE) if job.ended_at]
    if len(ends) != count:
        raise RuntimeError(f"empty jobs: {len(ends)} of {count} finished:\n{processes.log_tail('rq-empty')}")
    return steady_rate(ends)


def minimal_jobs_rate(processes: Processes, fake: FakeAPIProcess, redis: Redis, redis_url: str, database_url: str,
                      count: int) -> float:
    """bench/minimal.py's job over `count` stored messages, one worker: answers a second at the fake."""
    ids = minimal.store_inbound_rows(database_url, count)
    queue = Queue(MINIMAL_QUEUE, connection=redis, serializer=JSONSerializer)
    for start in range(0, len(ids), 1000):
        queue.enqueue_many([Queue.prepare_data(MINIMAL_JOB, (i,), result_ttl=3600) for i in ids[start:start + 1000]])
    seen = fake.count()
    argv = burst_worker_argv(redis_url, MINIMAL_QUEUE)
    processes.start("rq-minimal", argv).wait(timeout=600)
    processes.stop("rq-minimal")
    arrivals = [at for _, at in fake.sends()[seen:]]
    if len(arrivals) != len(ids):
        raise RuntimeError(f"minimal jobs: {len(arrivals)} of {len(ids)} sent:\n{processes.log_tail('rq-minimal')}")
    return steady_rate(arrivals)


def bench_worker(processes: Processes, fake: FakeAPIProcess, queue: RedisJobQueue, redis_url: str,
                 database_url: str, args: argparse.Namespace) -> None:
    backlog = stored_inbound(database_url)
    start_workers(processes, queue, 1, args.paced)
    answered = wait_until(lambda: fake.count() >= backlog and queue_settled(queue.redis, QUEUE_NAME),
                          timeout=args.drain_timeout, step=0.2)
    arrivals = [at for _, at in fake.sends()]
    per_second = steady_rate(arrivals)
    jobs = Counter(job.func_name.rpartition(".")[2] for job in finished_jobs(queue.redis, QUEUE_NAME))
    failed = FailedJobRegistry(QUEUE_NAME, connection=queue.redis).count
    empty_per_second = empty_jobs_rate(processes, queue.redis, redis_url, max(jobs.total(), 1000))
    least_per_second = minimal_jobs_rate(processes, fake, queue.redis, redis_url, database_url, min(backlog, 3000))
    ratio = per_second / empty_per_second
    print(f"worker, 1 worker.py answering a backlog of {backlog} stored webhooks:")
    print(f"  app {per_second:7.0f} answers/s   empty RQ jobs {empty_per_second:7.0f}/s   ratio {ratio:.2f}"
          f"  (goal >= {WORKER_GOAL:.2f}: {verdict(ratio >= WORKER_GOAL)})")
    print(f"  the least a job does (one transaction to decide, the send through the same connector, one"
          f" statement to mark it sent; bench/minimal.py) {least_per_second:.0f}/s: ratio"
          f" {least_per_second / empty_per_second:.2f} of empty jobs, the app is {per_second / least_per_second:.2f} of it")
    print(f"  {len(arrivals)} of {backlog} answered at the fake{'' if answered else ' (TIMED OUT)'}; jobs run: "
          + ", ".join(f"{name} {n}" for name, n in jobs.most_common()) + f", {failed} failed")
    # A message is one process_inbound (it decides and sends); the rest are worth saying where from.
    extra = jobs.total() - backlog
    if extra > 0:  # the sweep leaves work whose job still waits; pacing defers sends to their slot
        print(f"  {extra} jobs beyond one a message: " + ("sends waiting for their pacing slot, " if args.paced else "")
              + "sweeps re-enqueueing work whose job had already started")


# -- 3. latency at a steady rate -------------------------------------------------------------


@dataclass
class Depth:
    """What waits while customers write: sampled twice a second."""
    behind: list[int]  # webhooks sent, their answer not yet at the fake
    queued: list[int]  # jobs in Redis, delayed ones included


def post_at_rate(base: str, posts: list[Post], rate: float, sent_at: dict[str, float]) -> int:
    """Each webhook at its slot of a steady `rate` (a pool, so a slow answer delays no other);
    `sent_at` gets each one's send time by sender. Returns how many were refused."""
    refused = []
    with httpx.Client(timeout=30) as client, ThreadPoolExecutor(16) as pool:

        def post(form: dict[str, str], headers: dict[str, str]) -> None:
            sent_at[form["From"]] = time.monotonic()
            if client.post(base + WEBHOOK_PATH, data=form, headers=headers).status_code != 200:
                refused.append(form["From"])

        start = time.monotonic()
        for i, (form, headers) in enumerate(posts):
            pause = start + i / rate - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            pool.submit(post, form, headers)
    return len(refused)


def sample_depth(fake: FakeAPIProcess, queue: RedisJobQueue, sent_at: dict[str, float], stop: threading.Event) -> Depth:
    depth = Depth([], [])
    answered_before = fake.count()

    def loop() -> None:
        while not stop.wait(0.5):
            depth.behind.append(len(sent_at) - (fake.count() - answered_before))
            depth.queued.append(queue.depth())

    threading.Thread(target=loop, name="depth-sampler", daemon=True).start()
    return depth


def backlog_grows(depth: Depth, rate: float) -> bool:
    """More than a second of messages waiting by the end, and more than at the start: a steady
    state waits a handful at most whatever the run's length."""
    if len(depth.behind) < 3:
        return False
    third = len(depth.behind) // 3
    first, last = statistics.mean(depth.behind[:third]), statistics.mean(depth.behind[-third:])
    return last > rate and last > 2 * first


def wait_for_answers(fake: FakeAPIProcess, sent_at: dict[str, float], timeout: float) -> tuple[dict[str, float], bool]:
    """Each sender's answer's arrival at the fake (the senders are this phase's alone), and
    whether every one came within `timeout`."""
    answered_at: dict[str, float] = {}

    def all_answered() -> bool:
        answered_at.update((to, at) for to, at in fake.sends() if to in sent_at)
        return len(answered_at) >= len(sent_at)

    return answered_at, wait_until(all_answered, timeout, step=0.5)


def bench_latency(fake: FakeAPIProcess, queue: RedisJobQueue, base: str, rate: float, workers: int,
                  prefix: str, args: argparse.Namespace) -> None:
    posts = signed_posts(int(rate * args.seconds), prefix)
    sent_at: dict[str, float] = {}
    stop = threading.Event()
    depth = sample_depth(fake, queue, sent_at, stop)
    refused = post_at_rate(base, posts, rate, sent_at)
    stop.set()
    last_webhook = time.monotonic()
    answered_at, settled = wait_for_answers(fake, sent_at, args.drain_timeout)
    latencies = [(answered_at[sender] - sent_at[sender]) * 1000 for sender in answered_at]
    p99 = percentile(latencies, 0.99) if latencies else float("nan")
    print(f"latency, {rate:g} webhooks/s for {args.seconds:g} s, {workers} worker.py:")
    if latencies:
        print(f"  webhook to send at the fake: p50 {statistics.median(latencies):.0f} ms, p99 {p99:.0f} ms,"
              f" max {max(latencies):.0f} ms  (goal p99 <= {P99_GOAL_MS:.0f} ms: {verdict(p99 <= P99_GOAL_MS)})")
    if settled:
        drained = f"all answered {time.monotonic() - last_webhook:.1f} s after the last webhook"
    else:
        drained = f"{len(sent_at) - len(answered_at)} still unanswered after {args.drain_timeout:g} s"
    print(f"  backlog {'GROWS' if backlog_grows(depth, rate) else 'steady'}: answers behind max {max(depth.behind, default=0)},"
          f" at the end {depth.behind[-1] if depth.behind else 0}; queued jobs max {max(depth.queued, default=0)};"
          f" {drained}; {refused} webhooks refused")


# -- the run ---------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> None:
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-production-")))
        logs = Path(args.logs) if args.logs else tmp
        logs.mkdir(parents=True, exist_ok=True)
        redis_server = OwnRedis(tmp)
        redis_server.start()
        stack.callback(redis_server.stop)
        database_url = stack.enter_context(own_schema(args.database_url))
        fake = stack.enter_context(FakeAPIProcess())
        processes = Processes(layout_env(database_url, redis_server.url, fake), logs)
        stack.callback(processes.stop_all)
        queue = RedisJobQueue(redis_server.url)
        stack.callback(queue.redis.close)
        migrate(processes.env)

        pacing = "on (Twilio's 10/s per sender)" if args.paced else "off"
        print(f"production layout: gunicorn 2x8, PostgreSQL schema {SCHEMA}, a Redis of its own, fake Twilio"
              f" in its own process; debounce 0, outbound pacing {pacing}")
        # Everything here shares the machine's cores: another busy process skews every figure.
        print(f"load average before the run: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
        if args.skip_wrk or shutil.which("wrk") is None:
            print("ingest: skipped " + ("(--skip-wrk)" if args.skip_wrk else "(wrk is not installed: apt-get install wrk)"))
            base = start_web(processes, "web", ROOT / "gunicorn.conf.py", "app:create_app()")
            post_backlog(base, args.backlog)
        else:
            base = bench_ingest(processes, tmp, database_url, args)
        bench_worker(processes, fake, queue, redis_server.url, database_url, args)
        for rate, workers, prefix in ((args.rate, 2, "92"), (args.peak_rate, 4, "93")):
            start_workers(processes, queue, workers, args.paced)
            bench_latency(fake, queue, base, rate, workers, prefix, args)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each wrk run and of each latency phase")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--bodies", type=int, default=None, help="distinct signed webhooks for wrk (default 1500 a second)")
    parser.add_argument("--skip-wrk", action="store_true", help="no ingest figures; the worker's backlog comes from plain posts")
    parser.add_argument("--backlog", type=int, default=2000, help="the worker's backlog when the ingest part is skipped")
    parser.add_argument("--rate", type=float, default=30.0, help="webhooks a second with 2 workers")
    parser.add_argument("--peak-rate", type=float, default=100.0, help="webhooks a second with 4 workers")
    parser.add_argument("--paced", action="store_true", help="keep the connectors' send rates (Twilio: 10/s)")
    parser.add_argument("--drain-timeout", type=float, default=300.0, help="seconds to wait for every answer")
    parser.add_argument("--logs", default=None, help="keep each process's log in this folder (default: a temporary one)")
    parser.add_argument("--database-url", default=os.environ.get("TEST_DATABASE_URL", DEFAULT_DATABASE_URL),
                        help=f"PostgreSQL database for the schema {SCHEMA} (default TEST_DATABASE_URL or {DEFAULT_DATABASE_URL})")
    # A plain `kill` still stops everything the bench started (the exit runs the cleanup).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    run(parser.parse_args())
    return 0


if __name__ == "__main__":
    sys.exit(main())
