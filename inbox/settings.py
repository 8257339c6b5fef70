"""Every setting the product reads, with its default, in one place.

Only `app.py`/`worker.py` call `load_settings(os.environ)`; everything else gets values passed in.
"""
from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Mapping

from inbox.errors import ConfigError

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


@dataclass(frozen=True)
class Settings:
    database_url: str = f"sqlite:///{INSTANCE_DIR / 'inbox.sqlite3'}"
    """SQLAlchemy URL. SQLite under instance/ by default; PostgreSQL in production."""

    redis_url: str | None = None
    """RQ's Redis. Unset: jobs run on an in-process queue with worker threads."""

    public_url: str | None = None
    """Public base URL (scheme://host[:port]) the platforms call, for signatures behind a proxy."""

    secret_key: str = ""
    """Signs agents' session cookies. Unset: a random key kept in instance/secret_key, so every
    process on this machine signs alike (set SECRET_KEY when processes run on several machines)."""

    reply_debounce_seconds: float = 0.8
    """Quiet time after a customer's message before the bot answers, so a burst gets one answer."""

    send_max_attempts: int = 4
    """Tries for one outbound message before it goes to the agents as failed."""

    send_backoff_seconds: tuple[float, ...] = (2.0, 10.0, 30.0)
    """Wait before retry N (the last value repeats); a platform's retry hint wins when given."""

    sweep_interval_seconds: float = 60.0
    """How often stored work with no outcome is re-enqueued (also once at start-up)."""

    sweep_grace_seconds: float = 30.0
    """Age after which a message with no outcome counts as lost by the queue."""

    stale_send_seconds: float = 120.0
    """A send claimed this long ago with no answer is marked unknown and handed to agents."""

    in_process_workers: int = 4
    """Worker threads for the in-process queue (no Redis)."""

    max_body_bytes: int = 1024 * 1024
    """Largest webhook or form body accepted; larger gets 413."""

    brand_pack: str | None = None
    """Path to the brand voice pack YAML; unset: the shipped Indonesian default."""

    session_idle_seconds: float = 12 * 3600
    """An agent's session ends after this long without a request."""

    stuck_after_seconds: float = 120.0
    """/healthz answers 503 when an inbound message has waited this long for the bot."""

    response_target_seconds: float = 60.0
    """The shop's target for answering a customer: queue timers turn red and the stats count
    answers within it against it."""

    metrics_token: str | None = None
    """Bearer token /metrics asks for; unset: /metrics is open (serve it on a private network)."""

    admin_email: str | None = None
    admin_password: str | None = None
    """First admin, created at start-up when no agent exists yet."""

    rating_channels: tuple[str, ...] = ("whatsapp_twilio", "whatsapp_cloud", "webchat")
    """Platforms whose customers are asked for a 1-5 rating when a conversation is resolved."""

    live_streams: int = 4
    """Live-update streams one web process serves at once (INBOX_LIVE_STREAMS); more poll instead."""

    orders_webhook_secret: str | None = None
    """Signs a shop system's POST /api/orders (X-Inbox-Signature: sha256=HMAC of the body)."""

    sandbox: bool = False
    """The try-it-yourself page and fake platform API (INBOX_SANDBOX; default on for embedded defaults)."""

    sandbox_api_port: int = 8975
    """Where the sandbox's fake platform API listens (INBOX_SANDBOX_API_PORT), on 127.0.0.1."""

    platform_env: Mapping[str, str | None] = field(default_factory=dict)
    """The platforms' credentials and API bases (`PLATFORM_KEYS`), handed to connectors."""


PLATFORM_KEYS = (
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
    "TWILIO_WHATSAPP_FROM",
    "TWILIO_API_BASE",
    "TWILIO_STATUS_CALLBACK_URL",
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_WEBHOOK_SECRET",
    "TELEGRAM_API_BASE",
    "META_APP_SECRET",
    "META_VERIFY_TOKEN",
    "GRAPH_API_BASE",
    "GRAPH_API_VERSION",
    "WHATSAPP_PHONE_NUMBER_ID",
    "WHATSAPP_ACCESS_TOKEN",
    "INSTAGRAM_ACCOUNT_ID",
    "INSTAGRAM_ACCESS_TOKEN",
    "FACEBOOK_PAGE_ID",
    "FACEBOOK_PAGE_ACCESS_TOKEN",
    "X_CONSUMER_KEY",
    "X_CONSUMER_SECRET",
    "X_ACCESS_TOKEN",
    "X_ACCESS_TOKEN_SECRET",
    "X_USER_ID",
    "X_API_BASE",
    "WEBCHAT_SECRET",
    "WEBCHAT_ALLOWED_ORIGINS",
)


