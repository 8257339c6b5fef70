"""The fake platform API (inbox/sandbox/platform_api.py) in a process of its own, for benches.

The real platforms are on other machines: in the measured process, the fake's HTTP handling would
take the CPU (the GIL) of the inbox being measured. Arrival times are on the monotonic clock,
the same in every process.
"""
from __future__ import annotations

import multiprocessing
import threading
import time
from contextlib import suppress
from typing import Any

from inbox.sandbox.platform_api import FakePlatformAPI

# The calls that deliver a message: Twilio's Messages.json and Telegram's sendMessage, answered.
SEND_ENDPOINTS = ("Messages.json", "sendMessage")


class FakeAPIProcess:
    def __enter__(self) -> "FakeAPIProcess":
        context = multiprocessing.get_context("spawn")
        self._pipe, child = context.Pipe()
        self._lock = threading.Lock()  # a bench may ask from a sampling thread of its own
        self._process = context.Process(target=_serve, args=(child,), daemon=True)
        self._process.start()
        self.base_url = self._pipe.recv()
        return self

    def _ask(self, command: str) -> Any:
        with self._lock:
            self._pipe.send(command)
            return self._pipe.recv()

    def count(self) -> int:
        """Messages delivered so far."""
        return int(self._ask("count"))

    def sends(self) -> list[tuple[str, float]]:
        """(recipient, arrival) per message delivered."""
        return list(self._ask("sends"))

    def wait_for_sends(self, n: int, timeout: float) -> list[tuple[str, float]]:
        deadline = time.monotonic() + timeout
        while self.count() < n and time.monotonic() < deadline:
            time.sleep(0.2)
        return self.sends()

    def __exit__(self, *exc_info: object) -> None:
        with self._lock, suppress(OSError):  # (already gone)
            self._pipe.send("stop")
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.terminate()


def _serve(pipe: Any) -> None:
    with FakePlatformAPI() as api:
        pipe.send(api.base_url)
        while True:
            command = pipe.recv()
            sends = [call for call in api.calls if call.endpoint in SEND_ENDPOINTS and call.status < 300]
            if command == "count":
                pipe.send(len(sends))
            elif command == "sends":
                pipe.send([(call.recipient, call.at) for call in sends])
            else:
                return
