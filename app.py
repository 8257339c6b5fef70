"""The web application: webhooks, the agents' pages, the JSON API and /healthz.

Production: `gunicorn 'app:create_app()'`. Development: `make run`.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any, Mapping

from flask import Flask

from inbox.services import Services, build_services
from inbox.settings import load_settings, local_secret_key, with_overrides

logger = logging.getLogger("inbox")


def configure_logging() -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=os.environ.get("LOG_LEVEL", "INFO"),
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
    # Libraries that log request details (headers, URLs) at INFO: keep them to warnings.
    for noisy in ("alembic", "twilio.http_client", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. `test_config` overrides settings fields (see inbox.settings.Settings).

    No side effects beyond migrating the schema (safe from many processes at once): serving
    entry points call `start_up` (gunicorn through gunicorn.conf.py, `python app.py`).
    """
    configure_logging()
    settings = load_settings(os.environ)
    overrides = dict(test_config or {})
    testing = bool(overrides.pop("TESTING", False))
    if overrides:
        settings = with_overrides(settings, overrides)

    app = Flask(__name__, template_folder="inbox/web/templates", static_folder="inbox/web/static")
    app.config.update(
        TESTING=testing,
        SECRET_KEY=settings.secret_key or local_secret_key(),
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        MAX_FORM_MEMORY_SIZE=settings.max_body_bytes,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(settings.public_url and settings.public_url.startswith("https://")),
    )
    services = build_services(settings)
    app.extensions["inbox"] = services
    services.db.upgrade()

    from inbox.web import register_web

    register_web(app)
    return app


def start_up(services: Services, *, role: str = "web") -> None:
    """What a serving process does once: the first admin, the in-process sweeper, the start lines."""
    from inbox.web.cli import ensure_admin

    ensure_admin(services)
    logger.info("queue: %s", services.queue.description)
    if role == "web" and not services.settings.redis_url:
        # No separate worker process: this process sweeps, at start and then periodically.
        _start_sweeper(services)
    if role != "web":
        return
    base = services.settings.public_url or f"http://127.0.0.1:{os.environ.get('PORT', '5000')}"
    logger.info("agents' page: %s/", base)
    if services.settings.sandbox:
        _start_sandbox_api(services)
        logger.info("sandbox (write as a customer on any channel): %s/sandbox", base)
    for name in services.connectors:
        logger.info("webhook %s: %s/webhooks/%s", name, base, name)
    for name, reason in services.disabled.items():
        logger.info("webhook %s: %s", name, reason)
    logger.info(
        "first login: set INBOX_ADMIN_EMAIL and INBOX_ADMIN_PASSWORD before start, "
        "or run: flask --app app agents create EMAIL --admin"
    )


def _start_sandbox_api(services: Services) -> None:
    """The fake platform API the sandbox's channels send to, in this process (one web process binds it)."""
    from inbox.sandbox.platform_api import FakePlatformAPI, log_call

    port = services.settings.sandbox_api_port
    try:
        FakePlatformAPI("127.0.0.1", port, on_call=log_call).start()
    except OSError as exc:
        logger.warning("sandbox: fake platform API not started on 127.0.0.1:%d (%s); another process may serve it",
                       port, exc.strerror or exc)
        return
    logger.info("sandbox: fake platform API on http://127.0.0.1:%d (channels: %s)", port,
                ", ".join(sorted(services.sandbox_channels)) or "none")


def _start_sweeper(services: Services) -> None:
    def loop() -> None:
        while True:
            try:
                services.queue.enqueue("sweep")
            except Exception:
                logger.exception("could not enqueue the sweep; trying again next interval")
            time.sleep(services.settings.sweep_interval_seconds or 60)

    threading.Thread(target=loop, name="inbox-sweeper", daemon=True).start()


if __name__ == "__main__":
    application = create_app()
    start_up(application.extensions["inbox"])
    application.run(host="127.0.0.1", port=int(os.environ.get("PORT", "5000")), threaded=True)
