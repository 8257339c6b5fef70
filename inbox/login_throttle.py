"""Slows password guessing, counted per client address and per e-mail address.

Every attempt is counted *before* the password is checked (one atomic increment per counter),
so parallel guesses cannot slip past the limit. The per-IP limit bites first: one guesser is
stopped long before an address would lock, so knowing an agent's e-mail is not enough to keep
them out; an address locks only under guesses from many places, and an admin can unlock it.
Counted in Redis when the app has it (shared by every web process); while Redis is unreachable,
in this process, so logging in never fails because of Redis.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from inbox.accounts import normalise_email

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 15 * 60
MAX_ATTEMPTS_PER_IP = 10  # failed or not: a person mistyping gets several tries
MAX_FAILURES_PER_ADDRESS = 20
KEY_PREFIX = "inbox:login:"


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str = ""  # "ip" or "address" when refused


class LoginThrottle:
    def __init__(self, redis: Any | None = None) -> None:
        self._redis = redis
        self._local: dict[str, tuple[int, float]] = {}  # key -> (count, window end)
        self._lock = threading.Lock()

    @staticmethod
    def address_key(email: str) -> str:
        # The same normalisation as the accounts themselves: one counter per account.
        return KEY_PREFIX + "address:" + normalise_email(email)[:255]

    @staticmethod
    def ip_key(ip: str | None) -> str:
        return KEY_PREFIX + "ip:" + (ip or "unknown")[:64]

    def attempt(self, email: str, ip: str | None) -> Verdict:
        """Count this attempt; refuse it when the client or the address is over its limit."""
        if self._count(self.ip_key(ip), 1) > MAX_ATTEMPTS_PER_IP:
            return Verdict(False, "ip")
        if self._count(self.address_key(email), 0) >= MAX_FAILURES_PER_ADDRESS:
            return Verdict(False, "address")
        return Verdict(True)

    def record_failure(self, email: str) -> None:
        self._count(self.address_key(email), 1)

    def record_success(self, email: str, ip: str | None) -> None:
        self._delete(self.address_key(email))
        self._delete(self.ip_key(ip))

    def unlock(self, email: str) -> None:
        """An admin lets the address log in again at once."""
        self._delete(self.address_key(email))

    def is_locked(self, email: str) -> bool:
        return self._count(self.address_key(email), 0) >= MAX_FAILURES_PER_ADDRESS

    # -- storage: Redis, or this process while Redis is away ------------------------------------

    def _count(self, key: str, add: int) -> int:
        if self._redis is not None:
            try:
                if not add:
                    return int(self._redis.get(key) or 0)
                with self._redis.pipeline() as pipe:
                    pipe.incrby(key, add)
                    pipe.expire(key, WINDOW_SECONDS, nx=True)
                    count, _ = pipe.execute()
                return int(count)
            except Exception as exc:  # a Redis outage must not stop agents logging in
                logger.warning("login throttle: Redis unavailable (%s); counting in this process", type(exc).__name__)
        now = time.monotonic()
        with self._lock:
            count, until = self._local.get(key, (0, now + WINDOW_SECONDS))
            if until <= now:
                count, until = 0, now + WINDOW_SECONDS
            count += add
            self._local[key] = (count, until)
            return count

    def _delete(self, key: str) -> None:
        if self._redis is not None:
            try:
                self._redis.delete(key)
            except Exception as exc:
                logger.warning("login throttle: Redis unavailable (%s)", type(exc).__name__)
        with self._lock:
            self._local.pop(key, None)
