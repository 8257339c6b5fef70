"""What Meta's three channels share, written once: settings, the `hub.*` handshake, the
`X-Hub-Signature-256` check, the webhook envelope, Messenger-style DMs and the Graph API client.

WhatsApp Cloud (`whatsapp_cloud`), Instagram (`instagram`) and a Facebook Page (`facebook`) each
have their own module for what differs: their event shapes and where a reply goes.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, ClassVar, Iterator, Mapping

import httpx

from connectors.base import Connector, Event, WebhookRequest, WebhookResponse
from connectors.config import check_api_base, check_positive
from connectors.telegram import shared_ssl_context
from inbox.domain import (
    Capabilities,
    DeliveryStatus,
    EventKind,
    InboundEvent,
    Media,
    Outbound,
    OutboundKind,
    Post,
    Rate,
    Sender,
    SendResult,
    StatusEvent,
    WatermarkEvent,
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

DEFAULT_GRAPH_VERSION = "v23.0"
GRAPH_VERSION = re.compile(r"v\d{1,3}\.\d{1,2}")
GRAPH_ID = re.compile(r"[0-9A-Za-z_.:=-]{1,191}")  # numeric ids, IGSIDs, wamid.HBg... (base64-ish)
# Graph error codes that mean "too many calls": app, user, page, per-number and pair limits.
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, 80001, 80002, 80006, 80007, 130429, 131048, 131056})
TRANSIENT_CODES = frozenset({1, 2, 131000, 131016})  # "unknown error", "service temporarily unavailable"
# Messenger and Instagram DMs: 24 h after the customer's last message, 7 days for a person's
# answer with the HUMAN_AGENT tag.
DM_WINDOW = timedelta(hours=24)
HUMAN_AGENT_WINDOW = timedelta(days=7)
HUMAN_AGENT_TAG = "HUMAN_AGENT"


@dataclass(frozen=True)
class MetaSettings:
    """The app-wide settings every Meta channel uses (META_APP_SECRET, META_VERIFY_TOKEN, GRAPH_API_*)."""

    app_secret: str
    verify_token: str
    graph_base: str = "https://graph.facebook.com"  # scheme, host and port only
    graph_version: str = DEFAULT_GRAPH_VERSION
    timeout: float = 10.0

    def __post_init__(self) -> None:
        if not self.app_secret or not self.verify_token:
            raise ConfigError("Meta channels need META_APP_SECRET and META_VERIFY_TOKEN")
        object.__setattr__(self, "graph_base", check_api_base(self.graph_base, "GRAPH_API_BASE"))
        if not GRAPH_VERSION.fullmatch(self.graph_version):
            raise ConfigError(f"GRAPH_API_VERSION must look like {DEFAULT_GRAPH_VERSION}, got {self.graph_version!r}")
        check_positive(self.timeout, "Graph API timeout")

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "MetaSettings":
        return cls(
            app_secret=env["META_APP_SECRET"],
            verify_token=env["META_VERIFY_TOKEN"],
            graph_base=env.get("GRAPH_API_BASE", "https://graph.facebook.com"),
            graph_version=env.get("GRAPH_API_VERSION", DEFAULT_GRAPH_VERSION),
        )


@dataclass(frozen=True)
class MetaChannelSettings:
    """One Meta channel: the app's settings, the account it speaks for (phone number, Instagram
    account or Page id) and that account's access token. Subclasses name their settings."""

    meta: MetaSettings
    account_id: str
    access_token: str
    ID_SETTING: ClassVar[str] = "the account id"
    TOKEN_SETTING: ClassVar[str] = "the access token"

    def __post_init__(self) -> None:
        check_graph_id(self.account_id, self.ID_SETTING)
        if not self.access_token.strip():
            raise ConfigError(f"{self.TOKEN_SETTING} is empty")


def check_graph_id(value: str, setting: str) -> str:
    value = value.strip()
    if not GRAPH_ID.fullmatch(value):
        raise ConfigError(f"{setting} must be a Graph API id, got {value!r}")
    return value


# -- inbound: handshake, signature, envelope ------------------------------------------------

def hub_handshake(request: WebhookRequest, verify_token: str) -> WebhookResponse:
    """Meta's subscription check: echo `hub.challenge` for the right `hub.verify_token`, else 403."""
    mode = request.query.get("hub.mode")
    token = request.query.get("hub.verify_token", "")
    challenge = request.query.get("hub.challenge", "")
    if mode != "subscribe" or not hmac.compare_digest(token.encode(), verify_token.encode()):
        return WebhookResponse(403, "hub.verify_token does not match META_VERIFY_TOKEN")
    if not challenge or len(challenge) > 200 or not challenge.isprintable():
        return WebhookResponse(400, "hub.challenge is missing or malformed")
    return WebhookResponse(200, challenge)


