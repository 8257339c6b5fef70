"""X (Account Activity API): CRC and signed JSON webhooks in, tweepy's `Client` out.

Mentions and replies to the shop are public comments; DMs are private messages. tweepy hard-codes
its host, so its `requests` session is routed to `X_API_BASE` (a local fake in tests and demos)
by a `requests.Session` subclass: the library's own request code runs unchanged.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Mapping, Sequence

import requests
import tweepy

from connectors.base import Connector, Event, Route, WebhookRequest, WebhookResponse
from connectors.config import check_api_base, check_positive
from connectors.meta import id_of, text_of
from inbox.domain import (
    Capabilities,
    ChangeEvent,
    ChangeKind,
    EventKind,
    InboundEvent,
    Media,
    Outbound,
    OutboundKind,
    Platform,
    Post,
    Rate,
    Sender,
    SendResult,
    ThreadKind,
)
from inbox.errors import (
    AmbiguousSendError,
    BadRequest,
    ConfigError,
    PermanentSendError,
    SendError,
    TransientSendError,
    UnknownEvent,
)

logger = logging.getLogger(__name__)

TWEEPY_HOST = "https://api.twitter.com"  # what tweepy.Client puts in front of every route
USER_ID = re.compile(r"\d{1,20}")
LEADING_MENTIONS = re.compile(r"^(?:@\w{1,15}\s+)+")
# Account Activity events an inbox has nothing to do with.
IGNORED_EVENTS = frozenset({
    "favorite_events", "follow_events", "unfollow_events", "block_events", "unblock_events", "mute_events",
    "unmute_events", "direct_message_indicate_typing_events", "direct_message_mark_read_events",
    "user_event", "tweet_engagement_events",
})
ENVELOPE_KEYS = frozenset({"for_user_id", "users", "apps", "user_has_blocked", "source"})

# A tweet takes 280 characters, a DM 10,000. Posting limits per user: about 100 tweets and
# 200 DMs per 15 minutes.
X_CAPABILITIES = Capabilities(
    max_text_length=10_000,
    public_text_length=280,
    outbound_kinds=frozenset({OutboundKind.MESSAGE, OutboundKind.PUBLIC_REPLY, OutboundKind.PRIVATE_REPLY}),
    rates=(Rate("account", 200, 900.0), Rate("public_reply", 100, 900.0)),
)


@dataclass(frozen=True)
class XSettings:
    consumer_key: str
    consumer_secret: str
    access_token: str
    access_token_secret: str
    user_id: str  # the shop's own account: its tweets and DMs are echoes
    api_base: str = TWEEPY_HOST  # scheme, host and port only
    timeout: float = 10.0

    def __post_init__(self) -> None:
        if not all((self.consumer_key, self.consumer_secret, self.access_token, self.access_token_secret)):
            raise ConfigError("X needs X_CONSUMER_KEY, X_CONSUMER_SECRET, X_ACCESS_TOKEN and X_ACCESS_TOKEN_SECRET")
        if not USER_ID.fullmatch(self.user_id):
            raise ConfigError(f"X_USER_ID must be the account's numeric id, got {self.user_id!r}")
        object.__setattr__(self, "api_base", check_api_base(self.api_base, "X_API_BASE"))
        check_positive(self.timeout, "X timeout")


class RoutedSession(requests.Session):
    """A session that sends tweepy's requests to `base` instead of its hard-coded host, with a timeout."""

    def __init__(self, base: str, timeout: float) -> None:
        super().__init__()
        self.base, self.timeout = base, timeout

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if isinstance(url, str) and url.startswith(TWEEPY_HOST):
            url = self.base + url[len(TWEEPY_HOST):]
        kwargs.setdefault("timeout", self.timeout)
        return super().request(method, url, *args, **kwargs)


def crc_response(consumer_secret: str, crc_token: str) -> str:
    digest = hmac.new(consumer_secret.encode(), crc_token.encode(), hashlib.sha256).digest()
    return "sha256=" + base64.b64encode(digest).decode()


