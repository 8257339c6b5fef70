"""Downloading customers' attachments through the official libraries, against the fake API."""
from __future__ import annotations

from typing import Iterator, Sequence

import pytest

from connectors.base import Connector, Event, WebhookRequest, read_at_most
from connectors.telegram import TelegramConnector, TelegramSettings
from connectors.twilio_whatsapp import TwilioSettings, TwilioWhatsAppConnector
from inbox.domain import MediaFile, Outbound, Platform, SendResult
from inbox.errors import MediaUnavailable
from tests.connectors.conftest import TELEGRAM_BOT_TOKEN, TELEGRAM_SECRET, TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN
from tests.fakes.platform_api import DEFAULT_MEDIA, FakePlatformAPI

JPEG_ISH = b"\xff\xd8\xff\xe0" + b"foto barang rusak" * 20


def twilio(api_base: str, **overrides: object) -> TwilioWhatsAppConnector:
    settings = TwilioSettings(TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, "+14155238886", api_base=api_base, **overrides)  # type: ignore[arg-type]
    return TwilioWhatsAppConnector(settings)


def telegram(api_base: str, **overrides: object) -> TelegramConnector:
    return TelegramConnector(TelegramSettings(TELEGRAM_BOT_TOKEN, TELEGRAM_SECRET, api_base=api_base, **overrides))  # type: ignore[arg-type]


def header_names(headers: object) -> set[str]:
    return {name.lower() for name in headers}  # type: ignore[attr-defined]


# -- Twilio ------------------------------------------------------------------------------------------


def test_twilio_media_is_fetched_with_basic_auth(fake_api: FakePlatformAPI) -> None:
    media = twilio(fake_api.base_url).fetch_media(fake_api.twilio_media_url(TWILIO_ACCOUNT_SID), 10_000)
    assert media == MediaFile(DEFAULT_MEDIA, "image/png")
    assert DEFAULT_MEDIA.startswith(b"\x89PNG")
    [call] = fake_api.calls
    assert (call.platform, call.method, call.endpoint, call.auth_ok, call.status) == ("twilio", "GET", "Media", True, 200)


def test_twilio_content_type_loses_its_parameters(fake_api: FakePlatformAPI) -> None:
    fake_api.add_twilio_media("ME1", JPEG_ISH, "Image/JPEG; charset=binary")
    media = twilio(fake_api.base_url).fetch_media(fake_api.twilio_media_url(TWILIO_ACCOUNT_SID, "ME1"), 10_000)
    assert media == MediaFile(JPEG_ISH, "image/jpeg")


def test_twilio_redirect_to_its_storage_is_followed_without_credentials(fake_api: FakePlatformAPI) -> None:
    # The fake listens on 127.0.0.1; "localhost" is another host, as Twilio's S3 bucket is.
    fake_api.add_twilio_media("ME2", JPEG_ISH, "image/jpeg", redirect_host="localhost")
    media = twilio(fake_api.base_url).fetch_media(fake_api.twilio_media_url(TWILIO_ACCOUNT_SID, "ME2"), 10_000)
    assert media == MediaFile(JPEG_ISH, "image/jpeg")
    first, stored = fake_api.calls
    assert (first.endpoint, first.status, first.auth_ok) == ("Media", 307, True)
    assert "authorization" in header_names(first.headers)
    assert stored.endpoint == "media-store" and stored.status == 200
    assert stored.headers["Host"].startswith("localhost:")
    assert "authorization" not in header_names(stored.headers)


def test_twilio_media_over_the_limit_is_refused(fake_api: FakePlatformAPI) -> None:
    fake_api.add_twilio_media("ME3", b"x" * 2000, "image/jpeg")
    with pytest.raises(MediaUnavailable, match="larger than 1000 bytes"):
        twilio(fake_api.base_url).fetch_media(fake_api.twilio_media_url(TWILIO_ACCOUNT_SID, "ME3"), 1000)


def test_twilio_media_of_exactly_the_limit_passes(fake_api: FakePlatformAPI) -> None:
    fake_api.add_twilio_media("ME4", b"x" * 1000, "image/jpeg")
    media = twilio(fake_api.base_url).fetch_media(fake_api.twilio_media_url(TWILIO_ACCOUNT_SID, "ME4"), 1000)
    assert len(media.content) == 1000