def signature_ok(request: WebhookRequest, app_secret: str) -> bool:
    """`X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>`."""
    header = request.header("X-Hub-Signature-256") or ""
    if not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), request.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(header[7:].strip().lower().encode(), expected.encode())


def envelope(body: bytes, expected_object: str) -> list[Mapping[str, Any]]:
    """The entries of a Meta webhook body; BadRequest for anything else, UnknownEvent for another object."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(f"body is not JSON: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("entry", []), list):
        raise BadRequest("expected a JSON object with an 'entry' list")
    if data.get("object") != expected_object:
        raise UnknownEvent(f"object {str(data.get('object'))[:40]!r} is not {expected_object!r}")
    entries = data.get("entry") or []
    if not all(isinstance(entry, dict) for entry in entries):
        raise BadRequest("every entry must be a JSON object")
    return entries


def changes_of(entry: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(field, value) of an entry's changes; Instagram may put one change on the entry itself."""
    changes = entry.get("changes")
    if changes is None and "field" in entry:
        changes = [{"field": entry.get("field"), "value": entry.get("value")}]
    if changes is None:
        return  # an entry of DMs only
    if not isinstance(changes, list):
        raise BadRequest("entry.changes must be a list")
    for change in changes:
        if not isinstance(change, dict) or not isinstance(change.get("value"), dict):
            raise BadRequest("every change needs a 'field' and an object 'value'")
        yield str(change.get("field")), change["value"]


def text_of(value: Any, what: str, limit: int = 100_000) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadRequest(f"{what} must be text")
    return value[:limit]


def id_of(value: Any, what: str) -> str:
    """A platform id as text: Meta sends numbers in some fields and strings in others."""
    if isinstance(value, bool) or not isinstance(value, (str, int)) or value == "":
        raise BadRequest(f"{what} is missing or not an id")
    return str(value)


