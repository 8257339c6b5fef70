from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioServiceException

from connectors.twilio_whatsapp import TwilioSettings, TwilioWhatsAppConnector, retry_after_seconds, send_error
from inbox.domain import (
    DeliveryStatus,
    EventKind,
    InboundEvent,
    Media,
    Outbound,
    OutboundKind,
    Platform,
    Sender,
    StatusEvent,
)
from inbox.errors import AmbiguousSendError, BadRequest, PermanentSendError, TransientSendError, UnknownEvent
from tests.connectors.conftest import TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN
from tests.fakes.platform_api import FakePlatformAPI
from tests.fakes.signing import twilio_signature
from tests.fakes.webhooks import fixture_names, load_fixture, twilio_request

OUR_NUMBER = "+14155238886"
BUDI = Sender(external_id="6281234567890", display_name="Budi Santoso", phone="+6281234567890")
WA = Platform.WHATSAPP_TWILIO
OUTSIDE_WINDOW = (
    "Failed to send freeform message because you are outside the allowed window. "
    "If you are using WhatsApp, please use a Message Template."
)


def wa_text(chat_id: str, text: str, reply_to_message_id: str | None = None) -> Outbound:
    return Outbound(Platform.WHATSAPP_TWILIO, OutboundKind.MESSAGE, chat_id, text, reply_to_message_id=reply_to_message_id)


def make_connector(api_base: str = "https://api.twilio.com", **overrides: object) -> TwilioWhatsAppConnector:
    settings = TwilioSettings(TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, OUR_NUMBER, api_base=api_base, **overrides)  # type: ignore[arg-type]
    return TwilioWhatsAppConnector(settings)


EXPECTED = {
    "message__text": [
        InboundEvent(
            platform=WA, kind=EventKind.MESSAGE, event_id="SM5e8f0a7c2b1d4e6f8a9b0c1d2e3f4a5b",
            chat_id="whatsapp:+6281234567890", sender=BUDI, text="brp ongkir ke medan kak", timestamp=None,
            message_id="SM5e8f0a7c2b1d4e6f8a9b0c1d2e3f4a5b",
        )
    ],
    "message__image": [
        InboundEvent(
            platform=WA, kind=EventKind.MESSAGE, event_id="MM7a1c2e3f4b5d6a7b8c9d0e1f2a3b4c5d",
            chat_id="whatsapp:+6281234567890", sender=BUDI, text="kak yg ini ready size M?", timestamp=None,
            message_id="MM7a1c2e3f4b5d6a7b8c9d0e1f2a3b4c5d",
            media=(
                Media(
                    url=f"https://api.twilio.com/2010-04-01/Accounts/{TWILIO_ACCOUNT_SID}/Messages/"
                    "MM7a1c2e3f4b5d6a7b8c9d0e1f2a3b4c5d/Media/ME0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e",
                    content_type="image/jpeg",
                ),
            ),
        )
    ],
    "message__location": [
        InboundEvent(
            platform=WA, kind=EventKind.MESSAGE, event_id="SM9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f",
            chat_id="whatsapp:+6285712345678",
            sender=Sender(external_id="6285712345678", display_name="Siti Rahma", phone="+6285712345678"),
            text="[lokasi] -6.2087634,106.845599", timestamp=None, message_id="SM9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f",
        )
    ],
    "message__business_scoped_user": [
        InboundEvent(
            platform=WA, kind=EventKind.MESSAGE, event_id="SM1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a",
            chat_id="whatsapp:IN.2081234567890123",
            sender=Sender(external_id="IN.2081234567890123", display_name="Dewi", phone=None),
            text="kak pesanan sy blm sampe", timestamp=None, message_id="SM1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a",
        )
    ],
    "message__own_echo": [],
    "status__sending": [StatusEvent(WA, "SMa1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6", DeliveryStatus.SENT)],
    "status__delivered": [StatusEvent(WA, "SMa1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6", DeliveryStatus.DELIVERED)],
    "status__read": [StatusEvent(WA, "SMa1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6", DeliveryStatus.READ)],
    "status__failed": [
        StatusEvent(WA, "SMb2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7", DeliveryStatus.FAILED, error_code="63016", error_message=OUTSIDE_WINDOW)
    ],
    "status__undelivered": [
        StatusEvent(
            WA, "SMc3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8", DeliveryStatus.FAILED,
            error_code="63024", error_message="Invalid message recipient",
        )
    ],
}


def test_every_fixture_has_an_expectation() -> None:
    assert sorted(EXPECTED) == fixture_names("twilio")


@pytest.mark.parametrize("fixture", sorted(EXPECTED))
def test_parse_fixture(fixture: str) -> None:
    form = load_fixture("twilio", fixture)
    events = make_connector().parse(twilio_request(form))
    assert list(events) == EXPECTED[fixture]
    assert all(event.raw == form for event in events)


