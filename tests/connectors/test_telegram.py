from __future__ import annotations

import json
import logging
from datetime import datetime, timezone

import pytest

from connectors.telegram import TelegramConnector, TelegramSettings
from connectors.telegram_events import ALLOWED_UPDATES
from inbox.domain import (
    ChangeEvent,
    ChangeKind,
    DeliveryStatus,
    EventKind,
    InboundEvent,
    Media,
    Outbound,
    OutboundKind,
    Platform,
    Sender,
    ThreadKind,
)
from inbox.errors import AmbiguousSendError, BadRequest, PermanentSendError, TransientSendError, UnknownEvent
from tests.connectors.conftest import TELEGRAM_BOT_TOKEN, TELEGRAM_SECRET
from tests.fakes.platform_api import FakePlatformAPI
from tests.fakes.webhooks import fixture_names, load_fixture, telegram_request

TG = Platform.TELEGRAM
BUDI = Sender(external_id="512345678", display_name="Budi Santoso")


def tg_text(chat_id: str, text: str, reply_to_message_id: str | None = None) -> Outbound:
    return Outbound(Platform.TELEGRAM, OutboundKind.MESSAGE, chat_id, text, reply_to_message_id=reply_to_message_id)


def make_connector(api_base: str = "https://api.telegram.org", **overrides: object) -> TelegramConnector:
    return TelegramConnector(TelegramSettings(TELEGRAM_BOT_TOKEN, TELEGRAM_SECRET, api_base=api_base, **overrides))  # type: ignore[arg-type]


def at(timestamp: int) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc)


def budi_says(update_id: int, message_id: int, date: int, text: str, *media: Media) -> InboundEvent:
    return InboundEvent(
        platform=TG, kind=EventKind.MESSAGE, event_id=str(update_id), chat_id="512345678", sender=BUDI,
        text=text, timestamp=at(date), message_id=str(message_id), media=media,
    )


EXPECTED = {
    "message__text": [budi_says(880000101, 1365, 1749416383, "brp ongkir ke medan kak")],
    "message__photo_caption": [
        budi_says(
            880000102, 1366, 1749416450, "yg warna navy ada ukuran L gak kak?",
            Media("telegram-file:AgACAgUAAxkBAAIBTmZk-large", "image/jpeg"),
        )
    ],
    "message__voice": [budi_says(880000103, 1367, 1749416500, "", Media("telegram-file:AwACAgUAAxkBAAIBT2Zk-voice", "audio/ogg"))],
    "message__document": [
        budi_says(
            880000104, 1368, 1749416560, "ini bukti transfernya ya kak",
            Media("telegram-file:BQACAgUAAxkBAAIBUGZk-doc", "application/pdf"),
        )
    ],
    "message__location": [
        InboundEvent(
            platform=TG, kind=EventKind.MESSAGE, event_id="880000105", chat_id="498765432",
            sender=Sender(external_id="498765432", display_name="sitirahma"),
            text="[lokasi] 3.595196,98.672226", timestamp=at(1749416600), message_id="1369",
        )
    ],
    "message__group_text": [
        InboundEvent(
            platform=TG, kind=EventKind.MESSAGE, event_id="880000106", chat_id="-1001234567890", sender=BUDI,
            text="min, stok kemeja batik pria masih ada?", timestamp=at(1749416700), message_id="52",
            thread_kind=ThreadKind.GROUP,
        )
    ],
    "message__new_chat_members": [],  # a service message: nothing to answer
    # An edit names the message it changes; the edited message comes along in case we never stored it.
    "edited_message__text": [
        ChangeEvent(
            platform=Platform.TELEGRAM,
            change=ChangeKind.EDITED,
            message_id="1365",
            thread_key="512345678",
            text="brp ongkir ke medan kak? pakai JNE",
            timestamp=datetime(2025, 6, 8, 20, 59, 43, tzinfo=timezone.utc),
            fallback=budi_says(880000108, 1365, 1749416383, "brp ongkir ke medan kak? pakai JNE"),
        )
    ],
    "message__from_bot": [],  # our own echo
    "channel_post__text": [],  # IGNORED_EVENTS
    "my_chat_member__blocked": [],  # IGNORED_EVENTS
}
UNKNOWN = {"callback_query__button"}