def timestamp_of(value: Any, *, millis: bool = False) -> datetime | None:
    """Seconds (WhatsApp's strings, feed's created_time), milliseconds (messaging), or ISO 8601."""
    if value is None or isinstance(value, bool):
        return None
    try:
        if isinstance(value, str) and not value.isdigit():
            parsed = datetime.fromisoformat(value.replace("+0000", "+00:00"))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
        number = int(value)
        return datetime.fromtimestamp(number / 1000 if millis else number, timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        raise BadRequest(f"not a timestamp: {str(value)[:40]!r}") from None


def parse_messaging(platform: str, entry: Mapping[str, Any], own_id: str) -> list[Event]:
    """Messenger-style `entry.messaging[]` (Messenger and Instagram DMs): messages, delivery and
    read receipts. Our own echoes and reactions, postbacks and the like parse to nothing."""
    events: list[Event] = []
    items = entry.get("messaging") or []
    if not isinstance(items, list):
        raise BadRequest("entry.messaging must be a list")
    for item in items:
        if not isinstance(item, dict):
            raise BadRequest("every messaging item must be an object")
        sender = item.get("sender") if isinstance(item.get("sender"), dict) else {}
        sender_id = id_of(sender.get("id"), "messaging.sender.id")
        when = timestamp_of(item.get("timestamp"), millis=True)
        message = item.get("message")
        if isinstance(message, dict):
            if message.get("is_echo") or sender_id == own_id:
                logger.debug("%s: our own echo %s ignored", platform, message.get("mid"))
                continue
            if message.get("is_deleted"):
                continue  # an unsent message: nothing to answer
            mid = id_of(message.get("mid"), "message.mid")
            media = tuple(_attachments(message.get("attachments")))
            events.append(
                InboundEvent(
                    platform=platform, kind=EventKind.MESSAGE, event_id=mid, chat_id=sender_id,
                    sender=Sender(sender_id), text=text_of(message.get("text"), "message.text"),
                    timestamp=when, message_id=mid, media=media, raw=item,
                )
            )
        elif isinstance(item.get("delivery"), dict):
            delivery = item["delivery"]
            mids = delivery.get("mids") or []
            for mid in mids if isinstance(mids, list) else []:
                events.append(StatusEvent(platform, id_of(mid, "delivery.mids[]"), DeliveryStatus.DELIVERED, when, raw=item))
            if not mids and delivery.get("watermark"):
                events.append(WatermarkEvent(platform, sender_id, DeliveryStatus.DELIVERED,
                                             timestamp_of(delivery["watermark"], millis=True), raw=item))
        elif isinstance(item.get("read"), dict):
            read = item["read"]
            if read.get("mid"):  # Instagram names the message read
                events.append(StatusEvent(platform, id_of(read["mid"], "read.mid"), DeliveryStatus.READ, when, raw=item))
            elif read.get("watermark"):  # Messenger: everything sent before the watermark
                events.append(WatermarkEvent(platform, sender_id, DeliveryStatus.READ,
                                             timestamp_of(read["watermark"], millis=True), raw=item))
        elif any(key in item for key in IGNORED_MESSAGING):
            logger.info("%s: %s event ignored", platform, next(key for key in IGNORED_MESSAGING if key in item))
        else:
            keys = ", ".join(sorted(k for k in item if k not in ("sender", "recipient", "timestamp")))[:80]
            raise UnknownEvent(f"{platform}: messaging event with {keys or 'nothing'}")
    return events


# Messaging events that need no answer from an inbox (reactions, button taps, referrals, typing).
IGNORED_MESSAGING = ("reaction", "postback", "referral", "optin", "account_linking", "message_edit", "typing")


def _attachments(value: Any) -> Iterator[Media]:
    if not isinstance(value, list):
        return
    for attachment in value:
        if not isinstance(attachment, dict):
            continue
        payload = attachment.get("payload") if isinstance(attachment.get("payload"), dict) else {}
        url = payload.get("url")
        kind = str(attachment.get("type") or "file")
        if isinstance(url, str) and url.startswith("https://"):
            yield Media(url[:2000], f"{kind}/*" if kind in ("image", "video", "audio") else None)


# -- outbound: the Graph API ---------------------------------------------------------------

class GraphClient:
    """Plain HTTP to the Graph API (Meta has no official Python SDK for these endpoints)."""

    def __init__(self, settings: MetaSettings, access_token: str, channel: str) -> None:
        self.settings = settings
        self._token = access_token
        self.channel = channel  # for messages: "WhatsApp", "Instagram", "Facebook"

    def url(self, *parts: str) -> str:
        for part in parts:
            if not GRAPH_ID.fullmatch(part) and part not in ("messages", "replies", "comments"):
                raise PermanentSendError(f"not a Graph API id: {part[:60]!r}")
        return "/".join([self.settings.graph_base, self.settings.graph_version, *parts])

    def call(self, method: str, url: str, payload: Mapping[str, Any] | None = None,
             params: Mapping[str, str] | None = None) -> Mapping[str, Any]:
        """One Graph call; its JSON answer, or the `SendError` its failure means."""
        headers = {"Authorization": f"Bearer {self._token}"}
        try:
            with httpx.Client(timeout=self.settings.timeout, verify=shared_ssl_context()) as client:
                response = client.request(method, url, json=payload, headers=headers, params=params)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise TransientSendError(f"could not reach the Graph API: {type(exc).__name__}", code="connect") from exc
        except httpx.TimeoutException as exc:
            # The request went out; Meta may have acted on it.
            raise AmbiguousSendError(f"the Graph API did not answer in time: {type(exc).__name__}", code="timeout") from exc
        except httpx.HTTPError as exc:
            raise AmbiguousSendError(f"the Graph API connection failed: {type(exc).__name__}", code="network") from exc
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code < 300 and isinstance(body, dict):
            return body
        raise self._error(response.status_code, body if isinstance(body, dict) else {}, response.headers)

    def _error(self, status: int, body: Mapping[str, Any], headers: Mapping[str, str]) -> SendError:
        error = body.get("error") if isinstance(body.get("error"), dict) else {}
        code = error.get("code")
        subcode = error.get("error_subcode")
        message = str(error.get("message") or f"HTTP {status}")[:300].replace(self._token, "<token>")
        label = f"{code}" + (f"/{subcode}" if subcode else "") if code is not None else str(status)
        reason = f"{self.channel} refused the call ({label}): {message}"
        if code in RATE_LIMIT_CODES or status == 429:
            retry_after = _retry_after(headers)
            return TransientSendError(f"{self.channel} rate limit: {message}", code=label, retry_after=retry_after,
                                      rate_limited=True)
        if code in TRANSIENT_CODES or error.get("is_transient") or status >= 500:
            return TransientSendError(reason, code=label)
        return PermanentSendError(reason, code=label)


def _retry_after(headers: Mapping[str, str]) -> float:
    value = headers.get("Retry-After") or headers.get("retry-after")
    try:
        return max(1.0, float(value)) if value else 60.0  # Meta rarely says; a minute is its usual window
    except ValueError:
        return 60.0


# -- connectors built on the above -----------------------------------------------------------

def social_capabilities(max_text_length: int, account_per_second: int) -> Capabilities:
    """Instagram and Facebook Page: comments (public and private replies, moderation) and DMs."""
    return Capabilities(
        max_text_length=max_text_length,
        reply_window=DM_WINDOW,
        agent_window=HUMAN_AGENT_WINDOW,
        agent_window_tag=HUMAN_AGENT_TAG,
        outbound_kinds=frozenset(OutboundKind),
        media=False,
        # Send API calls per second per account; private replies ~750 an hour per page.
        rates=(Rate("account", account_per_second, 1.0), Rate("private_reply", 750, 3600.0),
               Rate("recipient", 10, 60.0)),
    )


class MetaConnector(Connector):
    """Verification and signatures for every Meta channel; DMs and comment moderation for the social two."""

    expected_object: str  # the webhook body's "object"
    channel: str  # how errors name it: "WhatsApp", "Instagram", "Facebook"

    def __init__(self, settings: MetaChannelSettings) -> None:
        self.settings = settings.meta
        self.own_id = settings.account_id  # events from it are our own echoes
        self._token = settings.access_token
        self.graph = GraphClient(settings.meta, settings.access_token, self.channel)

    def verify(self, request: WebhookRequest) -> bool:
        return signature_ok(request, self.settings.app_secret)

    def handshake(self, request: WebhookRequest) -> WebhookResponse:
        return hub_handshake(request, self.settings.verify_token)

    reply_edge = ""  # the Graph edge a public reply is posted to (Instagram "replies", Facebook "comments")
    hide_field = ""  # the field that hides a comment (Instagram "hide", Facebook "is_hidden")

    def send(self, outbound: Outbound) -> SendResult:
        """Comments and DMs (Instagram, Facebook); WhatsApp Cloud overrides this with its messages."""
        kind = outbound.kind
        if kind in (OutboundKind.MESSAGE, OutboundKind.PRIVATE_REPLY):
            return self.send_dm(outbound, private_reply=kind is OutboundKind.PRIVATE_REPLY)
        if kind is OutboundKind.PUBLIC_REPLY:
            return self.public_reply(outbound, self.reply_edge)
        if kind in (OutboundKind.HIDE, OutboundKind.UNHIDE, OutboundKind.DELETE):
            return self.moderate(outbound, self.hide_field)
        raise PermanentSendError(f"{self.channel} has no {kind.value}")

    def send_dm(self, outbound: Outbound, *, private_reply: bool) -> SendResult:
        """A DM (`recipient.id`) or a private reply to a comment (`recipient.comment_id`)."""
        if not outbound.text:
            raise PermanentSendError("a message needs text")
        if private_reply:
            if not outbound.reply_to_message_id:
                raise PermanentSendError("a private reply needs the comment it answers")
            payload: dict[str, Any] = {"recipient": {"comment_id": outbound.reply_to_message_id},
                                       "message": {"text": outbound.text}}
        else:
            payload = {"recipient": {"id": outbound.chat_id}, "message": {"text": outbound.text}}
            if outbound.tag:
                payload.update(messaging_type="MESSAGE_TAG", tag=outbound.tag)
            else:
                payload["messaging_type"] = "RESPONSE"
        answer = self.graph.call("POST", self.graph.url(self.own_id, "messages"), payload)
        message_id = answer.get("message_id")
        if not isinstance(message_id, str) or not message_id:
            raise AmbiguousSendError(f"{self.graph.channel} accepted the message but gave no message_id")
        return SendResult(message_id=message_id)

    def moderate(self, outbound: Outbound, hide_field: str) -> SendResult:
        """Hide, unhide or delete the comment `reply_to_message_id`."""
        comment_id = outbound.reply_to_message_id
        if not comment_id:
            raise PermanentSendError(f"{outbound.kind.value} needs the comment id")
        url = self.graph.url(comment_id)
        if outbound.kind is OutboundKind.DELETE:
            self.graph.call("DELETE", url)
        else:
            self.graph.call("POST", url, {hide_field: outbound.kind is OutboundKind.HIDE})
        # Moderation has no id of its own; the action's key is unique per comment and kind.
        return SendResult(message_id=f"{outbound.kind.value}:{comment_id}")

    def describe(self, post_id: str, caption_field: str, link_field: str) -> Post | None:
        try:
            answer = self.graph.call("GET", self.graph.url(post_id), params={"fields": f"{caption_field},{link_field}"})
        except SendError as exc:
            logger.info("%s: post %s not described: %s", self.graph.channel, post_id[:60], exc)
            return None
        caption, link = answer.get(caption_field), answer.get(link_field)
        return Post(post_id, caption=caption[:2000] if isinstance(caption, str) else None,
                    link=link if isinstance(link, str) and link.startswith("https://") else None)

    def public_reply(self, outbound: Outbound, edge: str) -> SendResult:
        comment_id = outbound.reply_to_message_id
        if not comment_id or not outbound.text:
            raise PermanentSendError("a public reply needs the comment id and text")
        answer = self.graph.call("POST", self.graph.url(comment_id, edge), {"message": outbound.text})
        reply_id = answer.get("id")
        if not isinstance(reply_id, str) or not reply_id:
            raise AmbiguousSendError(f"{self.graph.channel} accepted the reply but gave no id")
        return SendResult(message_id=reply_id)
