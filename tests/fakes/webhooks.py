"""Build `WebhookRequest`s from the fixture files, signed as the platforms would sign them."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit

from connectors.base import WebhookRequest
from tests.fakes.signing import meta_signature, twilio_signature, x_signature

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def load_fixture(platform: str, name: str) -> Any:
    """`load_fixture("twilio", "message__text")` -> the parsed JSON of tests/fixtures/twilio/message__text.json."""
    return json.loads((FIXTURES / platform / f"{name}.json").read_text(encoding="utf-8"))


def fixture_names(platform: str) -> list[str]:
    return sorted(path.stem for path in (FIXTURES / platform).glob("*.json"))


def twilio_request(
    form: Mapping[str, str], *, url: str = "https://toko.example.id/webhooks/twilio", auth_token: str | None = None
) -> WebhookRequest:
    """A form POST; signed with `auth_token` when given."""
    headers = {"content-type": "application/x-www-form-urlencoded"}
    if auth_token is not None:
        headers["x-twilio-signature"] = twilio_signature(auth_token, url, form)
    return WebhookRequest(
        url=url, headers=headers, body=urlencode(form).encode(), form=dict(form), query=_query(url)
    )


def telegram_request(
    update: Any = None, *, body: bytes | None = None, secret: str | None = None,
    url: str = "https://toko.example.id/webhooks/telegram",
) -> WebhookRequest:
    """A JSON POST of `update` (or of raw `body`); carries the secret header when given."""
    headers = {"content-type": "application/json"}
    if secret is not None:
        headers["x-telegram-bot-api-secret-token"] = secret
    raw = body if body is not None else json.dumps(update).encode()
    return WebhookRequest(url=url, headers=headers, body=raw, form={}, query=_query(url))


def json_request(
    payload: Any = None, *, body: bytes | None = None, url: str, headers: Mapping[str, str] | None = None,
    method: str = "POST",
) -> WebhookRequest:
    raw = body if body is not None else (json.dumps(payload).encode() if payload is not None else b"")
    all_headers = {"content-type": "application/json", **{k.lower(): v for k, v in (headers or {}).items()}}
    return WebhookRequest(url=url, headers=all_headers, body=raw, form={}, query=_query(url), method=method)


def meta_request(payload: Any = None, *, app_secret: str | None, body: bytes | None = None,
                 url: str = "https://toko.example.id/webhooks/facebook") -> WebhookRequest:
    """A Meta webhook POST, signed with `app_secret` when given."""
    raw = body if body is not None else json.dumps(payload).encode()
    headers = {"x-hub-signature-256": meta_signature(app_secret, raw)} if app_secret is not None else {}
    return json_request(body=raw, url=url, headers=headers)


def x_request(payload: Any = None, *, consumer_secret: str | None, body: bytes | None = None,
              url: str = "https://toko.example.id/webhooks/x") -> WebhookRequest:
    """An X Account Activity POST, signed with `consumer_secret` when given."""
    raw = body if body is not None else json.dumps(payload).encode()
    headers = {"x-twitter-webhooks-signature": x_signature(consumer_secret, raw)} if consumer_secret is not None else {}
    return json_request(body=raw, url=url, headers=headers)


def _query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))
