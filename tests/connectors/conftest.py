"""Shared fixtures for the connector tests: one fake platform API per module, reset per test."""
from __future__ import annotations

import socket
from typing import Iterator

import pytest

from tests.fakes.platform_api import FakePlatformAPI

TWILIO_ACCOUNT_SID = "AC3f2b8e1c4d5a6b7c8d9e0f1a2b3c4d5e"
TWILIO_AUTH_TOKEN = "f1e2d3c4b5a6978812345678abcdef01"
TELEGRAM_BOT_TOKEN = "7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
TELEGRAM_SECRET = "webhook-secret_0123456789"


@pytest.fixture(scope="module")
def _running_api() -> Iterator[FakePlatformAPI]:
    with FakePlatformAPI(
        twilio_account_sid=TWILIO_ACCOUNT_SID,
        twilio_auth_token=TWILIO_AUTH_TOKEN,
        telegram_bot_token=TELEGRAM_BOT_TOKEN,
    ) as api:
        yield api


@pytest.fixture
def fake_api(_running_api: FakePlatformAPI) -> FakePlatformAPI:
    _running_api.reset()
    return _running_api


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A base URL that accepts connections and never answers: exercises read timeouts."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


@pytest.fixture
def closed_port_url() -> str:
    """A base URL nothing listens on: exercises connection errors."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
