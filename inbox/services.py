"""The process's wired parts, built once by the app factory (web and worker alike)."""
from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass, field
from typing import Any

from connectors import build_connectors, by_platform
from connectors.base import Connector
from inbox.changes import LocalChanges, RedisChanges
from inbox.db import Database
from inbox.login_throttle import LoginThrottle
from inbox.pacing import LocalPacer, Pacer, RedisPacer
from inbox.pipeline import Pipeline
from inbox.queue import InProcessJobQueue, JobQueue, RedisJobQueue
from inbox.sandbox.credentials import with_sandbox_channels
from inbox.settings import Settings, local_secret_key
from inbox.shop_data import SqlShopData
from replies import ReplyEngine, load_brand_pack

logger = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    db: Database
    queue: JobQueue
    connectors: dict[str, Connector]  # by webhook name ("twilio", "telegram")
    disabled: dict[str, str]  # webhook name -> why it is off
    shop: SqlShopData
    engine: ReplyEngine
    pipeline: Pipeline
    login_throttle: LoginThrottle
    platform_env: dict[str, str | None] = field(default_factory=dict)  # what the connectors were built from
    sandbox_channels: set[str] = field(default_factory=set)  # connectors running on the sandbox's fake API
    changes: LocalChanges = field(default_factory=LocalChanges)  # "stored data changed", for live pages

    def close(self) -> None:
        if isinstance(self.changes, RedisChanges):
            self.changes.close()
        self.queue.close()
        self.db.dispose()


def sandbox_api_base(settings: Settings) -> str:
    return f"http://127.0.0.1:{settings.sandbox_api_port}"


def with_webchat_secret(settings: Settings) -> dict[str, str | None]:
    """The platforms' settings, with a web chat secret derived from the app's own key when unset,
    so the website chat works on embedded defaults (every process derives the same one)."""
    env = dict(settings.platform_env)
    if not env.get("WEBCHAT_SECRET"):
        key = settings.secret_key or local_secret_key()
        env["WEBCHAT_SECRET"] = hmac.new(key.encode(), b"webchat", hashlib.sha256).hexdigest()
    return env


def build_services(settings: Settings) -> Services:
    """Every part a process needs, web or worker alike; nothing here starts serving or sweeping."""
    db = Database(settings.database_url)
    built: list[Services] = []

    def run_job(name: str, args: tuple[Any, ...]) -> None:
        from inbox.jobs import JOBS

        JOBS[name](built[0], *args)

    queue: JobQueue
    if settings.redis_url:
        queue = RedisJobQueue(settings.redis_url)
    else:
        queue = InProcessJobQueue(run_job, threads=settings.in_process_workers)
    platform_env = with_webchat_secret(settings)
    sandbox_channels: set[str] = set()
    if settings.sandbox:
        platform_env, sandbox_channels = with_sandbox_channels(platform_env, sandbox_api_base(settings))
    connectors, disabled = build_connectors(platform_env)
    shop = SqlShopData(db)
    pack = load_brand_pack(settings.brand_pack) if settings.brand_pack else None
    engine = ReplyEngine(pack, shop) if pack else ReplyEngine.default(shop)
    pacer: Pacer = RedisPacer(queue.redis) if isinstance(queue, RedisJobQueue) else LocalPacer()
    pipeline = Pipeline(
        settings=settings,
        db=db,
        queue=queue,
        connectors=by_platform(connectors),
        engine=engine,
        pacer=pacer,
    )
    login_throttle = LoginThrottle(queue.redis if isinstance(queue, RedisJobQueue) else None)
    changes = RedisChanges(queue.redis) if isinstance(queue, RedisJobQueue) else LocalChanges()
    db.on_change = changes.publish
    services = Services(settings, db, queue, connectors, disabled, shop, engine, pipeline, login_throttle,
                        platform_env=platform_env, sandbox_channels=sandbox_channels, changes=changes)
    built.append(services)
    return services
