"""The fake itself: paths, auth and scripted failures, seen from a plain HTTP client."""
from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from tests.connectors.conftest import TELEGRAM_BOT_TOKEN, TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN
from tests.fakes.platform_api import FakePlatformAPI


def post(url: str, data: bytes = b"", headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], Any]:
    request = urllib.request.Request(url, data=data, headers=headers or {}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def twilio_auth(sid: str = TWILIO_ACCOUNT_SID, token: str = TWILIO_AUTH_TOKEN) -> dict[str, str]:
    credentials = base64.b64encode(f"{sid}:{token}".encode()).decode()
    return {"Authorization": f"Basic {credentials}", "Content-Type": "application/x-www-form-urlencoded"}


def test_unknown_paths_are_404_and_not_recorded(fake_api: FakePlatformAPI) -> None:
    status, _, _ = post(f"{fake_api.base_url}/graphql/v1/messages")
    assert status == 404
    assert fake_api.calls == []


def test_get_me(fake_api: FakePlatformAPI) -> None:
    status, _, body = post(f"{fake_api.base_url}/bot{TELEGRAM_BOT_TOKEN}/getMe")
    assert status == 200
    assert body["ok"] is True and body["result"]["id"] == 7012345678 and body["result"]["is_bot"] is True
    assert fake_api.calls[0].endpoint == "getMe"


def test_twilio_rejects_wrong_basic_auth(fake_api: FakePlatformAPI) -> None:
    url = f"{fake_api.base_url}/2010-04-01/Accounts/{TWILIO_ACCOUNT_SID}/Messages.json"
    status, _, body = post(url, b"To=whatsapp%3A%2B6281&From=whatsapp%3A%2B1415&Body=x", twilio_auth(token="nope"))
    assert (status, body["code"]) == (401, 20003)
    assert fake_api.calls[0].auth_ok is False


def test_twilio_429_carries_retry_after_and_code(fake_api: FakePlatformAPI) -> None:
    fake_api.fail_next("twilio", 429, times=2, retry_after=3)
    url = f"{fake_api.base_url}/2010-04-01/Accounts/{TWILIO_ACCOUNT_SID}/Messages.json"
    answers = [post(url, b"To=whatsapp%3A%2B6281&From=whatsapp%3A%2B1415&Body=x", twilio_auth()) for _ in range(3)]
    assert [(status, headers.get("Retry-After")) for status, headers, _ in answers] == [(429, "3"), (429, "3"), (201, None)]
    assert answers[0][2]["code"] == 20429
    assert answers[2][2]["status"] == "queued" and answers[2][2]["sid"].startswith("SM")


def test_telegram_429_carries_retry_after(fake_api: FakePlatformAPI) -> None:
    fake_api.fail_next("telegram", 429, retry_after=12)
    status, _, body = post(
        f"{fake_api.base_url}/bot{TELEGRAM_BOT_TOKEN}/sendMessage",
        json.dumps({"chat_id": 1, "text": "x"}).encode(),
        {"Content-Type": "application/json"},
    )
    assert status == 429
    assert body == {
        "ok": False, "error_code": 429, "description": "Too Many Requests: retry after 12", "parameters": {"retry_after": 12}
    }


def test_wait_for_calls_times_out(fake_api: FakePlatformAPI) -> None:
    with pytest.raises(TimeoutError):
        fake_api.wait_for_calls(1, timeout=0.05)


def test_fail_next_rejects_unknown_platforms(fake_api: FakePlatformAPI) -> None:
    with pytest.raises(ValueError):
        fake_api.fail_next("instagram", 500)


def test_base_url_needs_a_started_server() -> None:
    with pytest.raises(RuntimeError):
        FakePlatformAPI().base_url


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_twilio_media_needs_basic_auth_and_serves_bytes(fake_api: FakePlatformAPI) -> None:
    fake_api.add_twilio_media("ME1", b"\xff\xd8\xff foto", "image/jpeg")
    url = fake_api.twilio_media_url(TWILIO_ACCOUNT_SID, "ME1")
    assert get(url)[0] == 401
    status, headers, body = get(url, twilio_auth())
    assert (status, headers["Content-Type"], body) == (200, "image/jpeg", b"\xff\xd8\xff foto")
    assert [(call.endpoint, call.auth_ok, call.status) for call in fake_api.calls] == [("Media", False, 401), ("Media", True, 200)]


def test_telegram_get_file_then_download(fake_api: FakePlatformAPI) -> None:
    fake_api.add_telegram_file("BQACdoc", b"%PDF-1.4", "documents/file_3.pdf", file_size=8)
    status, _, body = post(f"{fake_api.base_url}/bot{TELEGRAM_BOT_TOKEN}/getFile", b"file_id=BQACdoc",
                           {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and body["ok"] is True
    assert body["result"]["file_path"] == "documents/file_3.pdf" and body["result"]["file_size"] == 8
    assert get(f"{fake_api.base_url}/file/bot{TELEGRAM_BOT_TOKEN}/documents/file_3.pdf")[2] == b"%PDF-1.4"
    assert get(f"{fake_api.base_url}/file/bot{TELEGRAM_BOT_TOKEN}/documents/nothing.pdf")[0] == 404
    assert get(f"{fake_api.base_url}/file/botWRONG/documents/file_3.pdf")[0] == 401


def test_a_failure_scripted_for_one_endpoint_leaves_the_others_alone(fake_api: FakePlatformAPI) -> None:
    fake_api.fail_next("telegram", 500, endpoint="file")
    status, _, _ = post(f"{fake_api.base_url}/bot{TELEGRAM_BOT_TOKEN}/sendMessage", b"chat_id=1&text=x",
                        {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200
    assert get(f"{fake_api.base_url}/file/bot{TELEGRAM_BOT_TOKEN}/photos/file_1.jpg")[0] == 500
    assert get(f"{fake_api.base_url}/file/bot{TELEGRAM_BOT_TOKEN}/photos/file_1.jpg")[0] == 200