def test_every_fixture_has_an_expectation() -> None:
    assert sorted([*EXPECTED, *UNKNOWN]) == fixture_names("telegram")


@pytest.mark.parametrize("fixture", sorted(EXPECTED))
def test_parse_fixture(fixture: str) -> None:
    update = load_fixture("telegram", fixture)
    events = make_connector().parse(telegram_request(update))
    assert list(events) == EXPECTED[fixture]
    assert all(event.raw == update for event in events)


def test_unhandled_update_type_is_an_unknown_event() -> None:
    with pytest.raises(UnknownEvent, match="callback_query"):
        make_connector().parse(telegram_request(load_fixture("telegram", "callback_query__button")))


def test_webhook_should_only_ask_for_handled_updates() -> None:
    assert ALLOWED_UPDATES == ("message", "edited_message")


def _message(**changes: object) -> dict[str, object]:
    update = load_fixture("telegram", "message__text")
    update["message"].update(changes)
    return update


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "not valid JSON"),
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe", "not valid JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b'"halo"', "not a JSON object"),
        (b'{"message": {}}', "update_id"),
        (b'{"update_id": "880000101", "message": {}}', "update_id"),
        (b'{"update_id": true, "message": {}}', "update_id"),
        (b'{"update_id": 1}', "exactly one"),
        (b'{"update_id": 1, "message": "halo"}', "'message'"),
        (json.dumps(_message(**{"from": None})).encode(), "'from'"),
        (json.dumps(_message(chat={"type": "private"})).encode(), "'id'"),
        (json.dumps(_message(date="kemarin")).encode(), "'date'"),
        (json.dumps(_message(date=10**20)).encode(), "date out of range"),
        (json.dumps(_message(message_id=None)).encode(), "'message_id'"),
        (json.dumps(_message(text=42)).encode(), "text"),
        (json.dumps(_message(photo=[])).encode(), "photo"),
        (json.dumps(_message(document={"file_name": "x.pdf"})).encode(), "document"),
        (json.dumps(_message(text=None, location={"latitude": "3.5"})).encode(), "location"),
    ],
    ids=[
        "empty", "broken-json", "not-utf8", "array", "string", "no-update-id", "string-update-id",
        "bool-update-id", "no-content", "message-not-object", "no-from", "no-chat-id", "bad-date", "huge-date",
        "no-message-id", "text-not-string", "empty-photo", "document-without-file-id", "bad-location",
    ],
)
def test_malformed_updates_are_bad_requests(body: bytes, reason: str) -> None:
    with pytest.raises(BadRequest, match=reason) as caught:
        make_connector().parse(telegram_request(body=body))
    assert not isinstance(caught.value, UnknownEvent)


# -- secret token ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("secret", "expected"),
    [(TELEGRAM_SECRET, True), ("webhook-secret_0123456788", False), ("", False), (None, False), (TELEGRAM_SECRET + "x", False)],
    ids=["valid", "wrong", "empty", "missing", "longer"],
)
def test_verify_secret_token(secret: str | None, expected: bool) -> None:
    request = telegram_request(load_fixture("telegram", "message__text"), secret=secret)
    assert make_connector().verify(request) is expected


# -- sending through python-telegram-bot against the fake API -----------------------------------


def test_send_posts_through_ptb(fake_api: FakePlatformAPI) -> None:
    connector = make_connector(fake_api.base_url)
    first = connector.send(tg_text(chat_id="512345678", text="Ongkir ke Medan Rp25.000 ya kak"))
    second = connector.send(tg_text(chat_id="512345678", text="Pakai JNE REG ya", reply_to_message_id="1365"))

    calls = fake_api.wait_for_calls(2)
    assert (first.message_id, second.message_id) == ("512345678:101", "512345678:102")
    assert first.status is DeliveryStatus.SENT
    assert [(c.platform, c.method, c.path, c.auth_ok, c.status) for c in calls] == [
        ("telegram", "POST", f"/bot{TELEGRAM_BOT_TOKEN}/sendMessage", True, 200)
    ] * 2
    assert calls[0].body == {"chat_id": "512345678", "text": "Ongkir ke Medan Rp25.000 ya kak"}
    assert calls[1].body == {
        "chat_id": "512345678",
        "text": "Pakai JNE REG ya",
        "reply_parameters": {"message_id": 1365, "allow_sending_without_reply": True},
    }


