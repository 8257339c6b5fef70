"""gunicorn reads this file from the working directory: `gunicorn 'app:create_app()'`.

Each worker process builds the app, then starts what serving needs once (the first admin and,
without Redis, the in-process sweeper): creating the app has no side effects of its own.
"""
from __future__ import annotations

from typing import Any


def post_worker_init(worker: Any) -> None:
    from app import start_up

    start_up(worker.wsgi.extensions["inbox"])
