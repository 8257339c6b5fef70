"""Property-based fuzzing of every webhook endpoint, the parsers and the agents' API: whatever
arrives, never a 5xx, and a rejected request changes nothing stored."""
from __future__ import annotations

import json
from typing import Any, Callable

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from connectors.telegram_events import parse_update
from connectors.twilio_events import parse_form
from inbox.accounts import create_agent, issue_api_token
from inbox.errors import BadRequest
from inbox.models import Contact, Conversation, DeliveryEvent, Message
from tests.conftest import PUBLIC_URL, TELEGRAM_ENV, TWILIO_ENV, telegram_update, twilio_message
from tests.fakes.signing import twilio_signature

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)
# Telegram-shaped updates with any value in any place: closer to the parser's paths than noise.
telegram_like = st.builds(
    lambda update_id, kind, fields: {"update_id": update_id, kind: fields},
    st.integers() | st.text(max_size=5),
    st.sampled_from(["message", "edited_message", "channel_post", "callback_query", "poll", "x"]),
    st.fixed_dictionaries(
        {"message_id": json_values, "chat": json_values, "from": json_values, "date": json_values},
        optional={"text": json_values, "photo": json_values, "caption": json_values, "location": json_values},
    ),
)
form_fields = st.dictionaries(
    st.sampled_from(["MessageSid", "SmsSid", "AccountSid", "From", "To", "Body", "NumMedia", "MediaUrl0",
                     "MediaContentType0", "MessageStatus", "SmsStatus", "ProfileName", "WaId", "MessageType",
                     "Latitude", "Longitude", "ErrorCode"]) | st.text(max_size=8),
    st.text(max_size=40),
    max_size=10,
)


def snapshot(app: Flask) -> tuple[int, ...]:
    with app.extensions["inbox"].db.session() as session:
        return tuple(
            session.execute(select(func.count()).select_from(model)).scalar_one()
            for model in (Contact, Conversation, Message, DeliveryEvent)
        )


def check(app: Flask, response: Any, before: tuple[int, ...]) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    if response.status_code >= 400:
        assert snapshot(app) == before


@pytest.fixture
def app(make_app: Callable[..., Flask], database_url: str) -> Flask:
    app = make_app(database_url=database_url)
    app.extensions["inbox"].queue.enqueue = lambda *args, **kwargs: None  # store only: the fuzz is about input
    return app


@FUZZ
@given(update=telegram_like | json_values)
def test_telegram_webhook_never_fails(app: Flask, update: Any) -> None:
    before = snapshot(app)
    response = app.test_client().post(
        "/webhooks/telegram", data=json.dumps(update), content_type="application/json",
        headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_ENV["TELEGRAM_WEBHOOK_SECRET"]},
    )
    check(app, response, before)


@FUZZ
@given(body=st.binary(max_size=300))
def test_webhooks_take_any_bytes(app: Flask, body: bytes) -> None:
    client = app.test_client()
    before = snapshot(app)
    check(app, client.post("/webhooks/telegram", data=body, content_type="application/json",
                           headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_ENV["TELEGRAM_WEBHOOK_SECRET"]}), before)
    check(app, client.post("/webhooks/twilio", data=body, content_type="application/x-www-form-urlencoded",
                           headers={"X-Twilio-Signature": "x"}), before)


@FUZZ
@given(fields=form_fields, base=st.booleans(), path=st.sampled_from(["/webhooks/twilio", "/webhooks/twilio/status"]))
def test_signed_twilio_forms_never_fail(app: Flask, fields: dict[str, str], base: bool, path: str) -> None:
    """Correctly signed (a replay or a leaked token): the parser and the store face the body."""
    form = {**(twilio_message("halo") if base else {}), **fields}
    signature = twilio_signature(TWILIO_ENV["TWILIO_AUTH_TOKEN"], f"{PUBLIC_URL}{path}", form)
    before = snapshot(app)
    check(app, app.test_client().post(path, data=form, headers={"X-Twilio-Signature": signature}), before)


@FUZZ
@given(update=telegram_like | json_values)
def test_telegram_parser_raises_only_bad_request(update: Any) -> None:
    try:
        parse_update(json.dumps(update).encode())
    except BadRequest:
        pass


@FUZZ
@given(fields=form_fields)
def test_twilio_parser_raises_only_bad_request(fields: dict[str, str]) -> None:
    try:
        parse_form(fields, TWILIO_ENV["TWILIO_WHATSAPP_FROM"])
    except BadRequest:
        pass


@pytest.fixture
def api(app: Flask) -> tuple[Flask, dict[str, str]]:
    with app.extensions["inbox"].db.session() as session:
        token = issue_api_token(create_agent(session, "sari@toko.id", "rahasia-123"))
    app.test_client().post(
        "/webhooks/telegram", json=telegram_update("barang saya rusak"),
        headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_ENV["TELEGRAM_WEBHOOK_SECRET"]},
    )
    return app, {"Authorization": f"Bearer {token}"}


@FUZZ
@given(body=json_values, key=st.text(max_size=130), conversation=st.integers(min_value=-5, max_value=2**70))
def test_agents_api_replies_never_fail(api: tuple[Flask, dict[str, str]], body: Any, key: str, conversation: int) -> None:
    app, headers = api
    before = snapshot(app)
    response = app.test_client().post(
        f"/api/conversations/{conversation}/replies", data=json.dumps(body), content_type="application/json",
        headers={**headers, "Idempotency-Key": key} if key.isprintable() and key.isascii() else headers,
    )
    check(app, response, before)


@FUZZ
@given(query=st.dictionaries(st.sampled_from(["status", "limit", "offset", "x"]), st.text(max_size=20), max_size=3))
def test_agents_api_listing_never_fails(api: tuple[Flask, dict[str, str]], query: dict[str, str]) -> None:
    app, headers = api
    response = app.test_client().get("/api/conversations", query_string=query, headers=headers)
    assert response.status_code < 500
