"""Every log line of a full run, at DEBUG, holds no secret, token or password."""
from __future__ import annotations

import logging
import re
from typing import Callable

import pytest
from flask import Flask

from inbox.accounts import create_agent, issue_api_token
from tests.conftest import TELEGRAM_ENV, TWILIO_ENV, post_telegram, post_twilio, telegram_update, twilio_message
from tests.fakes.platform_api import FakePlatformAPI

PASSWORD = "rahasia-sekali-123"


def test_a_full_run_logs_no_secret(make_app: Callable[..., Flask], fake_api: FakePlatformAPI,
                                   caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    app = make_app(secret_key="the-session-signing-secret")
    services = app.extensions["inbox"]
    with services.db.session() as session:
        token = issue_api_token(create_agent(session, "sari@toko.id", PASSWORD, name="Sari"))
    client = app.test_client()
    post_twilio(client, twilio_message("brp ongkir ke medan kak"))
    post_telegram(client, telegram_update("barang saya rusak, kecewa", chat_id=777))
    post_telegram(client, telegram_update("bisa bayar cod?", chat_id=778))
    post_telegram(client, telegram_update("x"), secret="wrong-secret")  # a forged one, logged as refused
    assert services.queue.drain(15)

    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf
    client.post("/login", data={"email": "sari@toko.id", "password": "wrong-password-1", "csrf_token": csrf.group(1)})
    client.post("/login", data={"email": "sari@toko.id", "password": PASSWORD, "csrf_token": csrf.group(1)})
    session_cookie = client.get_cookie("session")
    assert session_cookie is not None
    headers = {"Authorization": f"Bearer {token}"}
    [waiting] = client.get("/api/conversations", headers=headers).json["conversations"]
    client.post(f"/api/conversations/{waiting['id']}/replies", headers=headers,
                json={"text": "Mohon maaf kak", "client_key": "k1"})
    client.get("/api/conversations", headers={"Authorization": "Bearer inbx_guessed-token"})
    assert services.queue.drain(15)
    fake_api.wait_for_calls(3)

    # The fake platform's own access log is the platform's, not ours.
    ours = [record for record in caplog.records
            if not record.name.startswith(("tests.", "inbox.sandbox.platform_api"))]
    logged = "\n".join(record.getMessage() + " " + (record.exc_text or "") for record in ours)
    assert len(caplog.records) > 20  # the run did log
    secrets = {
        "Twilio auth token": TWILIO_ENV["TWILIO_AUTH_TOKEN"],
        "Telegram bot token": TELEGRAM_ENV["TELEGRAM_BOT_TOKEN"],
        "Telegram bot token (its secret half)": TELEGRAM_ENV["TELEGRAM_BOT_TOKEN"].split(":", 1)[1],
        "Telegram webhook secret": TELEGRAM_ENV["TELEGRAM_WEBHOOK_SECRET"],
        "agent password": PASSWORD,
        "wrong password": "wrong-password-1",
        "API token": token,
        "guessed API token": "inbx_guessed-token",
        "session cookie": session_cookie.value,
        "session secret": "the-session-signing-secret",
    }
    leaked = [name for name, value in secrets.items() if value in logged]
    assert leaked == []
