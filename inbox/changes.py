"""A signal that stored data changed, for the agents' live pages.

Every committed write calls `publish()` (see `Database.on_change`). A live stream waits on the
signal instead of polling the database every second, then compares the page's state as before:
the database stays the truth, the signal only says when to look.

- In one process (the embedded default): a condition variable.
- With Redis (production, several gunicorn and worker.py processes): a PUBLISH on one channel and,
  per web process, one subscriber thread that wakes the local waiters. If Redis is away, streams
  still look every `FALLBACK_SECONDS`, and the subscriber reconnects by itself.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Any

logger = logging.getLogger(__name__)

CHANNEL = "inbox:changes"
RECONNECT_SECONDS = 2.0
# One PUBLISH per process at most this often: a webhook burst commits hundreds of times a second,
# and a page needs to hear once that something changed (a later commit is published when due).
PUBLISH_EVERY_SECONDS = 0.05


class LocalChanges:
    """Changes seen in this process: a counter that waiters compare against."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._version = 0

    @property
    def version(self) -> int:
        return self._version

    def publish(self) -> None:
        with self._cond:
            self._version += 1
            self._cond.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        """Until the version moves past `seen` or `timeout` passes; the version then."""
        with self._cond:
            self._cond.wait_for(lambda: self._version != seen, timeout)
            return self._version


class RedisChanges(LocalChanges):
    """Changes from every process through Redis pub/sub; waiters still wait in-process."""

    def __init__(self, redis: Any) -> None:
        super().__init__()
        self.redis = redis
        self._listener: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._closed = threading.Event()
        self._publish_lock = threading.Lock()
        self._last_published = float("-inf")
        self._due: threading.Timer | None = None

    def publish(self) -> None:
        super().publish()  # this process's own streams need no round trip
        with self._publish_lock:
            if self._due is not None:
                return  # a publish is already due; it covers this change
            wait = self._last_published + PUBLISH_EVERY_SECONDS - time.monotonic()
            if wait > 0:
                self._due = threading.Timer(wait, self._publish_due)
                self._due.daemon = True
                self._due.start()
                return
            self._last_published = time.monotonic()
        self._send()

    def _publish_due(self) -> None:
        with self._publish_lock:
            self._due = None
            self._last_published = time.monotonic()
        self._send()

    def _send(self) -> None:
        try:
            self.redis.publish(CHANNEL, b"1")
        except Exception as exc:  # a write must never fail for want of a notification
            logger.debug("change not published (%s); streams look again within seconds", type(exc).__name__)

    def wait(self, seen: int, timeout: float) -> int:
        self._ensure_listening()
        return super().wait(seen, timeout)

    def close(self) -> None:
        self._closed.set()

    def _ensure_listening(self) -> None:
        if self._listener is not None and self._listener.is_alive():
            return
        with self._start_lock:
            if self._listener is None or not self._listener.is_alive():
                self._listener = threading.Thread(target=self._listen, name="inbox-changes", daemon=True)
                self._listener.start()

    def _listen(self) -> None:
        while not self._closed.is_set():
            pubsub = None
            try:
                pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(CHANNEL)
                while not self._closed.is_set():
                    message = pubsub.get_message(timeout=1.0)
                    if message is not None:
                        LocalChanges.publish(self)
            except Exception as exc:  # Redis restarting: streams fall back to looking now and then
                logger.warning("live changes: Redis subscription lost (%s); retrying", type(exc).__name__)
                time.sleep(RECONNECT_SECONDS)
            finally:
                if pubsub is not None:
                    try:
                        pubsub.close()
                    except Exception:
                        pass
