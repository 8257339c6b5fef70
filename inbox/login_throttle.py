"""Slows password guessing: after a few failed logins an e-mail address is locked for a while.

Counted in Redis when the app has it (shared by every web process), else in this process.
"""
from __future__ import annotations

import threading
import time
from typing import Any

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60
KEY_PREFIX = "inbox:login-failures:"


class LoginThrottle:
    def __init__(self, redis: Any | None = None) -> None:
        self._redis = redis
        self._local: dict[str, tuple[int, float]] = {}  # key -> (failures, window end)
        self._lock = threading.Lock()

    @staticmethod
    def _key(email: str) -> str:
        return KEY_PREFIX + email.strip().lower()[:255]

    def is_locked(self, email: str) -> bool:
        return self._failures(self._key(email)) >= MAX_FAILURES

    def record_failure(self, email: str) -> None:
        key = self._key(email)
        if self._redis is not None:
            with self._redis.pipeline() as pipe:
                pipe.incr(key)
                pipe.expire(key, WINDOW_SECONDS, nx=True)
                pipe.execute()
            return
        now = time.monotonic()
        with self._lock:
            failures, until = self._local.get(key, (0, now + WINDOW_SECONDS))
            if until <= now:
                failures, until = 0, now + WINDOW_SECONDS
            self._local[key] = (failures + 1, until)

    def record_success(self, email: str) -> None:
        key = self._key(email)
        if self._redis is not None:
            self._redis.delete(key)
            return
        with self._lock:
            self._local.pop(key, None)

    def _failures(self, key: str) -> int:
        if self._redis is not None:
            return int(self._redis.get(key) or 0)
        with self._lock:
            failures, until = self._local.get(key, (0, 0.0))
            return failures if until > time.monotonic() else 0
