"""Shared fixtures: the app from its factory, the fake platform API, real Redis and PostgreSQL.

Redis and PostgreSQL tests run against the servers named by REDIS_URL and TEST_DATABASE_URL
(`.ci/run` sets both) and skip, saying why, where those are unset or unreachable.
"""
from __future__ import annotations

import itertools
import json
import os
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from tests.fakes.platform_api import FakePlatformAPI
from tests.fakes.signing import meta_signature, twilio_signature, x_signature

PUBLIC_URL = "https://shop.example"
TWILIO_ENV = {
    "TWILIO_ACCOUNT_SID": "AC" + "0123456789abcdef" * 2,
    "TWILIO_AUTH_TOKEN": "twilio-test-auth-token",
    "TWILIO_WHATSAPP_FROM": "whatsapp:+14155238886",
}
TELEGRAM_ENV = {"TELEGRAM_BOT_TOKEN": "123456:TEST-token", "TELEGRAM_WEBHOOK_SECRET": "tg-test-secret"}
META_ENV = {
    "META_APP_SECRET": "meta-app-secret-test",
    "META_VERIFY_TOKEN": "meta-verify-token-test",
    "WHATSAPP_PHONE_NUMBER_ID": "106540352242922",
    "WHATSAPP_ACCESS_TOKEN": "wa-test-token",
    "INSTAGRAM_ACCOUNT_ID": "17841400000000001",
    "INSTAGRAM_ACCESS_TOKEN": "ig-test-token",
    "FACEBOOK_PAGE_ID": "104000000000001",
    "FACEBOOK_PAGE_ACCESS_TOKEN": "page-test-token",
}
X_ENV = {
    "X_CONSUMER_KEY": "x-consumer-key",
    "X_CONSUMER_SECRET": "x-consumer-secret-test",
    "X_ACCESS_TOKEN": "x-access-token",
    "X_ACCESS_TOKEN_SECRET": "x-access-token-secret",
    "X_USER_ID": "1500000000000000001",
}
FIXTURES = Path(__file__).parent / "fixtures"
WIB = timezone(timedelta(hours=7))
_ids = itertools.count(1)


@pytest.fixture
def fake_api() -> Iterator[FakePlatformAPI]:
    with FakePlatformAPI() as api:
        yield api


def platform_env(api: FakePlatformAPI) -> dict[str, str]:
    return {**TWILIO_ENV, **TELEGRAM_ENV, **META_ENV, **X_ENV, "TWILIO_API_BASE": api.base_url,
            "TELEGRAM_API_BASE": api.base_url, "GRAPH_API_BASE": api.base_url, "X_API_BASE": api.base_url}


@pytest.fixture
def make_app(tmp_path: Path, fake_api: FakePlatformAPI) -> Iterator[Callable[..., Flask]]:
    """Build apps with test settings; each keyword overrides a Settings field."""
    apps: list[Flask] = []

    def factory(**overrides: Any) -> Flask:
        config: dict[str, Any] = {
            "TESTING": True,
            "database_url": f"sqlite:///{tmp_path}/inbox.sqlite3",
            "redis_url": None,
            "public_url": PUBLIC_URL,
            "secret_key": "test-secret",
            "platform_env": platform_env(fake_api),
            "reply_debounce_seconds": 0.0,
            "sandbox": False,  # every channel on the test credentials above; the sandbox's own tests turn it on
            "send_backoff_seconds": (0.0,),
            "sweep_grace_seconds": 0.0,
        }
        config.update(overrides)
        app = create_app(config)
        # Decisions depend on the shop's hours: run every test inside them, whenever it runs.
        app.extensions["inbox"].pipeline.now = business_hours_clock()
        apps.append(app)
        return app

    yield factory
    for app in apps:
        app.extensions["inbox"].close()


