"""Malformed requests get a 4xx with a reason, never a 5xx, and store nothing; on both databases."""
from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select

from inbox.models import Contact, Message
from tests.conftest import PUBLIC_URL, TELEGRAM_ENV, TWILIO_ENV
from tests.fakes.signing import twilio_signature

TG = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_ENV["TELEGRAM_WEBHOOK_SECRET"]}


def telegram(body: bytes, content_type: str = "application/json") -> dict[str, Any]:
    return {"method": "POST", "path": "/webhooks/telegram", "data": body, "content_type": content_type, "headers": TG}


def twilio(form: dict[str, str], path: str = "/webhooks/twilio") -> dict[str, Any]:
    signature = twilio_signature(TWILIO_ENV["TWILIO_AUTH_TOKEN"], f"{PUBLIC_URL}{path}", form)
    return {"method": "POST", "path": path, "data": form, "headers": {"X-Twilio-Signature": signature}}


CASES = {
    "telegram empty body": telegram(b""),
    "telegram invalid utf-8": telegram(b"\xff\xfe\x00"),
    "telegram null": telegram(b"null"),
    "telegram huge number": telegram(b'{"update_id": 1e400}'),
    "telegram message without fields": telegram(b'{"update_id": 1, "message": {}}'),
    "telegram text not a string": telegram(json.dumps({"update_id": 2, "message": {
        "message_id": 1, "chat": {"id": 1, "type": "private"}, "date": 1, "text": ["a"]}}).encode()),
    "telegram date out of range": telegram(json.dumps({"update_id": 3, "message": {
        "message_id": 1, "chat": {"id": 1, "type": "private"}, "date": 10**15, "text": "hi"}}).encode()),
    "telegram as a form": telegram(b"update_id=1", "application/x-www-form-urlencoded"),
    "twilio empty form": twilio({}),
    "twilio no sender": twilio({"MessageSid": "SM1", "Body": "halo"}),
    "twilio media count not a number": twilio({"MessageSid": "SM3", "From": "whatsapp:+6281234", "Body": "x",
                                               "NumMedia": "99999999999999999999"}),
    "twilio id longer than its column": twilio({"MessageSid": "S" * 500, "From": "whatsapp:+6281234", "Body": "x"}),
    "unknown platform": {"method": "POST", "path": "/webhooks/line", "data": b"{}"},
    "conversation id beyond any integer": {"method": "GET", "path": "/api/conversations/99999999999999999999"},
    "api without token": {"method": "POST", "path": "/api/conversations/1/replies", "json": {"text": "x"}},
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_bad_input_gets_a_4xx_with_a_reason_and_stores_nothing(make_app, database_url, case):
    app = make_app(database_url=database_url)
    request = dict(CASES[case])
    response = app.test_client().open(request.pop("path"), **request)
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)
    assert response.json["error"]
    with app.extensions["inbox"].db.session() as session:
        assert session.execute(select(func.count()).select_from(Message)).scalar_one() == 0
        assert session.execute(select(func.count()).select_from(Contact)).scalar_one() == 0