@pytest.mark.parametrize(
    "make_url",
    [
        lambda base, port: f"https://api.twilio.com/2010-04-01/Accounts/{TWILIO_ACCOUNT_SID}/Messages/MM1/Media/ME1",
        lambda base, port: f"http://localhost:{port}/2010-04-01/Accounts/{TWILIO_ACCOUNT_SID}/Messages/MM1/Media/ME1",
        lambda base, port: f"https://127.0.0.1:{port}/2010-04-01/Accounts/{TWILIO_ACCOUNT_SID}/Messages/MM1/Media/ME1",
        lambda base, port: f"http://127.0.0.1:{port + 1}/2010-04-01/Accounts/{TWILIO_ACCOUNT_SID}/Messages/MM1/Media/ME1",
        lambda base, port: f"http://x@127.0.0.1:{port}/2010-04-01/Accounts/{TWILIO_ACCOUNT_SID}/Messages/MM1/Media/ME1",
        lambda base, port: f"{base}/2010-04-01/Accounts/ACsomeoneelse/Messages/MM1/Media/ME1",
        lambda base, port: f"{base}/2010-04-01/Accounts/{TWILIO_ACCOUNT_SID}/Messages.json",
        lambda base, port: f"{base}/2010-04-01/Accounts/{TWILIO_ACCOUNT_SID}/Messages/MM1/Media/ME1/../../..",
        lambda base, port: f"{base}/2010-04-01/Accounts/{TWILIO_ACCOUNT_SID}/Messages/../Media/..",
        lambda base, port: f"{base}/2010-04-01/Accounts/{TWILIO_ACCOUNT_SID}/Messages/%2e%2e/Media/%2e%2e",
        lambda base, port: f"{base}/2010-04-01/Accounts/{TWILIO_ACCOUNT_SID}/Messages/MM{'1' * 32}/Media/ME{'1' * 32}?x=1",
        lambda base, port: "telegram-file:AgACAgUAAxkB",
        lambda base, port: "javascript:alert(1)",
        lambda base, port: "",
    ],
    ids=["real-twilio", "other-host", "other-scheme", "other-port", "userinfo", "other-account", "not-media",
         "dot-dot", "dot-dot-ids", "escaped-dot-dot", "query", "telegram", "javascript", "empty"],
)
def test_twilio_refuses_urls_outside_its_api_base_without_a_request(fake_api: FakePlatformAPI, make_url) -> None:  # type: ignore[no-untyped-def]
    port = int(fake_api.base_url.rsplit(":", 1)[1])
    with pytest.raises(MediaUnavailable, match="refused without downloading"):
        twilio(fake_api.base_url).fetch_media(make_url(fake_api.base_url, port), 10_000)
    assert fake_api.calls == []


@pytest.mark.parametrize(
    ("status", "reason"),
    [(404, "Twilio has no such media"), (500, "Twilio is failing or busy"), (429, "Twilio is failing or busy"),
     (400, "Twilio answered HTTP 400")],
)
def test_twilio_errors_become_a_reason(fake_api: FakePlatformAPI, status: int, reason: str) -> None:
    fake_api.fail_next("twilio", status)
    with pytest.raises(MediaUnavailable, match=reason):
        twilio(fake_api.base_url).fetch_media(fake_api.twilio_media_url(TWILIO_ACCOUNT_SID), 10_000)


def test_twilio_wrong_credentials_are_a_reason(fake_api: FakePlatformAPI) -> None:
    settings = TwilioSettings(TWILIO_ACCOUNT_SID, "wrong-token", "+14155238886", api_base=fake_api.base_url)
    with pytest.raises(MediaUnavailable, match=r"Twilio refused access to the media \(HTTP 401\)"):
        TwilioWhatsAppConnector(settings).fetch_media(fake_api.twilio_media_url(TWILIO_ACCOUNT_SID), 10_000)


def test_twilio_timeout_and_connection_errors_become_a_reason(silent_server: str, closed_port_url: str) -> None:
    path = f"/2010-04-01/Accounts/{TWILIO_ACCOUNT_SID}/Messages/MM{'1' * 32}/Media/ME{'1' * 32}"
    with pytest.raises(MediaUnavailable, match="did not send the media in time"):
        twilio(silent_server, timeout=0.2).fetch_media(silent_server + path, 10_000)
    with pytest.raises(MediaUnavailable, match="could not download the media from Twilio: ConnectionError"):
        twilio(closed_port_url).fetch_media(closed_port_url + path, 10_000)


# -- Telegram ----------------------------------------------------------------------------------------


def test_telegram_file_is_located_then_downloaded(fake_api: FakePlatformAPI) -> None:
    media = telegram(fake_api.base_url).fetch_media("telegram-file:AgACAgUAAxkBAAIBTmZk-large", 10_000)
    # The Bot API serves octet-stream; the type comes from the path Telegram gave (photos/file_1.jpg).
    assert media == MediaFile(DEFAULT_MEDIA, "image/jpeg")
    get_file, download = fake_api.calls
    assert (get_file.endpoint, get_file.body["file_id"], get_file.status) == ("getFile", "AgACAgUAAxkBAAIBTmZk-large", 200)
    assert (download.endpoint, download.method, download.status) == ("file", "GET", 200)
    assert download.path == f"/file/bot{TELEGRAM_BOT_TOKEN}/photos/file_1.jpg"