def test_status_callback_without_message_status_field() -> None:
    # Older callbacks carry only SmsStatus; no Body tells them apart from an inbound message.
    form = {k: v for k, v in load_fixture("twilio", "status__delivered").items() if k != "MessageStatus"}
    assert make_connector().parse(twilio_request(form)) == EXPECTED["status__delivered"]


def test_phone_sender_without_waid_uses_the_number_digits() -> None:
    form = {k: v for k, v in load_fixture("twilio", "message__text").items() if k != "WaId"}
    [event] = make_connector().parse(twilio_request(form))
    assert isinstance(event, InboundEvent)
    assert event.sender == BUDI


def test_unknown_status_is_an_unknown_event() -> None:
    form = {**load_fixture("twilio", "status__delivered"), "MessageStatus": "teleported", "SmsStatus": "teleported"}
    with pytest.raises(UnknownEvent, match="teleported"):
        make_connector().parse(twilio_request(form))


def _without(name: str, *fields: str) -> dict[str, str]:
    return {k: v for k, v in load_fixture("twilio", name).items() if k not in fields}


@pytest.mark.parametrize(
    ("form", "reason"),
    [
        ({}, "MessageSid"),
        (_without("message__text", "MessageSid"), "MessageSid"),
        (_without("message__text", "From"), "From"),
        (_without("status__delivered", "MessageSid"), "MessageSid"),
        ({**load_fixture("twilio", "message__text"), "From": "+6281234567890"}, "not a WhatsApp message"),
        ({**load_fixture("twilio", "message__image"), "NumMedia": "satu"}, "NumMedia"),
        ({**load_fixture("twilio", "message__image"), "NumMedia": "2"}, "MediaUrl1"),
        ({**load_fixture("twilio", "message__location"), "Latitude": ""}, "Latitude"),
    ],
    ids=["empty", "no-sid", "no-from", "status-no-sid", "sms", "bad-num-media", "missing-media-url", "bad-location"],
)
def test_malformed_webhooks_are_bad_requests(form: dict[str, str], reason: str) -> None:
    with pytest.raises(BadRequest, match=reason):
        make_connector().parse(twilio_request(form))


# -- signatures ---------------------------------------------------------------------------------


def test_signature_matches_twilio_test_vector() -> None:
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+12349013030",
        "Digits": "1234",
        "From": "+12349013030",
        "To": "+18005551212",
    }
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert twilio_signature("12345", url, params) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    request = twilio_request(params, url=url, auth_token="12345")
    settings = TwilioSettings(TWILIO_ACCOUNT_SID, "12345", OUR_NUMBER)
    assert TwilioWhatsAppConnector(settings).verify(request) is True


def test_verify_accepts_a_valid_signature() -> None:
    request = twilio_request(load_fixture("twilio", "message__text"), auth_token=TWILIO_AUTH_TOKEN)
    assert make_connector().verify(request) is True


@pytest.mark.parametrize(
    "tamper",
    [
        lambda r: r.__class__(r.url, {**r.headers, "x-twilio-signature": "0/KCTR6DLpKmkAf8muzZqo1nDgQ="}, r.body, r.form, r.query),
        lambda r: r.__class__(r.url, r.headers, r.body, {**r.form, "Body": "kirim gratis ya"}, r.query),
        lambda r: r.__class__(r.url + "?x=1", r.headers, r.body, r.form, r.query),
        lambda r: r.__class__(r.url, {k: v for k, v in r.headers.items() if k != "x-twilio-signature"}, r.body, r.form, r.query),
    ],
    ids=["wrong-signature", "tampered-body", "other-url", "missing-header"],
)
def test_verify_rejects(tamper) -> None:  # type: ignore[no-untyped-def]
    request = tamper(twilio_request(load_fixture("twilio", "message__text"), auth_token=TWILIO_AUTH_TOKEN))
    assert make_connector().verify(request) is False


def test_verify_rejects_another_accounts_token() -> None:
    request = twilio_request(load_fixture("twilio", "message__text"), auth_token="someone-elses-token")
    assert make_connector().verify(request) is False


# -- sending through the official client against the fake API ----------------------------------


def test_send_posts_through_the_official_client(fake_api: FakePlatformAPI) -> None:
    connector = make_connector(fake_api.base_url, status_callback_url="https://toko.example.id/webhooks/twilio/status")
    result = connector.send(wa_text(chat_id="whatsapp:+6281234567890", text="Ongkir ke Medan Rp25.000 ya kak"))

    [call] = fake_api.wait_for_calls(1)
    assert result.message_id.startswith("SM") and len(result.message_id) == 34
    assert result.status is DeliveryStatus.SENT
    assert (call.platform, call.method, call.path, call.auth_ok, call.status) == (
        "twilio", "POST", f"/2010-04-01/Accounts/{TWILIO_ACCOUNT_SID}/Messages.json", True, 201
    )
    assert call.body == {
        "To": "whatsapp:+6281234567890",
        "From": "whatsapp:+14155238886",
        "Body": "Ongkir ke Medan Rp25.000 ya kak",
        "StatusCallback": "https://toko.example.id/webhooks/twilio/status",
    }


