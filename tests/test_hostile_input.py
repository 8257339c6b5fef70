"""Requests an attacker sends: replays with shifted fields, bodies that break parsers, ids and
redirect targets beyond reason. Each gets a 4xx with a reason (or is stored safely), never a 500,
and a rejected one leaves the database as it was. Run on SQLite and PostgreSQL."""
from __future__ import annotations

import json
from typing import Any, Callable

import pytest
from flask import Flask
from sqlalchemy import func, select

from inbox.accounts import create_agent, issue_api_token
from inbox.models import Contact, Conversation, Message
from tests.conftest import PUBLIC_URL, TELEGRAM_ENV, TWILIO_ENV, telegram_update, twilio_message
from tests.fakes.platform_api import FakePlatformAPI
from tests.fakes.signing import twilio_signature


def snapshot(app: Flask) -> tuple[int, int, int]:
    with app.extensions["inbox"].db.session() as session:
        return tuple(session.execute(select(func.count()).select_from(model)).scalar_one()  # type: ignore[return-value]
                     for model in (Contact, Conversation, Message))


@pytest.fixture
def app(make_app: Callable[..., Flask], database_url: str) -> Flask:
    return make_app(database_url=database_url)


def post_raw_telegram(app: Flask, body: bytes) -> Any:
    return app.test_client().post(
        "/webhooks/telegram", data=body, content_type="application/json",
        headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_ENV["TELEGRAM_WEBHOOK_SECRET"]},
    )


def test_a_replay_with_fields_shifted_into_the_message_sid_is_refused(app: Flask, fake_api: FakePlatformAPI) -> None:
    client = app.test_client()
    form = twilio_message("bisa bayar cod kak?")
    form["MessageType"] = "text"
    signature = twilio_signature(TWILIO_ENV["TWILIO_AUTH_TOKEN"], f"{PUBLIC_URL}/webhooks/twilio", form)
    assert client.post("/webhooks/twilio", data=form, headers={"X-Twilio-Signature": signature}).status_code == 200
    assert app.extensions["inbox"].queue.drain(15)
    fake_api.wait_for_calls(1)
    before = snapshot(app)
    # Twilio signs sorted name+value pairs: moving "MessageType"+"text" into MessageSid's value
    # keeps the signature valid for a request that looks like a new message.
    shifted = {k: v for k, v in form.items() if k != "MessageType"}
    shifted["MessageSid"] = form["MessageSid"] + "MessageTypetext"
    assert twilio_signature(TWILIO_ENV["TWILIO_AUTH_TOKEN"], f"{PUBLIC_URL}/webhooks/twilio", shifted) == signature
    replay = client.post("/webhooks/twilio", data=shifted, headers={"X-Twilio-Signature": signature})
    assert replay.status_code in (400, 403) and "error" in replay.json
    assert app.extensions["inbox"].queue.drain(15)
    assert snapshot(app) == before and len(fake_api.calls) == 1


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("nested thousands deep", b'{"update_id": 1, "message": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"),
        ("a 5,000-digit number", b'{"update_id": ' + b"7" * 5000 + b', "message": {}}'),
        ("not UTF-8", b'{"update_id": 1, "message": {"text": "\xff\xfe"}}'),
    ],
)
def test_bodies_that_break_parsers_get_400(app: Flask, name: str, body: bytes) -> None:
    before = snapshot(app)
    response = post_raw_telegram(app, body)
    assert response.status_code == 400, name
    assert response.json["error"]
    assert snapshot(app) == before


def test_lone_surrogates_in_text_and_names_are_stored_safely(app: Flask) -> None:
    update = telegram_update("halo PLACEHOLDER kak", chat_id=4242, first_name="NAME")
    body = json.dumps(update).replace("PLACEHOLDER", "\\ud800").replace("NAME", "Sari\\udc00").encode()
    assert post_raw_telegram(app, body).status_code == 200
    with app.extensions["inbox"].db.session() as session:
        message = session.execute(select(Message).where(Message.direction == "in")).scalar_one()
        contact = session.execute(select(Contact)).scalar_one()
    assert message.text == "halo \ufffd kak" and contact.display_name == "Sari\ufffd Santoso"


@pytest.mark.parametrize("bad_id", ["IN.\ud800", "line\nbreak", "\x1b[31m"])
def test_an_id_that_is_not_printable_text_is_refused(bad_id: str) -> None:
    from inbox.domain import EventKind, InboundEvent, Platform, Sender
    from inbox.errors import BadRequest

    with pytest.raises(BadRequest, match="printable"):
        InboundEvent(Platform.INSTAGRAM, EventKind.MESSAGE, "m1", bad_id, Sender(bad_id), "halo", None)


def test_ids_beyond_what_a_column_holds_are_404(app: Flask) -> None:
    with app.extensions["inbox"].db.session() as session:
        token = issue_api_token(create_agent(session, "sari@toko.id", "rahasia-123"))
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    for path in ("/api/conversations/99999999999999999999999", "/api/conversations/2147483648",
                 "/api/conversations/0", "/api/conversations/-1"):
        assert client.get(path, headers=headers).status_code == 404, path
    assert client.post("/api/conversations/99999999999999999999/take", headers=headers).status_code == 404


def test_a_json_api_body_nested_too_deep_is_400(app: Flask) -> None:
    with app.extensions["inbox"].db.session() as session:
        token = issue_api_token(create_agent(session, "sari@toko.id", "rahasia-123"))
    body = b'{"text": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    response = app.test_client().post(
        "/api/conversations/1/replies", data=body, content_type="application/json",
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "k"},
    )
    assert response.status_code == 400


@pytest.mark.parametrize("target", ["/\r\nSet-Cookie: x=1", "/\nLocation: https://evil.example", "/\tx"])
def test_a_redirect_target_with_line_breaks_goes_to_the_queue(app: Flask, target: str) -> None:
    import re

    with app.extensions["inbox"].db.session() as session:
        create_agent(session, "sari@toko.id", "rahasia-123")
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf
    response = client.post("/login", data={"email": "sari@toko.id", "password": "rahasia-123",
                                            "csrf_token": csrf.group(1), "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "x" not in response.headers.getlist("Set-Cookie")