def test_reply_to_our_own_chat_qualified_id(fake_api: FakePlatformAPI) -> None:
    make_connector(fake_api.base_url).send(tg_text("-1001234567890", "siap kak", reply_to_message_id="-1001234567890:52"))
    [call] = fake_api.wait_for_calls(1)
    assert call.body["reply_parameters"] == {"message_id": 52, "allow_sending_without_reply": True}


def test_reply_to_a_malformed_id_is_permanent(fake_api: FakePlatformAPI) -> None:
    with pytest.raises(PermanentSendError, match="not a Telegram message id"):
        make_connector(fake_api.base_url).send(tg_text("512345678", "halo", reply_to_message_id="SMabc"))
    assert fake_api.calls == []


def test_wrong_token_is_permanent_and_never_leaks_the_token(fake_api: FakePlatformAPI) -> None:
    settings = TelegramSettings("7012345678:WRONGtokenWRONGtokenWRONGtoken12345", TELEGRAM_SECRET, api_base=fake_api.base_url)
    with pytest.raises(PermanentSendError) as caught:
        TelegramConnector(settings).send(tg_text("512345678", "halo"))
    assert caught.value.code == "401"
    assert "WRONGtoken" not in str(caught.value)


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # RetryAfter.retry_after as int
@pytest.mark.parametrize(
    ("status", "error", "code", "expected_retry_after"),
    [
        (429, TransientSendError, "429", 9.0),
        (500, TransientSendError, None, None),
        (502, TransientSendError, None, None),
        (400, PermanentSendError, "400", None),
        (403, PermanentSendError, "403", None),
    ],
)
def test_send_errors(fake_api: FakePlatformAPI, status: int, error: type, code: str | None, expected_retry_after: float | None) -> None:
    fake_api.fail_next("telegram", status, retry_after=9)
    with pytest.raises(error) as caught:
        make_connector(fake_api.base_url).send(tg_text("512345678", "halo kak"))
    assert caught.value.code == code
    assert getattr(caught.value, "retry_after", None) == expected_retry_after
    assert make_connector(fake_api.base_url).send(tg_text("512345678", "halo kak")).message_id == "512345678:101"


def test_read_timeout_is_ambiguous_not_retryable(silent_server: str) -> None:
    # The request went out; the platform may have sent it. A retry could send twice.
    with pytest.raises(AmbiguousSendError) as caught:
        make_connector(silent_server, timeout=0.2).send(tg_text("512345678", "halo"))
    assert caught.value.code == "timeout"


def test_connection_error_is_transient(closed_port_url: str) -> None:
    with pytest.raises(TransientSendError, match="unreachable"):
        make_connector(closed_port_url).send(tg_text("512345678", "halo"))


def test_send_from_worker_threads(fake_api: FakePlatformAPI) -> None:
    # Sync callers in several threads at once: each send runs its own short event loop.
    from concurrent.futures import ThreadPoolExecutor

    connector = make_connector(fake_api.base_url)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda i: connector.send(tg_text(str(1000 + i), f"pesan {i}")), range(8)))
    assert sorted(r.message_id for r in results) == sorted(f"{1000 + i}:101" for i in range(8))
    assert len(fake_api.wait_for_calls(8)) == 8


def test_httpx_request_logs_do_not_show_the_bot_token(fake_api: FakePlatformAPI, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="httpx")
    make_connector(fake_api.base_url).send(tg_text("512345678", "halo"))
    assert "/bot<token>/sendMessage" in caplog.text
    assert TELEGRAM_BOT_TOKEN not in caplog.text