def _float(env: Mapping[str, str], key: str, default: float) -> float:
    raw = env.get(key)
    if raw in (None, ""):
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ConfigError(f"{key} must be a number, got {raw!r}") from exc
    if value < 0:
        raise ConfigError(f"{key} must not be negative")
    return value


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the usual way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def local_secret_key(path: Path = INSTANCE_DIR / "secret_key") -> str:
    """A key made once and shared by this machine's processes (gunicorn workers, worker.py).

    A key per process would make a session cookie signed by one gunicorn worker invalid at the
    next, logging agents out at random. Created with O_EXCL so racing processes agree.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # another process may be writing it this instant
            key = path.read_text().strip()
            if key:
                return key
            time.sleep(0.01)
        raise ConfigError(f"{path} is empty; delete it or set SECRET_KEY") from None
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def public_status_callback(env: Mapping[str, str], public_url: str | None) -> str | None:
    """Twilio reports delivery to this URL; by default our own status webhook, when we know our URL."""
    explicit = env.get("TWILIO_STATUS_CALLBACK_URL")
    if explicit:
        return explicit
    return f"{public_url}/webhooks/twilio/status" if public_url else None


def _sandbox_on(env: Mapping[str, str]) -> bool:
    """INBOX_SANDBOX=1/0 decides; unset, it is on for the embedded defaults (no Redis, SQLite) only."""
    raw = (env.get("INBOX_SANDBOX") or "").strip().lower()
    if raw:
        if raw not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
            raise ConfigError(f"INBOX_SANDBOX must be 1 or 0, got {raw!r}")
        return raw in ("1", "true", "yes", "on")
    database = env.get("DATABASE_URL") or ""
    return not env.get("REDIS_URL") and (not database or database.startswith("sqlite"))


def load_settings(env: Mapping[str, str]) -> Settings:
    defaults = Settings()
    backoff_raw = env.get("INBOX_SEND_BACKOFF")
    backoff = defaults.send_backoff_seconds
    if backoff_raw:
        try:
            backoff = tuple(float(part) for part in backoff_raw.split(","))
        except ValueError as exc:
            raise ConfigError("INBOX_SEND_BACKOFF must be comma-separated seconds, e.g. 2,10,30") from exc
    public_url = (env.get("PUBLIC_URL") or "").rstrip("/") or None
    return Settings(
        database_url=normalise_database_url(env.get("DATABASE_URL") or defaults.database_url),
        redis_url=env.get("REDIS_URL") or None,
        public_url=public_url,
        secret_key=env.get("SECRET_KEY") or "",
        reply_debounce_seconds=_float(env, "INBOX_REPLY_DEBOUNCE", defaults.reply_debounce_seconds),
        send_max_attempts=max(1, int(_float(env, "INBOX_SEND_MAX_ATTEMPTS", defaults.send_max_attempts))),
        send_backoff_seconds=backoff,
        sweep_interval_seconds=_float(env, "INBOX_SWEEP_INTERVAL", defaults.sweep_interval_seconds),
        sweep_grace_seconds=_float(env, "INBOX_SWEEP_GRACE", defaults.sweep_grace_seconds),
        stale_send_seconds=_float(env, "INBOX_STALE_SEND", defaults.stale_send_seconds),
        in_process_workers=max(1, int(_float(env, "INBOX_WORKER_THREADS", defaults.in_process_workers))),
        max_body_bytes=int(_float(env, "INBOX_MAX_BODY_BYTES", defaults.max_body_bytes)),
        brand_pack=env.get("INBOX_BRAND_PACK") or None,
        session_idle_seconds=_float(env, "INBOX_SESSION_IDLE_HOURS", defaults.session_idle_seconds / 3600) * 3600,
        stuck_after_seconds=_float(env, "INBOX_STUCK_AFTER", defaults.stuck_after_seconds),
        response_target_seconds=_float(env, "INBOX_RESPONSE_TARGET_SECONDS", defaults.response_target_seconds),
        metrics_token=env.get("INBOX_METRICS_TOKEN") or None,
        admin_email=env.get("INBOX_ADMIN_EMAIL") or None,
        admin_password=env.get("INBOX_ADMIN_PASSWORD") or None,
        orders_webhook_secret=env.get("ORDERS_WEBHOOK_SECRET") or None,
        rating_channels=tuple(p.strip() for p in env["INBOX_RATING_CHANNELS"].split(",") if p.strip())
        if "INBOX_RATING_CHANNELS" in env else defaults.rating_channels,
        live_streams=max(0, int(_float(env, "INBOX_LIVE_STREAMS", defaults.live_streams))),
        sandbox=_sandbox_on(env),
        sandbox_api_port=int(_float(env, "INBOX_SANDBOX_API_PORT", defaults.sandbox_api_port)),
        platform_env={
            **{key: env.get(key) for key in PLATFORM_KEYS},
            "TWILIO_STATUS_CALLBACK_URL": public_status_callback(env, public_url),
        },
    )


def with_overrides(settings: Settings, overrides: Mapping[str, object]) -> Settings:
    """A copy with some fields replaced (tests, the app factory's test_config)."""
    names = {f.name for f in fields(Settings)}
    unknown = set(overrides) - names
    if unknown:
        raise ConfigError(f"unknown settings: {', '.join(sorted(unknown))}")
    values = {name: getattr(settings, name) for name in names}
    values.update(overrides)
    if isinstance(values["database_url"], str):
        values["database_url"] = normalise_database_url(values["database_url"])
    return Settings(**values)  # type: ignore[arg-type]
