"""Agents send photos and files: stored once by the inbox, fetched by the platform from a signed
public URL, sent through the official client like text (once, whatever repeats)."""
from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from inbox.accounts import create_agent
from inbox.models import Message, StoredFile
from inbox.sandbox.platform_api import DEFAULT_MEDIA
from tests.conftest import (
    PUBLIC_URL,
    load_fixture,
    post_meta,
    post_telegram,
    post_twilio,
    telegram_update,
    twilio_message,
)
from tests.web.test_agents_pages import CSRF_FIELD, form_value, log_in

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def agent_client(app: Flask) -> FlaskClient:
    with app.extensions["inbox"].db.session() as db:
        create_agent(db, "sari@toko.id", "rahasia-123", name="Sari")
    client = app.test_client()
    assert log_in(client, "sari@toko.id").status_code == 302
    return client


def send_file(client: FlaskClient, conversation_id: int, content: bytes, name: str, text: str = "", key: str = "k1") -> str:
    page = client.get(f"/conversations/{conversation_id}").get_data(as_text=True)
    answer = client.post(f"/conversations/{conversation_id}/reply", content_type="multipart/form-data", data={
        "csrf_token": form_value(CSRF_FIELD, page), "client_key": key, "text": text,
        "attachment": (io.BytesIO(content), name),
    })
    assert answer.status_code == 302
    return client.get(answer.headers["Location"]).get_data(as_text=True)


def conversation_of(app: Flask) -> int:
    with app.extensions["inbox"].db.session() as db:
        return db.execute(select(Message.conversation_id)).scalars().first()


@pytest.mark.parametrize("channel", ["twilio", "telegram", "whatsapp_cloud"])
def test_a_photo_reaches_the_platform_once_from_a_signed_url(make_app, fake_api, channel: str) -> None:
    app = make_app()
    services = app.extensions["inbox"]
    if channel == "twilio":
        post_twilio(app.test_client(), twilio_message("kak, ada foto size chart?"))
    elif channel == "whatsapp_cloud":
        post_meta(app.test_client(), "whatsapp", load_fixture("whatsapp", "message__text"))
    else:
        post_telegram(app.test_client(), telegram_update("kak, ada foto size chart?", chat_id=4242))
    assert services.queue.drain(timeout=15)
    before = len(fake_api.calls)  # the bot's handover note (no reset: Telegram never reuses message ids)
    client = agent_client(app)
    conversation_id = conversation_of(app)
    page = send_file(client, conversation_id, DEFAULT_MEDIA, "size-chart.png", text="Ini size chart-nya kak")
    assert "Balasan disimpan" in page
    send_file(client, conversation_id, DEFAULT_MEDIA, "size-chart.png", text="Ini size chart-nya kak")  # a double post
    assert services.queue.drain(timeout=15)

    calls = fake_api.calls[before:]
    if channel == "twilio":
        (call,) = [c for c in calls if c.endpoint == "Messages.json"]
        url, caption = call.body["MediaUrl"], call.body["Body"]
    elif channel == "whatsapp_cloud":
        (call,) = [c for c in calls if c.endpoint == "messages"]
        assert call.body["type"] == "image" and call.recipient == "6281234567001"
        url, caption = call.body["image"]["link"], call.body["image"]["caption"]
    else:
        (call,) = [c for c in calls if c.endpoint in ("sendPhoto", "sendDocument", "sendMessage")]
        assert call.endpoint == "sendPhoto" and call.recipient == "4242"
        url, caption = call.body["photo"], call.body["caption"]
    assert caption == "Ini size chart-nya kak" and url.startswith(f"{PUBLIC_URL}/files/")
    path = url.removeprefix(PUBLIC_URL)
    fetched = app.test_client().get(path)  # the platform downloads it, without our cookies
    assert fetched.status_code == 200 and fetched.data == DEFAULT_MEDIA and fetched.content_type == "image/png"
    assert fetched.headers["X-Content-Type-Options"] == "nosniff"
    assert app.test_client().get(re.sub(r"/[0-9a-f]{32}$", "/" + "0" * 32, path)).status_code == 404
    with services.db.session() as db:
        assert db.execute(select(func.count()).select_from(StoredFile)).scalar_one() == 1
        sent = db.execute(select(Message).where(Message.sender_type == "agent")).scalar_one()
        assert sent.delivery_status in ("sent", "delivered") and sent.media[0]["content_type"] == "image/png"
    # The agents' page shows the photo it sent.
    html = client.get(f"/conversations/{conversation_id}").get_data(as_text=True)
    assert f'/conversations/{conversation_id}/messages/{sent.id}/media/0' in html
    assert client.get(f"/conversations/{conversation_id}/messages/{sent.id}/media/0").data == DEFAULT_MEDIA


def test_a_pdf_goes_as_a_document_and_bad_files_are_refused(make_app, fake_api) -> None:
    app = make_app()
    services = app.extensions["inbox"]
    post_telegram(app.test_client(), telegram_update("minta katalog pdf dong", chat_id=777))
    assert services.queue.drain(timeout=15)
    before = len(fake_api.calls)
    client = agent_client(app)
    conversation_id = conversation_of(app)
    assert "Hanya foto JPEG/PNG atau file PDF" in send_file(client, conversation_id, b"<svg onload=alert(1)>", "x.png")
    assert "terlalu besar" in send_file(client, conversation_id, b"%PDF-" + b"0" * (5 * 1024 * 1024), "big.pdf", key="k2")
    with services.db.session() as db:
        assert db.execute(select(func.count()).select_from(StoredFile)).scalar_one() == 0
    send_file(client, conversation_id, PDF, "katalog.pdf", key="k3")
    assert services.queue.drain(timeout=15)
    (call,) = [c for c in fake_api.calls[before:] if c.platform == "telegram" and c.endpoint.startswith("send")]
    assert call.endpoint == "sendDocument" and "/files/" in call.body["document"]


def test_the_api_and_a_channel_without_files_refuse_them(make_app, fake_api) -> None:
    """Instagram comments, X and the like declare no media: the form offers no file there."""
    app = make_app()
    capabilities: Any = app.extensions["inbox"].pipeline.capabilities("whatsapp_twilio")
    assert capabilities.media
    post_twilio(app.test_client(), twilio_message("halo"))
    assert app.extensions["inbox"].queue.drain(timeout=15)
    client = agent_client(app)
    html = client.get(f"/conversations/{conversation_of(app)}").get_data(as_text=True)
    assert 'name="attachment"' in html and 'enctype="multipart/form-data"' in html
