"""/sandbox: one message per channel through its real webhook path, the answer through the channel's
real client to the fake platform API, and the outcome in the sandbox's view of the thread."""
from __future__ import annotations

import socket
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
from flask import Flask

from inbox.accounts import create_agent
from inbox.sandbox.platform_api import FakePlatformAPI
from inbox.shop_data import import_products
from tests.web.test_agents_pages import PASSWORD, log_in

PRODUCTS = Path(__file__).resolve().parent.parent / "examples" / "products.csv"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def sandbox(make_app) -> Iterator[tuple[Flask, Any, FakePlatformAPI]]:
    port = free_port()
    app = make_app(sandbox=True, sandbox_api_port=port, platform_env={})
    services = app.extensions["inbox"]
    with services.db.session() as session:
        create_agent(session, "sari@toko.id", PASSWORD, name="Sari")
        with PRODUCTS.open(encoding="utf-8") as stream:
            import_products(session, stream)
    services.shop.invalidate()
    with FakePlatformAPI("127.0.0.1", port) as api:
        client = app.test_client()
        assert log_in(client, "sari@toko.id").status_code == 302
        yield app, client, api


def csrf(client: Any) -> str:
    from tests.web.test_agents_pages import CSRF_FIELD, form_value

    return form_value(CSRF_FIELD, client.get("/sandbox").get_data(as_text=True))


def send(client: Any, channel: str, text: str) -> Any:
    return client.post("/sandbox/send", data={"channel": channel, "text": text, "csrf_token": csrf(client)})


def thread_until(client: Any, channel: str, done: Any, timeout: float = 15.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        view = client.get(f"/sandbox/thread?channel={channel}").json
        if done(view) or time.monotonic() > deadline:
            return view
        time.sleep(0.1)


def test_every_channel_answers_as_its_platform_shows_it(sandbox):
    app, client, api = sandbox
    page = client.get("/sandbox").get_data(as_text=True)
    for label in ("WhatsApp", "Telegram", "Komentar Instagram", "Komentar Facebook", "Mention di X", "Chat website"):
        assert label in page

    assert send(client, "whatsapp", "brp ongkir ke medan kak?").status_code == 200
    view = thread_until(client, "whatsapp", lambda v: any(m["from"] == "bot" for m in v["messages"]))
    customer, bot = view["messages"]
    assert customer["text"] == "brp ongkir ke medan kak?" and "Medan" in bot["text"] and bot["delivery"] == "sent"

    send(client, "telegram", "barang saya datang rusak, kecewa banget")
    view = thread_until(client, "telegram", lambda v: v["waiting"] and len(v["messages"]) == 2)
    assert view["waiting"] and view["messages"][1]["text"].startswith("Mohon maaf atas kendalanya")

    send(client, "instagram_comment", "brp harga kaos oversize hitam kak?")
    view = thread_until(client, "instagram_comment", lambda v: len(v["messages"]) == 3)
    comment, *answers = view["messages"]
    assert {a["target"] for a in answers} == {"public_reply", "private_reply"}
    assert all(a["reply_to"] == comment["id"] for a in answers)
    assert "89.000" in next(a["text"] for a in answers if a["target"] == "private_reply")

    send(client, "facebook_comment", "barangnya jelek, sudah seminggu belum sampai! kecewa")
    view = thread_until(client, "facebook_comment", lambda v: v["waiting"])
    assert [m["from"] for m in view["messages"]] == ["customer"] and view["waiting"]

    send(client, "x_mention", "ongkir ke medan brp?")
    view = thread_until(client, "x_mention", lambda v: len(v["messages"]) >= 2)
    assert "public_reply" in {m["target"] for m in view["messages"]}

    assert 'src="/webhooks/webchat/widget.js"' in client.get("/sandbox?channel=webchat").get_data(as_text=True)
    # Every answer went through the channels' real clients to the fake platform API
    assert {call.platform for call in api.calls} == {"twilio", "telegram", "graph", "x"}


def test_sandbox_customers_are_separate_and_a_new_one_starts_clean(sandbox):
    app, client, api = sandbox
    send(client, "whatsapp", "halo kak")
    thread_until(client, "whatsapp", lambda v: len(v["messages"]) == 2)
    client.get("/sandbox?new=1")
    assert client.get("/sandbox/thread?channel=whatsapp").json["messages"] == []


def test_bad_input_and_a_closed_sandbox(sandbox, make_app):
    app, client, api = sandbox
    assert send(client, "nope", "halo").status_code == 400
    assert send(client, "whatsapp", "").status_code == 400
    assert send(client, "whatsapp", "x" * 1001).status_code == 400
    assert client.post("/sandbox/send", data={"channel": "whatsapp", "text": "halo"}).status_code == 400  # no CSRF
    assert client.get("/sandbox/thread?channel=bogus").status_code == 400
    closed = make_app()  # the tests' default: sandbox off, as in production
    assert closed.test_client().get("/sandbox").status_code in (302, 404)


def test_a_channel_with_real_credentials_is_never_written_to(make_app):
    from tests.conftest import TWILIO_ENV

    app = make_app(sandbox=True, platform_env=dict(TWILIO_ENV))
    services = app.extensions["inbox"]
    assert "twilio" not in services.sandbox_channels and "telegram" in services.sandbox_channels
    with services.db.session() as session:
        create_agent(session, "sari@toko.id", PASSWORD, name="Sari")
    client = app.test_client()
    log_in(client, "sari@toko.id")
    assert send(client, "whatsapp", "halo").status_code == 400


def test_admins_see_each_channels_webhook_and_the_chat_embed_line(make_app):
    from tests.conftest import TWILIO_ENV

    app = make_app(platform_env=dict(TWILIO_ENV))
    services = app.extensions["inbox"]
    with services.db.session() as session:
        create_agent(session, "owner@toko.id", PASSWORD, name="Owner", is_admin=True)
        create_agent(session, "sari@toko.id", PASSWORD, name="Sari")
    owner = app.test_client()
    log_in(owner, "owner@toko.id")
    page = owner.get("/channels").get_data(as_text=True)
    assert "https://shop.example/webhooks/twilio" in page
    assert "&lt;script src=&#34;https://shop.example/webhooks/webchat/widget.js&#34;" in page
    assert "TELEGRAM_BOT_TOKEN" in page  # why Telegram is off
    agent = app.test_client()
    log_in(agent, "sari@toko.id")
    assert agent.get("/channels").status_code == 403
