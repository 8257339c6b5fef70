"""WhatsApp Cloud, Instagram and Facebook Page: every fixture parsed to its full normalised events,
signatures and handshakes, and every send through the real request code against the fake Graph API."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from connectors.base import WebhookRequest
from connectors.facebook import FacebookConnector, FacebookSettings
from connectors.instagram import InstagramConnector, InstagramSettings
from connectors.meta import MetaConnector, MetaSettings
from connectors.whatsapp_cloud import WhatsAppCloudConnector, WhatsAppCloudSettings
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
    Post,
    Sender,
    StatusEvent,
    Template,
    ThreadKind,
    WatermarkEvent,
)
from inbox.errors import (
    AmbiguousSendError,
    BadRequest,
    ConfigError,
    MediaUnavailable,
    PermanentSendError,
    TransientSendError,
    UnknownEvent,
)
from tests.fakes.platform_api import FakePlatformAPI
from tests.fakes.webhooks import fixture_names, json_request, load_fixture, meta_request

APP_SECRET = "meta-app-secret-0123"
VERIFY_TOKEN = "meta-verify-token"
PHONE_NUMBER_ID = "106540352242922"
IG_ID = "17841400000000001"
PAGE_ID = "104000000000001"
WA, IG, FB = Platform.WHATSAPP_CLOUD, Platform.INSTAGRAM, Platform.FACEBOOK


def meta(api_base: str = "https://graph.facebook.com") -> MetaSettings:
    return MetaSettings(APP_SECRET, VERIFY_TOKEN, graph_base=api_base)


def whatsapp(api_base: str = "https://graph.facebook.com") -> WhatsAppCloudConnector:
    return WhatsAppCloudConnector(WhatsAppCloudSettings(meta(api_base), PHONE_NUMBER_ID, "wa-token"))


def instagram(api_base: str = "https://graph.facebook.com") -> InstagramConnector:
    return InstagramConnector(InstagramSettings(meta(api_base), IG_ID, "ig-token"))


def facebook(api_base: str = "https://graph.facebook.com") -> FacebookConnector:
    return FacebookConnector(FacebookSettings(meta(api_base), PAGE_ID, "page-token"))


def at(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, timezone.utc)


def parse(connector: MetaConnector, name: str, fixture: str) -> list:
    return list(connector.parse(meta_request(load_fixture(name, fixture), app_secret=APP_SECRET)))


RINA = Sender("6281234567001", "Rina", "+6281234567001")


def wa_message(event_id: str, text: str, when: int, *media: Media, sender: Sender = RINA) -> InboundEvent:
    return InboundEvent(WA, EventKind.MESSAGE, event_id, sender.external_id, sender, text, at(when),
                        message_id=event_id, media=media)


WHATSAPP_EXPECTED = {
    "message__text": [wa_message("wamid.HBgNNjI4MTIzNDU2NzAwMRUCABIYFjNFQjBDMEY1RTk0", "kak brp ongkir ke medan?", 1764300000)],
    "message__image": [wa_message("wamid.HBgNNjI4MTIzNDU2NzAwMRUCABIYFkIMAGE", "yang ini ready kak?", 1764300060,
                                  Media("whatsapp-media:1203948576123456", "image/jpeg"))],
    "message__location": [wa_message("wamid.HBgNNjI4MTIzNDU2NzAwMRUCABIYFkLOC",
                                     "[lokasi] Rumah, Jl. Gatot Subroto, Medan (3.5952, 98.6722)", 1764300120)],
    "message__reaction": [],  # a thumbs-up asks nothing
    "status__delivered": [StatusEvent(WA, "wamid.HBgNNjI4MTIzNDU2NzAwMRUCABEYEk9VUlMx", DeliveryStatus.DELIVERED, at(1764300200))],
    "status__failed": [StatusEvent(WA, "wamid.HBgNNjI4MTIzNDU2NzAwMRUCABEYEk9VUlMx", DeliveryStatus.FAILED, at(1764300200),
                                   error_code="131047", error_message="Re-engagement message")],
    "batch__two_entries": [
        wa_message("wamid.BATCH1", "halo kak", 1764300300),
        wa_message("wamid.BATCH2", "ready size L?", 1764300301, sender=Sender("6281234567002", "Dodi", "+6281234567002")),
        StatusEvent(WA, "wamid.OURS2", DeliveryStatus.READ, at(1764300302)),
    ],
}

BUDI_IG = Sender("17841455500000001", "budi.santoso")
IG_DM_FROM = Sender("1100000000000001")


def ig_comment(comment_id: str, text: str, sender: Sender, *, media_id: str = "18000000000000001",
               parent: str | None = None) -> InboundEvent:
    return InboundEvent(IG, EventKind.COMMENT, comment_id, sender.external_id, sender, text, None, message_id=comment_id,
                        thread_key=parent or comment_id, thread_kind=ThreadKind.COMMENTS, post=Post(media_id))


def dm(platform: str, mid: str, sender: Sender, text: str, when_ms: int, *media: Media) -> InboundEvent:
    return InboundEvent(platform, EventKind.MESSAGE, mid, sender.external_id, sender, text, at(when_ms / 1000),
                        message_id=mid, media=media)


INSTAGRAM_EXPECTED = {
    "comment__text": [ig_comment("18100000000000001", "brp harga kaos oversize hitam kak?", BUDI_IG)],
    "comment__reply": [ig_comment("18100000000000002", "aku juga mau tau kak", Sender("17841455500000002", "sari_ayu"),
                                  parent="18100000000000001")],
    "comment__own_echo": [],  # the account's own reply
    "dm__text": [dm(IG, "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQx", IG_DM_FROM, "kak, ready ukuran M?", 1764300100123)],
    "dm__image": [dm(IG, "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjIMAGE", IG_DM_FROM, "", 1764300110000,
                     Media("https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=123&signature=abc", "image/*"))],
    "dm__echo": [],
    "read__mid": [StatusEvent(IG, "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjOURS", DeliveryStatus.READ, at(1764300130))],
    "batch__comment_and_dm": [
        ig_comment("18100000000000010", "ready kak?", Sender("17841455500000004", "dewi"), media_id="18000000000000002"),
        ig_comment("18100000000000011", "cek DM kak", Sender("17841455500000005", "andi"), media_id="18000000000000002"),
        dm(IG, "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjBATCH", Sender("1100000000000009"), "halo kak", 1764300201000),
    ],
}

POST_ID = f"{PAGE_ID}_500000000000001"
FB_POST = Post(POST_ID, link="https://www.facebook.com/tokodemo/posts/500000000000001")
BUDI_FB = Sender("7100000000000001", "Budi Santoso")
FIRST_COMMENT = "500000000000001_600000000000001"


def fb_comment(comment_id: str, text: str, sender: Sender, when: int, *, thread: str | None = None,
               verb: str = "add") -> InboundEvent:
    return InboundEvent(FB, EventKind.COMMENT, f"{comment_id}:{verb}", sender.external_id, sender, text, at(when),
                        message_id=comment_id, thread_key=thread or comment_id, thread_kind=ThreadKind.COMMENTS,
                        post=FB_POST)


MESSENGER_USER = Sender("2400000000000001")
FACEBOOK_EXPECTED = {
    "comment__add": [fb_comment(FIRST_COMMENT, "barangnya jelek, sudah seminggu belum sampai! kecewa", BUDI_FB, 1764300000)],
    "comment__reply": [fb_comment("500000000000001_600000000000002", "sama kak", Sender("7100000000000002", "Sari"),
                                  1764300060, thread=FIRST_COMMENT)],
    "comment__edited": [ChangeEvent(
        FB, ChangeKind.EDITED, FIRST_COMMENT, text="barangnya belum sampai, tolong dicek", timestamp=at(1764300100),
        fallback=fb_comment(FIRST_COMMENT, "barangnya belum sampai, tolong dicek", BUDI_FB, 1764300100, verb="edited"),
    )],
    "comment__remove": [ChangeEvent(FB, ChangeKind.REMOVED, FIRST_COMMENT)],
    "comment__from_page": [],  # the Page's own comment
    "feed__reaction": [],  # a like asks nothing
    "messenger__text": [dm(FB, "m_AbCdEf0123456789", MESSENGER_USER, "cod bisa kak?", 1764300000000)],
    "messenger__echo": [],
    "messenger__delivery": [StatusEvent(FB, "m_OursSent0001", DeliveryStatus.DELIVERED, at(1764300010))],
    "messenger__read": [WatermarkEvent(FB, "2400000000000001", DeliveryStatus.READ, at(1764300019))],
    "batch__entries": [
        dm(FB, "m_Batch0001", Sender("2400000000000002"), "halo", 1764300300000),
        dm(FB, "m_Batch0002", Sender("2400000000000003"), "ongkir ke bandung brp?", 1764300300500),
        fb_comment("500000000000001_600000000000009", "harga?", BUDI_FB, 1764300000),
    ],
}

CASES = [("whatsapp", whatsapp, WHATSAPP_EXPECTED), ("instagram", instagram, INSTAGRAM_EXPECTED),
         ("facebook", facebook, FACEBOOK_EXPECTED)]


@pytest.mark.parametrize(("name", "build", "expected"), CASES)
def test_every_fixture_has_an_expectation(name, build, expected) -> None:
    assert sorted([*expected, "unknown__field"]) == fixture_names(name)


@pytest.mark.parametrize(("name", "build", "fixture"), [
    (name, build, fixture) for name, build, expected in CASES for fixture in sorted(expected)
])
def test_parse_fixture(name, build, fixture) -> None:
    expected = dict((n, e) for n, _, e in CASES)[name][fixture]
    assert parse(build(), name, fixture) == expected


@pytest.mark.parametrize(("name", "build"), [(name, build) for name, build, _ in CASES])
def test_unknown_change_is_an_unknown_event(name, build) -> None:
    with pytest.raises(UnknownEvent):
        parse(build(), name, "unknown__field")


def test_another_object_is_unknown_and_a_bad_body_is_a_bad_request() -> None:
    with pytest.raises(UnknownEvent):
        facebook().parse(meta_request({"object": "instagram", "entry": []}, app_secret=APP_SECRET))
    for body in (b"not json", b"[]", b'{"object":"page","entry":{}}', b'{"object":"page","entry":[1]}',
                 b'{"object":"page","entry":[{"changes":"x"}]}',
                 b'{"object":"page","entry":[{"messaging":[{"sender":{},"message":{"mid":"m"}}]}]}'):
        with pytest.raises(BadRequest):
            facebook().parse(meta_request(body=body, app_secret=APP_SECRET))


def test_events_for_another_phone_number_of_the_account_are_not_ours() -> None:
    body = load_fixture("whatsapp", "message__text")
    body["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = "999"
    assert whatsapp().parse(meta_request(body, app_secret=APP_SECRET)) == []


# -- signatures and the handshake ------------------------------------------------------------


def test_signature_test_vector() -> None:
    connector = WhatsAppCloudConnector(WhatsAppCloudSettings(MetaSettings("appsecret", "t"), PHONE_NUMBER_ID, "x"))
    body = b'{"object":"whatsapp_business_account","entry":[]}'
    signed = json_request(body=body, url="https://shop/webhooks/whatsapp", headers={
        "X-Hub-Signature-256": "sha256=09eceea024af6e6343b760cc9bd3ae7c056938dd636e24e92109eb8219500384"})
    assert connector.verify(signed)
    assert not connector.verify(json_request(body=body + b" ", url="https://shop/webhooks/whatsapp",
                                             headers=dict(signed.headers)))


@pytest.mark.parametrize("header", [None, "", "sha1=abc", "sha256=", "sha256=00"])
def test_bad_or_missing_signature_fails(header) -> None:
    headers = {} if header is None else {"X-Hub-Signature-256": header}
    assert not instagram().verify(json_request(body=b"{}", url="https://shop/webhooks/instagram", headers=headers))


def handshake_request(query: str) -> WebhookRequest:
    return json_request(url=f"https://shop/webhooks/facebook?{query}", method="GET")


def test_handshake_echoes_the_challenge_only_for_the_right_token() -> None:
    ok = facebook().handshake(handshake_request(f"hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=1158201444"))
    assert (ok.status, ok.body, ok.content_type) == (200, "1158201444", "text/plain")
    wrong = facebook().handshake(handshake_request("hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1"))
    assert wrong.status == 403
    assert facebook().handshake(handshake_request(f"hub.mode=unsubscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=1")).status == 403
    assert facebook().handshake(handshake_request(f"hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}")).status == 400


@pytest.mark.parametrize(("setting", "value"), [("graph_base", "https://graph.facebook.com/v23.0"),
                                                  ("graph_version", "23"), ("app_secret", "")])
def test_malformed_settings_fail_at_start_up(setting, value) -> None:
    values = {"app_secret": APP_SECRET, "verify_token": VERIFY_TOKEN, setting: value}
    with pytest.raises(ConfigError):
        MetaSettings(**values)


# -- sends through the real request code, at the fake Graph API --------------------------------


def test_whatsapp_text_and_template(fake_api: FakePlatformAPI) -> None:
    connector = whatsapp(fake_api.base_url)
    first = connector.send(Outbound(WA, OutboundKind.MESSAGE, "6281234567001", "Halo kak!", reply_to_message_id="wamid.IN1"))
    second = connector.send(Outbound(WA, OutboundKind.MESSAGE, "6281234567001", "pesanan dikirim",
                                     template=Template("order_shipped", "id", ("INV-0100", "JNE123"))))
    text_call, template_call = fake_api.wait_for_calls(2)
    assert first.message_id.startswith("wamid.") and second.message_id != first.message_id
    assert text_call.path == f"/v23.0/{PHONE_NUMBER_ID}/messages"
    assert text_call.headers["Authorization"] == "Bearer wa-token"
    assert {k: v for k, v in text_call.body.items() if k != "_node"} == {
        "messaging_product": "whatsapp", "recipient_type": "individual", "to": "6281234567001", "type": "text",
        "text": {"body": "Halo kak!", "preview_url": False}, "context": {"message_id": "wamid.IN1"}}
    assert template_call.body["template"] == {"name": "order_shipped", "language": {"code": "id"}, "components": [
        {"type": "body", "parameters": [{"type": "text", "text": "INV-0100"}, {"type": "text", "text": "JNE123"}]}]}


def test_instagram_public_private_dm_and_hide(fake_api: FakePlatformAPI) -> None:
    connector = instagram(fake_api.base_url)
    connector.send(Outbound(IG, OutboundKind.PUBLIC_REPLY, "u1", "Sudah kami DM ya kak 🙏", reply_to_message_id="181001"))
    connector.send(Outbound(IG, OutboundKind.PRIVATE_REPLY, "u1", "Harga Rp59.000 kak", reply_to_message_id="181001"))
    connector.send(Outbound(IG, OutboundKind.MESSAGE, "1100000000000001", "Ready kak"))
    connector.send(Outbound(IG, OutboundKind.MESSAGE, "1100000000000001", "Sudah kami cek", tag="HUMAN_AGENT"))
    hidden = connector.send(Outbound(IG, OutboundKind.HIDE, "u1", reply_to_message_id="181002"))
    public, private, plain, tagged, hide = fake_api.wait_for_calls(5)
    assert (public.path, public.body["message"]) == ("/v23.0/181001/replies", "Sudah kami DM ya kak 🙏")
    assert private.path == f"/v23.0/{IG_ID}/messages"
    assert private.body["recipient"] == {"comment_id": "181001"} and private.text == "Harga Rp59.000 kak"
    assert plain.body["recipient"] == {"id": "1100000000000001"} and plain.body["messaging_type"] == "RESPONSE"
    assert (tagged.body["messaging_type"], tagged.body["tag"]) == ("MESSAGE_TAG", "HUMAN_AGENT")
    assert (hide.path, hide.body["hide"]) == ("/v23.0/181002", True)
    assert hidden.message_id == "hide:181002"


def test_facebook_public_reply_hide_and_delete(fake_api: FakePlatformAPI) -> None:
    connector = facebook(fake_api.base_url)
    reply = connector.send(Outbound(FB, OutboundKind.PUBLIC_REPLY, "7100", "Halo kak", reply_to_message_id=FIRST_COMMENT))
    connector.send(Outbound(FB, OutboundKind.HIDE, "7100", reply_to_message_id=FIRST_COMMENT))
    connector.send(Outbound(FB, OutboundKind.UNHIDE, "7100", reply_to_message_id=FIRST_COMMENT))
    connector.send(Outbound(FB, OutboundKind.DELETE, "7100", reply_to_message_id=FIRST_COMMENT))
    comment, hide, unhide, delete = fake_api.wait_for_calls(4)
    assert comment.path == f"/v23.0/{FIRST_COMMENT}/comments" and reply.message_id.startswith(FIRST_COMMENT)
    assert (hide.body["is_hidden"], unhide.body["is_hidden"]) == (True, False)
    assert (delete.method, delete.path) == ("DELETE", f"/v23.0/{FIRST_COMMENT}")


@pytest.mark.parametrize(("status", "error", "rate_limited"), [
    (429, TransientSendError, True), (500, TransientSendError, False), (400, PermanentSendError, False),
    (403, PermanentSendError, False), (401, PermanentSendError, False),
])
def test_graph_errors_map_to_send_errors(fake_api: FakePlatformAPI, status, error, rate_limited) -> None:
    fake_api.fail_next("graph", status)
    with pytest.raises(error) as caught:
        facebook(fake_api.base_url).send(Outbound(FB, OutboundKind.MESSAGE, "2400000000000001", "halo"))
    assert getattr(caught.value, "rate_limited", False) is rate_limited
    assert "page-token" not in str(caught.value)


def test_read_timeout_is_ambiguous_and_refused_connection_transient(silent_server: str) -> None:
    connector = FacebookConnector(FacebookSettings(MetaSettings(APP_SECRET, VERIFY_TOKEN, graph_base=silent_server,
                                                                timeout=0.3), PAGE_ID, "t"))
    with pytest.raises(AmbiguousSendError):
        connector.send(Outbound(FB, OutboundKind.MESSAGE, "2400000000000001", "halo"))
    with pytest.raises(TransientSendError):
        facebook("http://127.0.0.1:9").send(Outbound(FB, OutboundKind.MESSAGE, "2400000000000001", "halo"))


def test_ids_that_are_not_graph_ids_never_reach_a_url(fake_api: FakePlatformAPI) -> None:
    with pytest.raises(PermanentSendError):
        facebook(fake_api.base_url).send(Outbound(FB, OutboundKind.PUBLIC_REPLY, "7100", "x", reply_to_message_id="../me"))
    assert fake_api.calls == []


def test_whatsapp_media_download(fake_api: FakePlatformAPI) -> None:
    connector = whatsapp(fake_api.base_url)
    media = connector.fetch_media("whatsapp-media:1203948576123456", 1_000_000)
    assert media.content.startswith(b"\x89PNG") and media.content_type == "image/png"
    lookup, download = fake_api.wait_for_calls(2)
    assert lookup.path == "/v23.0/1203948576123456" and download.headers["Authorization"] == "Bearer wa-token"
    with pytest.raises(MediaUnavailable):
        connector.fetch_media("https://evil.example/x", 1_000_000)
    with pytest.raises(MediaUnavailable, match="larger"):
        connector.fetch_media("whatsapp-media:1203948576123456", 10)


def test_messaging_body_with_a_bad_timestamp_is_a_bad_request() -> None:
    body = load_fixture("facebook", "messenger__text")
    body["entry"][0]["messaging"][0]["timestamp"] = "yesterday"
    with pytest.raises(BadRequest):
        facebook().parse(meta_request(body, app_secret=APP_SECRET))