@pytest.mark.parametrize(
    ("file_path", "content_type"),
    [("documents/file_3.pdf", "application/pdf"), ("videos/file_4.mp4", "video/mp4"),
     ("documents/file_5", "application/octet-stream")],
)
def test_telegram_content_type_follows_the_file_path(fake_api: FakePlatformAPI, file_path: str, content_type: str) -> None:
    fake_api.add_telegram_file("BQACdoc", b"%PDF-1.4 bukti transfer", file_path)
    media = telegram(fake_api.base_url).fetch_media("telegram-file:BQACdoc", 10_000)
    assert media == MediaFile(b"%PDF-1.4 bukti transfer", content_type)


def test_telegram_file_reported_over_the_limit_is_not_downloaded(fake_api: FakePlatformAPI) -> None:
    fake_api.add_telegram_file("big", b"x" * 50, file_size=5_000)
    with pytest.raises(MediaUnavailable, match="larger than 1000 bytes"):
        telegram(fake_api.base_url).fetch_media("telegram-file:big", 1000)
    assert [call.endpoint for call in fake_api.calls] == ["getFile"]


def test_telegram_file_larger_than_reported_is_refused(fake_api: FakePlatformAPI) -> None:
    fake_api.add_telegram_file("liar", b"x" * 2000, file_size=10)
    with pytest.raises(MediaUnavailable, match="larger than 1000 bytes"):
        telegram(fake_api.base_url).fetch_media("telegram-file:liar", 1000)
    assert [call.endpoint for call in fake_api.calls] == ["getFile", "file"]


def test_telegram_get_file_error_becomes_a_reason(fake_api: FakePlatformAPI) -> None:
    fake_api.fail_next("telegram", 400, endpoint="getFile", description="Bad Request: invalid file_id")
    with pytest.raises(MediaUnavailable, match="Telegram cannot give the file: Invalid file_id") as caught:
        telegram(fake_api.base_url).fetch_media("telegram-file:expired", 10_000)
    assert TELEGRAM_BOT_TOKEN not in str(caught.value)
    assert [call.endpoint for call in fake_api.calls] == ["getFile"]


def test_telegram_download_error_becomes_a_reason(fake_api: FakePlatformAPI) -> None:
    fake_api.fail_next("telegram", 500, endpoint="file")
    with pytest.raises(MediaUnavailable, match="Telegram answered HTTP 500 for the file") as caught:
        telegram(fake_api.base_url).fetch_media("telegram-file:AgACphoto", 10_000)
    assert TELEGRAM_BOT_TOKEN not in str(caught.value)


def test_telegram_unreachable_becomes_a_reason(closed_port_url: str) -> None:
    with pytest.raises(MediaUnavailable, match="Telegram cannot give the file") as caught:
        telegram(closed_port_url).fetch_media("telegram-file:AgACphoto", 10_000)
    assert TELEGRAM_BOT_TOKEN not in str(caught.value)


@pytest.mark.parametrize(
    "url",
    ["https://api.telegram.org/file/bot123:abc/photos/file_1.jpg", "telegram-file:", "AgACAgUAAxkB", ""],
)
def test_telegram_refuses_what_is_not_a_file_id_without_a_request(fake_api: FakePlatformAPI, url: str) -> None:
    with pytest.raises(MediaUnavailable, match="refused without downloading"):
        telegram(fake_api.base_url).fetch_media(url, 10_000)
    assert fake_api.calls == []


# -- the contract's default and helper ---------------------------------------------------------------


class TextOnly(Connector):
    name = "text-only"
    platform = Platform.TELEGRAM

    def verify(self, request: WebhookRequest) -> bool:
        return True

    def parse(self, request: WebhookRequest) -> Sequence[Event]:
        return []

    def send(self, outbound: Outbound) -> SendResult:
        return SendResult("1")


def test_a_connector_without_downloads_says_so() -> None:
    with pytest.raises(MediaUnavailable, match="text-only attachments cannot be downloaded"):
        TextOnly().fetch_media("https://example.com/x.png", 10)


def test_read_at_most_stops_at_the_limit_without_a_declared_length() -> None:
    pulled: list[int] = []

    def chunks() -> Iterator[bytes]:
        for number in range(100):
            pulled.append(number)
            yield b"x" * 10

    with pytest.raises(MediaUnavailable, match="larger than 25 bytes"):
        read_at_most(chunks(), 25)
    assert len(pulled) == 3  # stopped reading at the chunk that crossed the limit
    assert read_at_most(iter([b"ab", b"cd"]), 4) == b"abcd"
    with pytest.raises(MediaUnavailable, match="larger than 10 MB"):
        read_at_most(iter([]), 10 * 1024 * 1024, declared_length=str(11 * 1024 * 1024))