def business_hours_clock() -> Callable[[], datetime]:
    """The real clock moved to the next Monday 10:00 WIB (still ticking, so debounce works)."""
    real = datetime.now(timezone.utc)
    wib = real.astimezone(WIB)
    days_ahead = (7 - wib.weekday()) % 7 or 7
    target = (wib + timedelta(days=days_ahead)).replace(hour=10, minute=0, second=0, microsecond=0)
    offset = target - wib
    return lambda: datetime.now(timezone.utc) + offset


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A clean schema in the PostgreSQL database TEST_DATABASE_URL names."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("TEST_DATABASE_URL is not set (CI sets it to the local PostgreSQL)")
    import psycopg

    schema = "inbox_test"
    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=3) as connection:
            connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            connection.execute(f"CREATE SCHEMA {schema}")
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL at TEST_DATABASE_URL is unreachable: {exc}")
    separator = "&" if "?" in url else "?"
    yield f"{url}{separator}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test using this runs on SQLite and again on PostgreSQL (skipped where there is none)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/inbox.sqlite3"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def redis_url() -> Iterator[str]:
    """The Redis database REDIS_URL names, flushed before and after the test."""
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL is not set (CI sets it to the local Redis)")
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisConnectionError

    client = Redis.from_url(url, socket_connect_timeout=3)
    try:
        client.flushdb()
    except RedisConnectionError as exc:
        pytest.skip(f"Redis at REDIS_URL is unreachable: {exc}")
    yield url
    client.flushdb()
    client.close()


@contextmanager
def queue_loses_jobs(app: Flask) -> Iterator[None]:
    """Within the block, whatever is enqueued is dropped, as by a Redis flush or a dead worker."""
    queue = app.extensions["inbox"].queue
    original = queue.enqueue
    queue.enqueue = lambda *args, **kwargs: None
    try:
        yield
    finally:
        queue.enqueue = original


# -- signed webhooks -----------------------------------------------------------------------


def load_fixture(platform: str, name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / platform / f"{name}.json").read_text())


def twilio_message(text: str, *, sid: str | None = None, phone: str = "+6281234567890", name: str = "Budi") -> dict[str, str]:
    form = load_fixture("twilio", "message__text")
    sid = sid or f"SM{next(_ids):032x}"
    form.update(
        {
            "MessageSid": sid,
            "SmsMessageSid": sid,
            "SmsSid": sid,
            "Body": text,
            "From": f"whatsapp:{phone}",
            "WaId": phone.lstrip("+"),
            "ProfileName": name,
            "AccountSid": TWILIO_ENV["TWILIO_ACCOUNT_SID"],
            "To": TWILIO_ENV["TWILIO_WHATSAPP_FROM"],
        }
    )
    return form


def post_twilio(client: FlaskClient, form: Mapping[str, str], path: str = "/webhooks/twilio", *, token: str | None = None) -> Any:
    signature = twilio_signature(token or TWILIO_ENV["TWILIO_AUTH_TOKEN"], f"{PUBLIC_URL}{path}", form)
    return client.post(path, data=dict(form), headers={"X-Twilio-Signature": signature})


def telegram_update(text: str, *, update_id: int | None = None, chat_id: int = 111, first_name: str = "Sari") -> dict[str, Any]:
    update = load_fixture("telegram", "message__text")
    number = update_id or 500000 + next(_ids)
    update["update_id"] = number
    update["message"]["message_id"] = number
    update["message"]["text"] = text
    update["message"]["chat"]["id"] = chat_id
    update["message"]["from"]["id"] = chat_id
    update["message"]["from"]["first_name"] = first_name
    return update


def post_telegram(client: FlaskClient, update: Mapping[str, Any], *, secret: str | None = None) -> Any:
    return client.post(
        "/webhooks/telegram",
        data=json.dumps(update),
        content_type="application/json",
        headers={"X-Telegram-Bot-Api-Secret-Token": secret or TELEGRAM_ENV["TELEGRAM_WEBHOOK_SECRET"]},
    )


def post_meta(client: FlaskClient, name: str, payload: Any, *, secret: str | None = None) -> Any:
    """POST a Meta webhook body to /webhooks/<name> (whatsapp, instagram, facebook), signed."""
    body = json.dumps(payload).encode()
    signature = meta_signature(secret or META_ENV["META_APP_SECRET"], body)
    return client.post(f"/webhooks/{name}", data=body, content_type="application/json",
                       headers={"X-Hub-Signature-256": signature})


def post_x(client: FlaskClient, payload: Any, *, secret: str | None = None) -> Any:
    body = json.dumps(payload).encode()
    signature = x_signature(secret or X_ENV["X_CONSUMER_SECRET"], body)
    return client.post("/webhooks/x", data=body, content_type="application/json",
                       headers={"x-twitter-webhooks-signature": signature})
