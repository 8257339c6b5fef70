"""X: every fixture parsed to its full normalised events, the CRC and signature test vectors, and
tweepy's own request code sending replies and DMs to the fake X API through the routed session."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from connectors.x import XConnector, XSettings
from inbox.domain import (
    ChangeEvent,
    ChangeKind,
    EventKind,
    InboundEvent,
    Outbound,
    OutboundKind,
    Platform,
    Post,
    Sender,
    ThreadKind,
)
from inbox.errors import AmbiguousSendError, BadRequest, ConfigError, PermanentSendError, TransientSendError, UnknownEvent
from tests.fakes.platform_api import FakePlatformAPI
from tests.fakes.webhooks import fixture_names, json_request, load_fixture, x_request

CONSUMER_SECRET = "z3ZX4v7mAAUGykl3EcmkqbartmuW8VFOOzCloLx9Q45P0hLrFu"
SHOP = "1500000000000000001"


def x(api_base: str = "https://api.twitter.com", **overrides: object) -> XConnector:
    return XConnector(XSettings("consumer-key", CONSUMER_SECRET, "access-token", "access-secret", SHOP,
                                api_base=api_base, **overrides))  # type: ignore[arg-type]


def mention(tweet_id: str, user_id: str, name: str, text: str, reply_to: str | None = None) -> InboundEvent:
    return InboundEvent(
        Platform.X, EventKind.COMMENT, tweet_id, user_id, Sender(user_id, name), text,
        datetime.fromtimestamp(1764298800, timezone.utc), message_id=tweet_id, thread_key=f"tweets:{user_id}",
        thread_kind=ThreadKind.COMMENTS,
        post=Post(reply_to, link=f"https://x.com/i/web/status/{reply_to}") if reply_to else None,
    )


EXPECTED = {
    # Leading @handles are how a reply is addressed, not what the customer asks.
    "tweet__mention": [mention("1863000000000000001", "900000000000000001", "Rina", "kak ongkir ke medan brp?")],
    "tweet__reply": [mention("1863000000000000002", "900000000000000002", "Dodi", "ready warna hitam?",
                             reply_to="1862999999999999999")],
    "tweet__own": [],
    "tweet__retweet": [],
    "batch__mentions": [
        mention("1863000000000000005", "900000000000000004", "Sari", "cod bisa?"),
        mention("1863000000000000006", "900000000000000005", "Budi", "paket saya kok belum sampai"),
    ],
    "dm__text": [InboundEvent(
        Platform.X, EventKind.MESSAGE, "1863100000000000001", "900000000000000001",
        Sender("900000000000000001", "Rina"), "kak mau tanya harga kaos oversize hitam",
        datetime.fromtimestamp(1764300000, timezone.utc), message_id="1863100000000000001",
    )],
    "dm__own": [],
    "tweet_delete": [ChangeEvent(Platform.X, ChangeKind.REMOVED, "1863000000000000001")],
    "favorite": [],
}


def test_every_fixture_has_an_expectation() -> None:
    assert sorted([*EXPECTED, "unknown"]) == fixture_names("x")


@pytest.mark.parametrize("fixture", sorted(EXPECTED))
def test_parse_fixture(fixture: str) -> None:
    assert list(x().parse(x_request(load_fixture("x", fixture), consumer_secret=CONSUMER_SECRET))) == EXPECTED[fixture]


def test_unknown_event_and_bad_bodies() -> None:
    with pytest.raises(UnknownEvent):
        x().parse(x_request(load_fixture("x", "unknown"), consumer_secret=CONSUMER_SECRET))
    for body in (b"nope", b"[]", b'{"tweet_create_events": {}}', b'{"tweet_create_events": [{"id_str": "1"}]}'):
        with pytest.raises(BadRequest):
            x().parse(x_request(body=body, consumer_secret=CONSUMER_SECRET))


def test_events_for_another_account_are_not_ours() -> None:
    body = load_fixture("x", "tweet__mention")
    body["for_user_id"] = "42"
    assert x().parse(x_request(body, consumer_secret=CONSUMER_SECRET)) == []


def test_crc_test_vector_and_json_answer() -> None:
    answer = x().handshake(json_request(url="https://shop/webhooks/x?crc_token=9b4507b3-9040-4669-9ca3-6b94edb50553",
                                        method="GET"))
    assert answer.status == 200 and answer.content_type == "application/json"
    assert json.loads(answer.body) == {"response_token": "sha256=Cytd4Sq+NvEcV3MMrXxWJGJx5A+y/lXzzU2Maartkx8="}
    assert x().handshake(json_request(url="https://shop/webhooks/x", method="GET")).status == 400


def test_signature() -> None:
    body = json.dumps(load_fixture("x", "dm__text")).encode()
    assert x().verify(x_request(body=body, consumer_secret=CONSUMER_SECRET))
    assert not x().verify(x_request(body=body, consumer_secret="another-secret"))
    assert not x().verify(x_request(body=body, consumer_secret=None))


@pytest.mark.parametrize(("field", "value"), [("user_id", "@tokodemo"), ("api_base", "https://api.x.com/2"),
                                              ("consumer_secret", "")])
def test_malformed_settings_fail_at_start_up(field, value) -> None:
    values = {"consumer_key": "k", "consumer_secret": "s", "access_token": "t", "access_token_secret": "ts",
              "user_id": SHOP, field: value}
    with pytest.raises(ConfigError):
        XSettings(**values)


def test_reply_tweet_and_dm_through_tweepy(fake_api: FakePlatformAPI) -> None:
    connector = x(fake_api.base_url)
    tweet = connector.send(Outbound(Platform.X, OutboundKind.PUBLIC_REPLY, "900000000000000001", "Sudah kami DM ya kak 🙏",
                                    reply_to_message_id="1863000000000000001"))
    message = connector.send(Outbound(Platform.X, OutboundKind.PRIVATE_REPLY, "900000000000000001", "Ongkir Rp18.000"))
    tweet_call, dm_call = fake_api.wait_for_calls(2)
    assert (tweet_call.path, tweet_call.body["text"]) == ("/2/tweets", "Sudah kami DM ya kak 🙏")
    assert tweet_call.body["reply"] == {"in_reply_to_tweet_id": "1863000000000000001"}
    assert dm_call.path == "/2/dm_conversations/with/900000000000000001/messages" and dm_call.text == "Ongkir Rp18.000"
    # OAuth 1.0a user context, signed by tweepy itself
    assert 'oauth_consumer_key="consumer-key"' in tweet_call.headers["Authorization"]
    assert tweet.message_id.isdigit() and message.message_id.isdigit() and tweet.message_id != message.message_id


@pytest.mark.parametrize(("status", "error", "rate_limited"), [
    (429, TransientSendError, True), (503, TransientSendError, False), (403, PermanentSendError, False),
])
def test_x_errors_map_to_send_errors(fake_api: FakePlatformAPI, status, error, rate_limited) -> None:
    fake_api.fail_next("x", status, retry_after=30)
    with pytest.raises(error) as caught:
        x(fake_api.base_url).send(Outbound(Platform.X, OutboundKind.MESSAGE, "900000000000000001", "halo"))
    assert getattr(caught.value, "rate_limited", False) is rate_limited
    if rate_limited:
        assert 1 <= caught.value.retry_after <= 31


def test_timeouts_and_refusals(silent_server: str, fake_api: FakePlatformAPI) -> None:
    with pytest.raises(AmbiguousSendError):
        x(silent_server, timeout=0.3).send(Outbound(Platform.X, OutboundKind.MESSAGE, "900000000000000001", "halo"))
    with pytest.raises(TransientSendError):
        x("http://127.0.0.1:9").send(Outbound(Platform.X, OutboundKind.MESSAGE, "900000000000000001", "halo"))
    with pytest.raises(PermanentSendError):
        x(fake_api.base_url).send(Outbound(Platform.X, OutboundKind.MESSAGE, "../../2/tweets", "halo"))
    with pytest.raises(PermanentSendError):
        x(fake_api.base_url).send(Outbound(Platform.X, OutboundKind.HIDE, "900000000000000001", "x"))
    assert fake_api.calls == []