class XConnector(Connector):
    name = "x"
    platforms = (Platform.X,)
    capabilities = {Platform.X: X_CAPABILITIES}
    routes = (Route("", ("GET", "POST")),)

    def __init__(self, settings: XSettings) -> None:
        self.settings = settings

    # -- inbound ----------------------------------------------------------------------------

    def handshake(self, request: WebhookRequest) -> WebhookResponse:
        token = request.query.get("crc_token", "")
        if not token or len(token) > 200 or not token.isprintable():
            return WebhookResponse(400, "crc_token is missing or malformed")
        body = json.dumps({"response_token": crc_response(self.settings.consumer_secret, token)})
        return WebhookResponse(200, body, "application/json")

    def verify(self, request: WebhookRequest) -> bool:
        header = request.header("x-twitter-webhooks-signature") or ""
        if not header.startswith("sha256="):
            return False
        digest = hmac.new(self.settings.consumer_secret.encode(), request.body, hashlib.sha256).digest()
        return hmac.compare_digest(header.encode(), ("sha256=" + base64.b64encode(digest).decode()).encode())

    def parse(self, request: WebhookRequest) -> Sequence[Event]:
        try:
            data = json.loads(request.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadRequest(f"body is not JSON: {exc}") from None
        if not isinstance(data, dict):
            raise BadRequest("expected a JSON object")
        for_user = str(data.get("for_user_id") or "")
        if for_user and for_user != self.settings.user_id:
            logger.info("x: events for user %s ignored (ours is %s)", for_user[:20], self.settings.user_id)
            return []
        events: list[Event] = []
        kinds = [key for key in data if key not in ENVELOPE_KEYS]
        for key in kinds:
            if key == "tweet_create_events":
                events.extend(e for e in map(self._tweet, _objects(data, key)) if e is not None)
            elif key == "direct_message_events":
                users = data.get("users") if isinstance(data.get("users"), dict) else {}
                events.extend(e for e in (self._dm(item, users) for item in _objects(data, key)) if e is not None)
            elif key == "tweet_delete_events":
                for item in _objects(data, key):
                    status = item.get("status") if isinstance(item.get("status"), dict) else {}
                    events.append(ChangeEvent(Platform.X, ChangeKind.REMOVED, id_of(status.get("id"), "status.id"), raw=item))
            elif key in IGNORED_EVENTS:
                logger.info("x: %s ignored", key)
            else:
                raise UnknownEvent(f"x: event {key[:40]!r}")
        return events

    def _tweet(self, tweet: Mapping[str, Any]) -> InboundEvent | None:
        tweet_id = id_of(tweet.get("id_str") or tweet.get("id"), "tweet id_str")
        user: Mapping[str, Any] = tweet.get("user") if isinstance(tweet.get("user"), dict) else {}
        author_id = id_of(user.get("id_str") or user.get("id"), "tweet user.id_str")
        if author_id == self.settings.user_id:
            return None  # our own tweet, the bot's reply included
        if tweet.get("retweeted_status"):
            return None  # a retweet asks nothing
        extended = tweet.get("extended_tweet") if isinstance(tweet.get("extended_tweet"), dict) else {}
        text = text_of(extended.get("full_text") or tweet.get("text"), "tweet text")
        replied_to = tweet.get("in_reply_to_status_id_str")
        return InboundEvent(
            platform=Platform.X,
            kind=EventKind.COMMENT,
            event_id=tweet_id,
            chat_id=author_id,  # a DM goes to the author
            sender=Sender(author_id, display_name=text_of(user.get("name") or user.get("screen_name"), "user name", 255) or None),
            text=LEADING_MENTIONS.sub("", text),
            timestamp=_millis(tweet.get("timestamp_ms")),
            message_id=tweet_id,
            # One public thread per author: their mentions and replies, answered each under its tweet.
            thread_key=f"tweets:{author_id}",
            thread_kind=ThreadKind.COMMENTS,
            post=Post(str(replied_to), link=f"https://x.com/i/web/status/{replied_to}") if replied_to else None,
            media=tuple(_tweet_media(tweet, extended)),
            raw=tweet,
        )

    def _dm(self, item: Mapping[str, Any], users: Mapping[str, Any]) -> InboundEvent | None:
        if item.get("type") != "message_create":
            logger.info("x: DM event of type %s ignored", str(item.get("type"))[:30])
            return None
        event_id = id_of(item.get("id"), "direct message id")
        create = item.get("message_create") if isinstance(item.get("message_create"), dict) else {}
        sender_id = id_of(create.get("sender_id"), "message_create.sender_id")
        if sender_id == self.settings.user_id:
            return None  # what we sent
        data = create.get("message_data") if isinstance(create.get("message_data"), dict) else {}
        profile = users.get(sender_id) if isinstance(users.get(sender_id), dict) else {}
        attachment = data.get("attachment") if isinstance(data.get("attachment"), dict) else {}
        media = attachment.get("media") if isinstance(attachment.get("media"), dict) else {}
        url = media.get("media_url_https")
        return InboundEvent(
            platform=Platform.X,
            kind=EventKind.MESSAGE,
            event_id=event_id,
            chat_id=sender_id,
            sender=Sender(sender_id, display_name=text_of(profile.get("name") or profile.get("screen_name"), "name", 255) or None),
            text=text_of(data.get("text"), "message_data.text"),
            timestamp=_millis(item.get("created_timestamp")),
            message_id=event_id,
            media=(Media(url[:2000], "image/*"),) if isinstance(url, str) and url.startswith("https://") else (),
            raw=item,
        )

    # -- outbound ---------------------------------------------------------------------------

    def client(self) -> tweepy.Client:
        s = self.settings
        client = tweepy.Client(consumer_key=s.consumer_key, consumer_secret=s.consumer_secret,
                               access_token=s.access_token, access_token_secret=s.access_token_secret)
        client.session = RoutedSession(s.api_base, s.timeout)
        return client

    def send(self, outbound: Outbound) -> SendResult:
        if not outbound.text:
            raise PermanentSendError("an X post or DM needs text")
        try:
            if outbound.kind is OutboundKind.PUBLIC_REPLY:
                if not outbound.reply_to_message_id:
                    raise PermanentSendError("a reply tweet needs the tweet it answers")
                answer = self.client().create_tweet(text=outbound.text, in_reply_to_tweet_id=outbound.reply_to_message_id)
                sent_id = (answer.data or {}).get("id")
            elif outbound.kind in (OutboundKind.MESSAGE, OutboundKind.PRIVATE_REPLY):
                if not USER_ID.fullmatch(outbound.chat_id):
                    raise PermanentSendError(f"not an X user id: {outbound.chat_id[:30]!r}")
                answer = self.client().create_direct_message(participant_id=outbound.chat_id, text=outbound.text)
                sent_id = (answer.data or {}).get("dm_event_id")
            else:
                raise PermanentSendError(f"X has no {outbound.kind.value} here")
        except tweepy.TweepyException as exc:
            raise _send_error(exc) from exc
        except requests.exceptions.ConnectionError as exc:  # ConnectTimeout included: nothing was sent
            raise TransientSendError(f"could not reach X: {type(exc).__name__}", code="connect") from exc
        except requests.exceptions.RequestException as exc:  # a read timeout: X may have posted it
            raise AmbiguousSendError(f"X did not answer in time: {type(exc).__name__}", code="timeout") from exc
        if not isinstance(sent_id, str) or not sent_id:
            raise AmbiguousSendError("X accepted the request but gave no id")
        logger.info("x: sent %s %s", outbound.kind.value, sent_id)
        return SendResult(message_id=sent_id)


def _send_error(exc: tweepy.TweepyException) -> SendError:
    if isinstance(exc, tweepy.TooManyRequests):
        reset = exc.reset_time
        wait = max(1.0, reset - datetime.now(timezone.utc).timestamp()) if reset else 60.0
        return TransientSendError("X rate limit", code="429", retry_after=min(wait, 900.0), rate_limited=True)
    if isinstance(exc, tweepy.TwitterServerError):
        return TransientSendError(f"X is failing: {_reason(exc)}", code=str(exc.response.status_code))
    if isinstance(exc, tweepy.HTTPException):
        return PermanentSendError(f"X refused it ({exc.response.status_code}): {_reason(exc)}",
                                  code=str(exc.response.status_code))
    return PermanentSendError(f"X client error: {type(exc).__name__}")


def _reason(exc: tweepy.HTTPException) -> str:
    messages = list(exc.api_messages or []) or [exc.response.reason or ""]
    return "; ".join(str(m) for m in messages)[:300]


def _objects(data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    items = data.get(key)
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise BadRequest(f"{key} must be a list of objects")
    return items


def _millis(value: Any) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(int(value) / 1000, timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        raise BadRequest(f"not a timestamp: {str(value)[:40]!r}") from None


def _tweet_media(tweet: Mapping[str, Any], extended: Mapping[str, Any]) -> list[Media]:
    entities = extended.get("extended_entities") or tweet.get("extended_entities") or {}
    items = entities.get("media") if isinstance(entities, dict) else None
    return [
        Media(item["media_url_https"][:2000], "image/*")
        for item in items or []
        if isinstance(item, dict) and isinstance(item.get("media_url_https"), str)
        and item["media_url_https"].startswith("https://")
    ]