def test_send_adds_the_whatsapp_prefix_and_omits_an_unset_callback(fake_api: FakePlatformAPI) -> None:
    make_connector(fake_api.base_url).send(wa_text(chat_id="+6281234567890", text="siap kak"))
    [call] = fake_api.wait_for_calls(1)
    assert call.body == {"To": "whatsapp:+6281234567890", "From": "whatsapp:+14155238886", "Body": "siap kak"}


def test_send_with_wrong_credentials_is_permanent(fake_api: FakePlatformAPI) -> None:
    settings = TwilioSettings(TWILIO_ACCOUNT_SID, "wrong-token", OUR_NUMBER, api_base=fake_api.base_url)
    with pytest.raises(PermanentSendError) as caught:
        TwilioWhatsAppConnector(settings).send(wa_text("whatsapp:+6281234567890", "halo"))
    assert caught.value.code == "20003"
    assert fake_api.calls[0].auth_ok is False


@pytest.mark.parametrize(
    ("status", "retry_after", "error", "code", "expected_retry_after"),
    [
        (500, None, TransientSendError, "20500", None),
        (503, None, TransientSendError, "20500", None),
        (429, 7, TransientSendError, "20429", 7.0),
        (429, None, TransientSendError, "20429", None),
        (400, None, PermanentSendError, "63016", None),
    ],
    ids=["500", "503", "429-retry-after", "429-no-header", "400-outside-window"],
)
def test_send_errors(fake_api: FakePlatformAPI, status: int, retry_after: int | None, error: type, code: str, expected_retry_after: float | None) -> None:
    fake_api.fail_next("twilio", status, retry_after=retry_after)
    with pytest.raises(error) as caught:
        make_connector(fake_api.base_url).send(wa_text("whatsapp:+6281234567890", "halo kak"))
    assert caught.value.code == code
    assert getattr(caught.value, "retry_after", None) == expected_retry_after
    # the scripted failure is used up: the next send goes through
    assert make_connector(fake_api.base_url).send(wa_text("whatsapp:+6281234567890", "halo kak")).message_id


def test_read_timeout_is_ambiguous_not_retryable(silent_server: str) -> None:
    # The request went out; the platform may have sent it. A retry could send twice.
    with pytest.raises(AmbiguousSendError) as caught:
        make_connector(silent_server, timeout=0.2).send(wa_text("whatsapp:+6281234567890", "halo"))
    assert caught.value.code == "timeout"


def test_connection_error_is_transient(closed_port_url: str) -> None:
    with pytest.raises(TransientSendError, match="could not reach Twilio"):
        make_connector(closed_port_url).send(wa_text("whatsapp:+6281234567890", "halo"))


@pytest.mark.parametrize(
    ("header", "expected"),
    [(None, None), ("", None), ("12", 12.0), ("1.5", 1.5), ("-3", 0.0), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0), ("soon", None)],
)
def test_retry_after_header(header: str | None, expected: float | None) -> None:
    assert retry_after_seconds(header) == expected


def test_twilio_environment_variables_do_not_redirect_sends(fake_api: FakePlatformAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    # The twilio client reads TWILIO_EDGE/TWILIO_REGION from os.environ unless handed a mapping.
    monkeypatch.setenv("TWILIO_EDGE", "sydney")
    monkeypatch.setenv("TWILIO_REGION", "au1")
    make_connector(fake_api.base_url).send(wa_text("whatsapp:+6281234567890", "halo"))
    assert len(fake_api.wait_for_calls(1)) == 1


@pytest.mark.parametrize(
    ("status", "error"), [(429, TransientSendError), (503, TransientSendError), (400, PermanentSendError)]
)
def test_rfc9457_service_errors_map_like_rest_errors(status: int, error: type) -> None:
    exc = TwilioServiceException("https://www.twilio.com/docs/errors/21211", "Invalid 'To'", status, 21211, uri="/x")
    mapped = send_error(exc, "4")
    assert isinstance(mapped, error) and mapped.code == "21211"
    assert getattr(mapped, "retry_after", None) == (4.0 if status == 429 else None)


def test_the_environments_proxy_is_read_once_for_the_api_host(monkeypatch, fake_api: FakePlatformAPI) -> None:
    """The client reads proxy settings when it is built, for the one host it calls, instead of
    scanning the environment on every send; NO_PROXY still exempts a host."""
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "")
    proxied = TwilioWhatsAppConnector(TwilioSettings(TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, "whatsapp:+14155238886"))
    _, http = proxied._client_for_this_process()
    assert http.proxy == {"https": "http://proxy.example:3128"} and http.session.trust_env is False
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.example:3128")
    local = TwilioWhatsAppConnector(TwilioSettings(TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, "whatsapp:+14155238886",
                                                   api_base=fake_api.base_url))
    local.send(Outbound(Platform.WHATSAPP_TWILIO, OutboundKind.MESSAGE, "whatsapp:+6281234567890", "Halo kak"))
    assert [call.body.get("Body") for call in fake_api.calls] == ["Halo kak"]  # straight to the API, no proxy
