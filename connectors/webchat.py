"""The shop's own website chat: a widget served by the app, talking to routes of this connector.

The shop pastes one line into its site:

    <script src="https://YOUR-HOST/webhooks/webchat/widget.js" data-title="Toko Sari" async></script>

Routes (under /webhooks/webchat):
- `GET  /widget.js`  the widget (no framework, shadow DOM, text rendered as text);
- `POST /session`    a new anonymous visitor: a signed token the widget keeps in the browser's
                     localStorage on the shop's site (no cookie of ours is set there);
- `POST /messages`   a visitor's message (`{"token", "text", "client_id", "name"?, "phone"?, "image"?}`;
                     a photo is `{"type", "data": base64}`, JPEG/PNG/WebP checked by its bytes, kept
                     by the inbox itself: `InboxPort.store_file`);
- `GET  /messages?token=...&after=ID`  the visitor's thread after a message id (polled);
- `GET  /status?lang=id`  whether the shop answers now, and when it opens next.

Bodies are sent as `text/plain` JSON, so a browser makes no CORS preflight; answers carry
`Access-Control-Allow-Origin` only for the shop's allowed origins. A token names one visitor and is
signed with `WEBCHAT_SECRET`: nothing a visitor sends reaches another visitor's thread.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import re
import secrets
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence
from urllib.parse import urlsplit

from connectors.base import Connector, Event, InboxPort, Route, WebhookRequest, WebhookResponse
from inbox.domain import (
    Capabilities,
    EventKind,
    InboundEvent,
    Media,
    Outbound,
    OutboundKind,
    Platform,
    Sender,
    SendResult,
)
from inbox.errors import BadRequest, ConfigError, PermanentSendError

logger = logging.getLogger(__name__)

WIDGET_JS = (Path(__file__).with_name("webchat_widget.js")).read_text(encoding="utf-8")
TOKEN = re.compile(r"v1\.(?P<visitor>[A-Za-z0-9_-]{22})\.(?P<signature>[A-Za-z0-9_-]{43})")
CLIENT_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
PHONE = re.compile(r"\+?[0-9][0-9 -]{6,18}")
MAX_TEXT = 2000
MAX_NAME = 80
MAX_IMAGE_BYTES = 600 * 1024  # the widget shrinks photos to fit; a request stays under the body limit
IMAGE_MAGIC = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n", "image/webp": b"RIFF"}
# Per visitor and per address: a person types at most a few messages a minute; a script more.
VISITOR_RATE = (12, 60.0)
ADDRESS_RATE = (60, 60.0)
SESSIONS_PER_ADDRESS = (20, 3600.0)

WEBCHAT_CAPABILITIES = Capabilities(max_text_length=4000)


@dataclass(frozen=True)
class WebchatSettings:
    secret: str
    allowed_origins: tuple[str, ...] = ()  # besides the app's own origin

    def __post_init__(self) -> None:
        if len(self.secret) < 16:
            raise ConfigError("WEBCHAT_SECRET must be at least 16 characters")
        for origin in self.allowed_origins:
            parts = urlsplit(origin)
            if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
                raise ConfigError(f"WEBCHAT_ALLOWED_ORIGINS takes origins like https://toko.example, got {origin!r}")

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "WebchatSettings":
        origins = tuple(o.strip().rstrip("/") for o in env.get("WEBCHAT_ALLOWED_ORIGINS", "").split(",") if o.strip())
        return cls(env["WEBCHAT_SECRET"], origins)


class RateLimit:
    """Sliding-window counts per key, in this process (a web process serves its visitors' bursts)."""

    def __init__(self, count: int, seconds: float) -> None:
        self.count, self.seconds = count, seconds
        self._hits: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        with self._lock:
            hits = self._hits[key]
            while hits and now - hits[0] > self.seconds:
                hits.popleft()
            if len(hits) >= self.count:
                return False
            hits.append(now)
            if len(self._hits) > 50_000:  # forget quiet keys rather than grow without bound
                for stale in [k for k, v in self._hits.items() if not v or now - v[-1] > self.seconds][:25_000]:
                    del self._hits[stale]
            return True


class WebchatConnector(Connector):
    name = "webchat"
    platforms = (Platform.WEBCHAT,)
    capabilities = {Platform.WEBCHAT: WEBCHAT_CAPABILITIES}
    routes = (
        Route("/widget.js", ("GET",), "widget"),
        Route("/session", ("POST",), "session"),
        Route("/messages", ("GET", "POST"), "messages"),
        Route("/status", ("GET",), "status"),
    )

    def __init__(self, settings: WebchatSettings) -> None:
        self.settings = settings
        self._key = hashlib.sha256(b"webchat-visitor-token:" + settings.secret.encode()).digest()
        self._per_visitor = RateLimit(*VISITOR_RATE)
        self._per_address = RateLimit(*ADDRESS_RATE)
        self._sessions = RateLimit(*SESSIONS_PER_ADDRESS)

    # The standard webhook path is not used: visitors talk to the routes above.
    def verify(self, request: WebhookRequest) -> bool:
        return False

    def parse(self, request: WebhookRequest) -> Sequence[Event]:
        raise BadRequest("the web chat has no platform webhook")

    def send(self, outbound: Outbound) -> SendResult:
        """The answer is already stored; the visitor's widget fetches it from its thread."""
        if outbound.kind is not OutboundKind.MESSAGE:
            raise PermanentSendError(f"the web chat has no {outbound.kind.value}")
        return SendResult(message_id=f"webchat-{secrets.token_hex(12)}")

    # -- tokens ---------------------------------------------------------------------------

    def new_token(self) -> str:
        visitor = base64.urlsafe_b64encode(secrets.token_bytes(16)).decode().rstrip("=")
        return f"v1.{visitor}.{self._sign(visitor)}"

    def visitor_of(self, token: str | None) -> str | None:
        match = TOKEN.fullmatch(token or "")
        if not match or not hmac.compare_digest(match["signature"], self._sign(match["visitor"])):
            return None
        return match["visitor"]

    def _sign(self, visitor: str) -> str:
        digest = hmac.new(self._key, visitor.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    # -- routes ----------------------------------------------------------------------------

    def handle(self, endpoint: str, request: WebhookRequest, inbox: InboxPort) -> WebhookResponse:
        if endpoint == "widget":
            return WebhookResponse(200, WIDGET_JS, "application/javascript; charset=utf-8",
                                   {"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"})
        origin = request.header("Origin")
        cors = self._cors(origin, request.url)
        if cors is None:
            return WebhookResponse(403, json.dumps({"error": "this site may not use the shop's chat"}),
                                   "application/json")
        address = request.remote_addr or "unknown"
        if endpoint == "status":  # open now? shown at the top of the chat
            lang = "en" if request.query.get("lang") == "en" else "id"
            return _json(200, dict(inbox.shop_hours(lang)), cors)
        if endpoint == "session":
            if not self._sessions.allow(address):
                return _json(429, {"error": "too many new chats from this address; try again later"}, cors)
            return _json(200, {"token": self.new_token()}, cors)
        if request.method == "GET":
            visitor = self.visitor_of(request.query.get("token"))
            if visitor is None:
                return _json(403, {"error": "unknown or forged visitor token"}, cors)
            after = request.query.get("after", "0")
            after_id = int(after) if after.isdigit() and len(after) < 12 else 0
            return _json(200, {"messages": [_public(m) for m in inbox.thread(Platform.WEBCHAT, visitor, after_id)]}, cors)
        body = _body(request.body)
        visitor = self.visitor_of(body.get("token"))
        if visitor is None:
            return _json(403, {"error": "unknown or forged visitor token"}, cors)
        if not self._per_visitor.allow(visitor) or not self._per_address.allow(address):
            return _json(429, {"error": "too many messages; wait a moment"}, cors)
        text = body.get("text") if isinstance(body.get("text"), str) else ""
        client_id = body.get("client_id")
        photo = body.get("image")
        if not text.strip() and photo is None:
            return _json(400, {"error": "text or an image is required"}, cors)
        if len(text) > MAX_TEXT:
            return _json(413, {"error": f"a message takes at most {MAX_TEXT} characters"}, cors)
        if not isinstance(client_id, str) or not CLIENT_ID.fullmatch(client_id):
            return _json(400, {"error": "client_id must be 8-64 characters of A-Z a-z 0-9 _ -"}, cors)
        name = body.get("name") if isinstance(body.get("name"), str) else None
        phone = body.get("phone") if isinstance(body.get("phone"), str) else None
        if phone and not PHONE.fullmatch(phone.strip()):
            return _json(400, {"error": "the WhatsApp number is not a phone number"}, cors)
        media: tuple[Media, ...] = ()
        if photo is not None:
            try:
                content, content_type = _image(photo)
            except ValueError as exc:
                return _json(413 if "larger" in str(exc) else 400, {"error": str(exc)}, cors)
            media = (Media(inbox.store_file(content, content_type), content_type),)
        event = InboundEvent(
            platform=Platform.WEBCHAT,
            kind=EventKind.MESSAGE,
            event_id=f"{visitor}:{client_id}",  # a resent message (a retry, a second tab) is stored once
            chat_id=visitor,
            sender=Sender(visitor, display_name=(name or "").strip()[:MAX_NAME] or None,
                          phone=_e164(phone) if phone else None),
            text=text.strip(),
            timestamp=None,
            message_id=client_id,
            media=media,
        )
        stored = inbox.store([event])
        return _json(200, {"stored": len(stored)}, cors)

    def _cors(self, origin: str | None, request_url: str) -> dict[str, str] | None:
        """Headers for an allowed caller; None for a page the shop did not allow."""
        parts = urlsplit(request_url)
        own = f"{parts.scheme}://{parts.netloc}"
        if not origin:
            return {}  # not a browser's cross-site call (curl, a server): nothing to allow
        origin = origin.rstrip("/")
        if origin == own or origin in self.settings.allowed_origins:
            return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
        return None


def _json(status: int, payload: Mapping[str, Any], headers: Mapping[str, str]) -> WebhookResponse:
    return WebhookResponse(status, json.dumps(payload), "application/json", {**headers, "Cache-Control": "no-store"})


def _body(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("the body must be JSON") from None
    if not isinstance(data, dict):
        raise BadRequest("the body must be a JSON object")
    return data


def _public(message: Mapping[str, Any]) -> dict[str, Any]:
    """What a visitor may see of their thread: no internal notes, ids of others or delivery details."""
    return {
        "id": message["id"],
        "from": "visitor" if message["direction"] == "in" else message["sender_type"],
        "agent": message.get("agent") if message["sender_type"] == "agent" else None,
        "text": message["text"],
        "photos": sum(1 for m in message.get("media") or [] if str(m.get("content_type") or "").startswith("image/")),
        "at": message["created_at"],
    }


def _image(value: Any) -> tuple[bytes, str]:
    """A visitor's photo: `{"type": "image/jpeg", "data": "<base64>"}`, checked by its own bytes."""
    if not isinstance(value, dict) or not isinstance(value.get("data"), str):
        raise ValueError('image must be {"type": ..., "data": "<base64>"}')
    if len(value["data"]) > MAX_IMAGE_BYTES * 4 // 3 + 4:
        raise ValueError(f"the photo is larger than {MAX_IMAGE_BYTES // 1024} KB")
    try:
        content = base64.b64decode(value["data"], validate=True)
    except (ValueError, binascii.Error):
        raise ValueError("image data is not base64") from None
    kind = next((name for name, magic in IMAGE_MAGIC.items() if content.startswith(magic)), None)
    if kind is None or (kind == "image/webp" and content[8:12] != b"WEBP"):
        raise ValueError("only JPEG, PNG and WebP photos are taken")
    return content, kind


def _e164(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    return "+" + digits
