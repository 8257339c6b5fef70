"""A local, recording fake of the Twilio, Telegram, Meta Graph and X HTTP APIs.

Point a connector's `api_base` at `base_url` and the official client library's real request
code runs against it:

    with FakePlatformAPI(twilio_account_sid="AC...", twilio_auth_token="secret") as api:
        connector = TwilioWhatsAppConnector(TwilioSettings(..., api_base=api.base_url))
        api.fail_next("twilio", 429, retry_after=7)   # script a failure, then back to normal
        [call] = api.wait_for_calls(1)               # RecordedCall(platform, method, path, body, ...)

Attachments: Twilio media URLs (`api.twilio_media_url(sid)`) and Telegram file ids serve a small
PNG unless `add_twilio_media` / `add_telegram_file` registered other bytes for them.

Graph (WhatsApp Cloud, Instagram, Facebook): `POST /vNN.N/{id}/messages|replies|comments`,
`POST|DELETE /vNN.N/{comment-id}` (hide, delete), `GET /vNN.N/{media-id}` and the file it points to.
X: `POST /2/tweets` and `POST /2/dm_conversations/with/{id}/messages` (OAuth 1.0a header required).
`fail_next("graph" | "x", status)` scripts their errors in each platform's own format.

Demo server (logs one line per call): `python -m inbox.sandbox.platform_api --port 8975`
"""
from __future__ import annotations

import argparse
import base64
import bisect
import hashlib
import json
import logging
import re
import secrets
import signal
import struct
import threading
import time
import zlib
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Mapping
from urllib.parse import parse_qsl, urlsplit

logger = logging.getLogger(__name__)

TWILIO_MESSAGES = re.compile(r"/2010-04-01/Accounts/(?P<account_sid>[^/]+)/Messages\.json")
TWILIO_MEDIA = re.compile(
    r"/2010-04-01/Accounts/(?P<account_sid>[^/]+)/Messages/(?P<message_sid>[^/]+)/Media/(?P<media_sid>[^/.]+)"
)
MEDIA_STORE = re.compile(r"/media-store/(?P<key>[^/]+)")  # where Twilio's media redirect points
GRAPH_CALL = re.compile(r"/(?P<version>v\d+\.\d+)/(?P<node>[^/]+)(?:/(?P<edge>messages|replies|comments))?")
GRAPH_MEDIA_FILE = re.compile(r"/graph-media/(?P<media_id>[^/]+)")  # where a Graph media URL points
X_TWEETS = re.compile(r"/2/tweets")
X_DM = re.compile(r"/2/dm_conversations/with/(?P<participant>[^/]+)/messages")
TELEGRAM_METHOD = re.compile(r"/bot(?P<token>[^/]+)/(?P<method>[A-Za-z]+)")
TELEGRAM_FILE = re.compile(r"/file/bot(?P<token>[^/]+)/(?P<path>.+)")
# PTB posts form fields and JSON-encodes the structured ones; decode those so tests can read them.
TELEGRAM_JSON_FIELDS = frozenset({"reply_parameters", "reply_markup", "entities", "link_preview_options"})

TWILIO_ERRORS: Mapping[int, tuple[int, str]] = {
    400: (63016, "Failed to send freeform message because you are outside the allowed window. "
                 "If you are using WhatsApp, please use a Message Template."),
    401: (20003, "Authenticate"),
    404: (20404, "The requested resource was not found"),
    429: (20429, "Too Many Requests"),
}
TELEGRAM_DESCRIPTIONS: Mapping[int, str] = {
    400: "Bad Request: chat not found",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


def twilio_sid(label: str, prefix: str) -> str:
    """A Twilio-shaped SID (prefix + 32 hex digits) for a test's short label; a real one as it is."""
    if re.fullmatch(r"[A-Z]{2}[0-9a-f]{32}", label):
        return label
    return prefix + hashlib.md5(label.encode()).hexdigest()


def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A valid one-colour PNG, built here so the fake needs no image files."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


DEFAULT_MEDIA = _png(4, 4, (200, 60, 40))  # what an unregistered media URL or file id serves


@dataclass(frozen=True)
class StoredMedia:
    content: bytes
    content_type: str = "image/png"
    redirect_host: str | None = None  # Twilio: redirect to this host (same port), as to its storage
    file_path: str = "photos/file_1.jpg"  # Telegram: what getFile answers
    file_size: int | None = None  # Telegram: the size getFile reports (default: the real one)


GRAPH_ERRORS: Mapping[int, tuple[int, int | None, str]] = {
    400: (100, None, "(#100) Invalid parameter"),
    401: (190, None, "Error validating access token: Session has expired"),
    403: (10, 2018278, "(#10) This message is sent outside of allowed window."),
    404: (803, None, "(#803) Some of the aliases you requested do not exist"),
    429: (4, None, "(#4) Application request limit reached"),
    500: (2, None, "An unexpected error has occurred. Please retry your request later."),
}


@dataclass(frozen=True)
class RecordedCall:
    platform: str  # "twilio", "telegram", "graph" (WhatsApp Cloud, Instagram, Facebook) or "x"
    method: str  # HTTP method
    path: str  # without the query string
    body: Mapping[str, Any]  # Twilio: the form fields; Telegram: the parameters
    auth_ok: bool  # Twilio: basic auth and account SID matched; Telegram: the token in the path did
    status: int  # what the fake answered
    endpoint: str  # "Messages.json", "Media", "media-store", "sendMessage", "getMe", "getFile", "file"
    headers: Mapping[str, str] = field(default_factory=dict, compare=False)  # the request's
    at: float = field(default_factory=time.monotonic, compare=False)  # when it arrived (pacing tests)

    @property
    def recipient(self) -> str | None:
        """Who or what it went to: a number, a chat, a user id, or the comment or tweet replied to."""
        body = self.body
        if self.platform == "graph":
            target = body.get("recipient") if isinstance(body.get("recipient"), dict) else {}
            value = body.get("to") or target.get("id") or target.get("comment_id") or body.get("_node")
        elif self.platform == "x":
            reply = body.get("reply") if isinstance(body.get("reply"), dict) else {}
            value = body.get("_participant") or reply.get("in_reply_to_tweet_id")
        else:
            value = body.get("To" if self.platform == "twilio" else "chat_id")
        return None if value is None else str(value)

    @property
    def text(self) -> str | None:
        body = self.body
        if self.platform == "graph":
            message, text = body.get("message"), body.get("text")
            value = (message.get("text") if isinstance(message, dict) else message) or (
                text.get("body") if isinstance(text, dict) else None)
        else:
            value = body.get({"twilio": "Body"}.get(self.platform, "text"))
        return None if value is None else str(value)


def most_in_any_window(arrivals: list[float], seconds: float) -> int:
    """The most requests that arrived within any `seconds`-long window: what a platform's limit counts."""
    times = sorted(arrivals)
    return max((bisect.bisect_left(times, start + seconds) - i for i, start in enumerate(times)), default=0)


def rate_used(arrivals: list[float], count: int, seconds: float) -> float:
    """The share of a `count` per `seconds` limit used while requests kept arriving.

    The mean fill of a window slid evenly in time over the busy period (the throughput over the
    rate). Windows that start at arrivals would undercount a pacer that sends in bursts: the window
    starting at a burst's last request skips the burst's earlier slots, free again just after it.
    """
    times = sorted(arrivals)
    busy = times[-1] - times[0] - seconds if times else -1.0
    if busy <= 0:
        raise ValueError("too few requests over too short a time to measure the rate")
    steps = 1000
    fills = []
    for k in range(steps + 1):
        start = times[0] + busy * k / steps
        fills.append((bisect.bisect_left(times, start + seconds) - bisect.bisect_left(times, start)) / count)
    return sum(fills) / len(fills)


@dataclass
class ScriptedFailure:
    status: int
    retry_after: int | None = None
    endpoint: str | None = None  # only calls to this endpoint; None: the platform's next call
    description: str | None = None  # Telegram: the error description


@dataclass
class Reply:
    status: int
    payload: Mapping[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes | None = None  # answered as is (with Content-Type from headers) instead of JSON


class FakePlatformAPI:
    """Twilio `POST .../Messages.json`, `GET .../Messages/{MM}/Media/{ME}`; Telegram
    `/bot{token}/sendMessage|getMe|getFile` and `GET /file/bot{token}/{file_path}`.

    Credentials left as None accept any (non-empty) credentials; set them to check auth.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        twilio_account_sid: str | None = None,
        twilio_auth_token: str | None = None,
        telegram_bot_token: str | None = None,
        on_call: Callable[[RecordedCall], None] | None = None,
    ) -> None:
        self.host, self.port = host, port
        self.twilio_account_sid = twilio_account_sid
        self.twilio_auth_token = twilio_auth_token
        self.telegram_bot_token = telegram_bot_token
        self.on_call = on_call
        self.slow_seconds = 0.0  # set to answer every request this much later
        self._changed = threading.Condition()
        self._calls: list[RecordedCall] = []
        self._failures: dict[str, deque[ScriptedFailure]] = {
            "twilio": deque(), "telegram": deque(), "graph": deque(), "x": deque()}
        self._telegram_message_ids: dict[str, int] = {}
        self._twilio_media: dict[str, StoredMedia] = {}  # by media SID (ME...)
        self._telegram_files: dict[str, StoredMedia] = {}  # by file_id
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> "FakePlatformAPI":
        if self._server is not None:
            return self
        server = ThreadingHTTPServer((self.host, self.port), _Handler)
        server.fake = self  # type: ignore[attr-defined]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-platform-api", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> "FakePlatformAPI":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakePlatformAPI is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # -- scripting and inspection ---------------------------------------------------------

    @property
    def calls(self) -> list[RecordedCall]:
        """A snapshot of the calls recorded so far, oldest first."""
        with self._changed:
            return list(self._calls)

    def fail_next(
        self,
        platform: str,
        status: int,
        times: int = 1,
        retry_after: int | None = None,
        *,
        endpoint: str | None = None,
        description: str | None = None,
    ) -> None:
        """Answer the next `times` calls to `platform` (or to its `endpoint` only, e.g. "getFile",
        "file", "Media") with an error `status` in its own format."""
        if platform not in self._failures:
            raise ValueError(f"unknown platform {platform!r}")
        with self._changed:
            self._failures[platform].extend(
                ScriptedFailure(status, retry_after, endpoint, description) for _ in range(times)
            )

    def twilio_media_url(self, account_sid: str, media_sid: str = "ME" + "0" * 32, message_sid: str = "MM" + "0" * 32) -> str:
        """The URL a Twilio webhook's MediaUrl0 would carry, on this fake (a short label such as
        "ME1" stands for a real-shaped SID, the same one `add_twilio_media` registers)."""
        return (
            f"{self.base_url}/2010-04-01/Accounts/{account_sid}/Messages/{twilio_sid(message_sid, 'MM')}"
            f"/Media/{twilio_sid(media_sid, 'ME')}"
        )

    def add_twilio_media(
        self, media_sid: str, content: bytes, content_type: str = "image/png", *, redirect_host: str | None = None
    ) -> None:
        """Serve `content` for this media SID; with `redirect_host` ("localhost"), answer as Twilio
        does, with a 307 to another host that serves it without auth (`media-store` calls)."""
        with self._changed:
            self._twilio_media[twilio_sid(media_sid, "ME")] = StoredMedia(content, content_type, redirect_host=redirect_host)

    def add_telegram_file(
        self, file_id: str, content: bytes, file_path: str | None = None, *, file_size: int | None = None
    ) -> None:
        """Serve `content` for this file_id at `file_path` (default `photos/file_<file_id>.jpg`);
        `file_size` is what getFile reports (default: the real size)."""
        path = file_path or f"photos/file_{file_id}.jpg"
        with self._changed:
            self._telegram_files[file_id] = StoredMedia(content, file_path=path, file_size=file_size)

    def wait_for_calls(self, n: int, timeout: float = 15.0) -> list[RecordedCall]:
        with self._changed:
            if not self._changed.wait_for(lambda: len(self._calls) >= n, timeout=timeout):
                raise TimeoutError(f"expected {n} calls within {timeout}s, got {len(self._calls)}")
            return list(self._calls)

    def reset(self) -> None:
        with self._changed:
            self._calls.clear()
            for queue in self._failures.values():
                queue.clear()
            self._telegram_message_ids.clear()
            self._twilio_media.clear()
            self._telegram_files.clear()

    # -- request handling (called from server threads) ------------------------------------

    def handle(self, method: str, path: str, headers: Mapping[str, str], body: bytes, host: str = "",
               query: str = "") -> Reply:
        if self.slow_seconds:
            time.sleep(self.slow_seconds)  # a platform having a slow spell (chaos tests)
        params: dict[str, Any] = {}
        if match := TWILIO_MESSAGES.fullmatch(path):
            platform, endpoint = "twilio", "Messages.json"
            params = _form(body)
            auth_ok = self._twilio_auth_ok(match["account_sid"], headers.get("Authorization"))
            reply = self._twilio(method, match["account_sid"], params, auth_ok)
        elif match := TWILIO_MEDIA.fullmatch(path):
            platform, endpoint = "twilio", "Media"
            auth_ok = self._twilio_auth_ok(match["account_sid"], headers.get("Authorization"))
            reply = self._twilio_media_reply(method, match["media_sid"], auth_ok, host)
        elif match := MEDIA_STORE.fullmatch(path):
            platform, endpoint, auth_ok = "twilio", "media-store", True  # a signed URL: no auth
            reply = self._media_store(match["key"])
        elif match := GRAPH_MEDIA_FILE.fullmatch(path):
            platform, endpoint = "graph", "media-file"
            auth_ok = (headers.get("Authorization") or "").startswith("Bearer ")
            reply = _file_reply(DEFAULT_MEDIA, "image/png") if auth_ok else _graph_error(401)
        elif match := GRAPH_CALL.fullmatch(path):
            platform = "graph"
            params = _json_body(body) if body else dict(parse_qsl(query))
            params["_node"] = match["node"]
            auth_ok = len(headers.get("Authorization") or "") > len("Bearer ")
            endpoint, reply = self._graph(method, match["node"], match["edge"], params, auth_ok, host)
        elif X_TWEETS.fullmatch(path) or X_DM.fullmatch(path):
            platform = "x"
            params = _json_body(body)
            dm = X_DM.fullmatch(path)
            endpoint = "dm" if dm else "tweets"
            if dm:
                params["_participant"] = dm["participant"]
            auth_ok = (headers.get("Authorization") or "").startswith("OAuth ") and "oauth_signature" in headers.get(
                "Authorization", "")
            reply = self._x(method, endpoint, params, auth_ok)
        elif match := TELEGRAM_METHOD.fullmatch(path):
            platform, endpoint = "telegram", match["method"]
            params = _telegram_params(body, headers.get("Content-Type", ""))
            auth_ok = bool(match["token"]) and self.telegram_bot_token in (None, match["token"])
            reply = self._telegram(endpoint, match["token"], params, auth_ok)
        elif match := TELEGRAM_FILE.fullmatch(path):
            platform, endpoint = "telegram", "file"
            auth_ok = bool(match["token"]) and self.telegram_bot_token in (None, match["token"])
            reply = self._telegram_file(match["path"], auth_ok)
        else:
            logger.info("fake API: unknown path %s %s -> 404", method, path)
            return Reply(404, {"code": 20404, "message": "Not Found", "status": 404})
        call = RecordedCall(platform, method, path, params, auth_ok, reply.status, endpoint, dict(headers))
        with self._changed:
            self._calls.append(call)
            self._changed.notify_all()
        if self.on_call is not None:
            self.on_call(call)
        return reply

    def _next_failure(self, platform: str, endpoint: str | None = None) -> ScriptedFailure | None:
        with self._changed:
            queue = self._failures[platform]
            for failure in queue:
                if failure.endpoint in (None, endpoint):
                    queue.remove(failure)
                    return failure
            return None

    def _graph(
        self, method: str, node: str, edge: str | None, params: Mapping[str, Any], auth_ok: bool, host: str
    ) -> tuple[str, Reply]:
        """Graph API: WhatsApp and Messenger sends, comment replies, moderation, media look-ups."""
        endpoint = edge or {"DELETE": "delete", "GET": "media"}.get(method, "moderate")
        if not auth_ok:
            return endpoint, _graph_error(401)
        if failure := self._next_failure("graph", endpoint):
            return endpoint, _graph_error(failure.status, failure.description)
        token = secrets.token_hex(8)
        if edge == "messages":
            if params.get("messaging_product") == "whatsapp":
                if not params.get("to"):
                    return endpoint, _graph_error(400, "(#100) The parameter to is required.")
                return endpoint, Reply(200, {"messaging_product": "whatsapp",
                                             "contacts": [{"input": params["to"], "wa_id": params["to"]}],
                                             "messages": [{"id": f"wamid.HBgL{token.upper()}"}]})
            recipient = params.get("recipient") if isinstance(params.get("recipient"), dict) else {}
            if not recipient.get("id") and not recipient.get("comment_id"):
                return endpoint, _graph_error(400, "(#100) param recipient must be non-empty.")
            return endpoint, Reply(200, {"recipient_id": str(recipient.get("id") or "9000" + token[:8]),
                                         "message_id": f"m_{token}"})
        if edge in ("replies", "comments"):
            if not params.get("message"):
                return endpoint, _graph_error(400, "(#100) The parameter message is required")
            return endpoint, Reply(200, {"id": f"{node}_{int(token, 16) % 10**12}"})
        fields = str(params.get("fields", ""))
        if method == "GET" and "permalink" in fields:  # a post or Instagram media: caption and link
            caption_field, link_field = ("caption", "permalink") if "caption" in fields else ("message", "permalink_url")
            link = f"https://www.instagram.com/p/{node[-6:]}/" if link_field == "permalink" else f"https://www.facebook.com/{node}"
            return endpoint, Reply(200, {"id": node, caption_field: f"Koleksi baru {node[-4:]}: kaos oversize 89rb",
                                         link_field: link})
        if method == "GET":  # a WhatsApp media id: where to download it
            return endpoint, Reply(200, {"messaging_product": "whatsapp", "id": node, "mime_type": "image/png",
                                         "file_size": len(DEFAULT_MEDIA), "url": f"http://{host}/graph-media/{node}"})
        return endpoint, Reply(200, {"success": True})

    def _x(self, method: str, endpoint: str, params: Mapping[str, Any], auth_ok: bool) -> Reply:
        """X API v2: POST /2/tweets and POST /2/dm_conversations/with/{id}/messages."""
        if not auth_ok:
            return _x_error(401, "Unauthorized")
        if method != "POST":
            return _x_error(405, "Method Not Allowed")
        if failure := self._next_failure("x", endpoint):
            return _x_error(failure.status, failure.description, failure.retry_after)
        if not params.get("text"):
            return _x_error(400, "Invalid Request: text is required")
        number = str(1_800_000_000_000_000_000 + secrets.randbelow(10**17))
        if endpoint == "tweets":
            return Reply(201, {"data": {"id": number, "text": params["text"], "edit_history_tweet_ids": [number]}})
        return Reply(201, {"data": {"dm_conversation_id": f"{params['_participant']}-1500000000",
                                    "dm_event_id": number}})

    def _twilio_auth_ok(self, path_sid: str, authorization: str | None) -> bool:
        if not authorization or not authorization.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(authorization[6:]).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        return (
            bool(user and password)
            and user == path_sid
            and self.twilio_account_sid in (None, user)
            and self.twilio_auth_token in (None, password)
        )

    def _twilio(self, method: str, account_sid: str, form: Mapping[str, str], auth_ok: bool) -> Reply:
        if not auth_ok:
            return _twilio_error(401)
        if method != "POST":
            return _twilio_error(405, 20004, "Method not allowed")
        if failure := self._next_failure("twilio", "Messages.json"):
            return _twilio_error(failure.status, retry_after=failure.retry_after)
        if not form.get("To"):
            return _twilio_error(400, 21604, "A 'To' phone number is required.")
        if not form.get("From") and not form.get("MessagingServiceSid"):
            return _twilio_error(400, 21603, "A 'From' phone number is required.")
        if not form.get("Body") and not form.get("MediaUrl") and not form.get("ContentSid"):
            return _twilio_error(400, 21602, "Message body is required.")
        sid = "SM" + secrets.token_hex(16)
        now = datetime.now(timezone.utc).strftime("%a, %d %b %Y %H:%M:%S +0000")
        resource = f"/2010-04-01/Accounts/{account_sid}/Messages/{sid}"
        return Reply(201, {
            "account_sid": account_sid, "api_version": "2010-04-01", "body": form.get("Body", ""),
            "date_created": now, "date_sent": None, "date_updated": now, "direction": "outbound-api",
            "error_code": None, "error_message": None, "from": form.get("From"),
            "messaging_service_sid": form.get("MessagingServiceSid"), "num_media": "0", "num_segments": "1",
            "price": None, "price_unit": "USD", "sid": sid, "status": "queued",
            "subresource_uris": {"media": f"{resource}/Media.json", "feedback": f"{resource}/Feedback.json"},
            "to": form["To"], "uri": f"{resource}.json",
        })

    def _twilio_media_reply(self, method: str, media_sid: str, auth_ok: bool, host: str) -> Reply:
        if not auth_ok:
            return _twilio_error(401)
        if method != "GET":
            return _twilio_error(405, 20004, "Method not allowed")
        if failure := self._next_failure("twilio", "Media"):
            return _twilio_error(failure.status, retry_after=failure.retry_after)
        with self._changed:
            media = self._twilio_media.get(media_sid, StoredMedia(DEFAULT_MEDIA))
        if media.redirect_host:
            port = host.rpartition(":")[2]
            location = f"http://{media.redirect_host}:{port}/media-store/{media_sid}"
            return Reply(307, {}, {"Location": location})
        return _file_reply(media.content, media.content_type)

    def _media_store(self, media_sid: str) -> Reply:
        with self._changed:
            media = self._twilio_media.get(media_sid)
        if media is None:
            return Reply(403, {"error": "AccessDenied"})
        return _file_reply(media.content, media.content_type)

    def _telegram_file(self, file_path: str, auth_ok: bool) -> Reply:
        if not auth_ok:
            return _telegram_error(401)
        if failure := self._next_failure("telegram", "file"):
            return _telegram_error(failure.status, failure.retry_after, failure.description)
        with self._changed:
            stored = [media for media in self._telegram_files.values() if media.file_path == file_path]
        if not stored and file_path == StoredMedia(DEFAULT_MEDIA).file_path:
            stored = [StoredMedia(DEFAULT_MEDIA)]
        if not stored:
            return _telegram_error(404)
        return _file_reply(stored[0].content, "application/octet-stream")  # as the Bot API serves files

    def _telegram(self, endpoint: str, token: str, params: Mapping[str, Any], auth_ok: bool) -> Reply:
        if not auth_ok:
            return _telegram_error(401)
        if endpoint not in ("sendMessage", "sendPhoto", "sendDocument", "getMe", "getFile", "setWebhook"):
            return _telegram_error(404)
        if endpoint == "getMe":
            return Reply(200, {"ok": True, "result": {**_bot_user(token), "can_join_groups": True,
                                                      "can_read_all_group_messages": False,
                                                      "supports_inline_queries": False}})
        if failure := self._next_failure("telegram", endpoint):
            return _telegram_error(failure.status, failure.retry_after, failure.description)
        if endpoint == "getFile":
            return self._get_file(str(params.get("file_id") or ""))
        if endpoint == "setWebhook":
            if not str(params.get("url", "")).startswith("https://"):
                return _telegram_error(400, description="Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
            return Reply(200, {"ok": True, "result": True, "description": "Webhook was set"})
        chat_id, text = str(params.get("chat_id", "")), params.get("text")
        if not chat_id:
            return _telegram_error(400, description="Bad Request: chat_id is empty")
        attachment = {"sendPhoto": "photo", "sendDocument": "document"}.get(endpoint)
        if attachment and not params.get(attachment):
            return _telegram_error(400, description=f"Bad Request: there is no {attachment} in the request")
        if not attachment and not text:
            return _telegram_error(400, description="Bad Request: message text is empty")
        with self._changed:
            message_id = self._telegram_message_ids.get(chat_id, 100) + 1
            self._telegram_message_ids[chat_id] = message_id
        sent: dict[str, Any] = {"message_id": message_id, "from": _bot_user(token), "chat": _chat(chat_id),
                                "date": int(time.time())}
        if attachment == "photo":
            sent.update(photo=[{"file_id": f"photo-{message_id}", "file_unique_id": f"p{message_id}",
                                "width": 640, "height": 640}], caption=params.get("caption"))
        elif attachment == "document":
            sent.update(document={"file_id": f"doc-{message_id}", "file_unique_id": f"d{message_id}"},
                        caption=params.get("caption"))
        else:
            sent["text"] = text
        return Reply(200, {"ok": True, "result": sent})

    def _get_file(self, file_id: str) -> Reply:
        if not file_id:
            return _telegram_error(400, description="Bad Request: file_id is empty")
        with self._changed:
            media = self._telegram_files.get(file_id, StoredMedia(DEFAULT_MEDIA))
        size = len(media.content) if media.file_size is None else media.file_size
        unique_id = "AQAD" + base64.urlsafe_b64encode(file_id.encode()[-12:]).decode().rstrip("=")
        return Reply(200, {"ok": True, "result": {
            "file_id": file_id, "file_unique_id": unique_id, "file_size": size, "file_path": media.file_path,
        }})


class _Handler(BaseHTTPRequestHandler):
    server_version = "FakePlatformAPI/1.0"

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def do_DELETE(self) -> None:
        self._answer()

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        fake: FakePlatformAPI = self.server.fake  # type: ignore[attr-defined]
        headers = dict(self.headers.items())
        parts = urlsplit(self.path)
        reply = fake.handle(self.command, parts.path, headers, body, headers.get("Host", ""), parts.query)
        payload = reply.content if reply.content is not None else json.dumps(reply.payload).encode()
        self.send_response(reply.status)
        if "Content-Type" not in reply.headers:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        logger.debug("fake API: " + format, *args)


def _file_reply(content: bytes, content_type: str) -> Reply:
    return Reply(200, {}, {"Content-Type": content_type}, content=content)


def _form(body: bytes) -> dict[str, str]:
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


def _json_body(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _graph_error(status: int, message: str | None = None) -> Reply:
    code, subcode, default = GRAPH_ERRORS.get(status, (1, None, "An unknown error occurred"))
    error: dict[str, Any] = {"message": message or default, "type": "OAuthException", "code": code,
                             "fbtrace_id": "A" + secrets.token_hex(6)}
    if subcode:
        error["error_subcode"] = subcode
    return Reply(status, {"error": error})


def _x_error(status: int, detail: str | None = None, retry_after: int | None = None) -> Reply:
    headers = {}
    if status == 429:
        headers["x-rate-limit-reset"] = str(int(time.time()) + (retry_after if retry_after is not None else 60))
    title = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    return Reply(status, {"title": title, "detail": detail or title, "type": "about:blank", "status": status}, headers)


def _telegram_params(body: bytes, content_type: str) -> dict[str, Any]:
    if content_type.startswith("application/json"):
        try:
            data = json.loads(body or b"{}")
        except json.JSONDecodeError:
            return {}
        return data if isinstance(data, dict) else {}
    params: dict[str, Any] = _form(body)
    for key in TELEGRAM_JSON_FIELDS & params.keys():
        try:
            params[key] = json.loads(params[key])
        except json.JSONDecodeError:
            pass  # keep the raw string: the test will see what was sent
    return params


def _twilio_error(status: int, code: int | None = None, message: str | None = None, retry_after: int | None = None) -> Reply:
    default_code, default_message = TWILIO_ERRORS.get(
        status, (20500, "An internal server error has occurred") if status >= 500 else (status, HTTPStatus(status).phrase)
    )
    code, message = code or default_code, message or default_message
    headers = {"Retry-After": str(retry_after)} if status == 429 and retry_after is not None else {}
    payload = {"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}", "status": status}
    return Reply(status, payload, headers)


def _telegram_error(status: int, retry_after: int | None = None, description: str | None = None) -> Reply:
    payload: dict[str, Any] = {"ok": False, "error_code": status}
    if status == 429:
        wait = retry_after if retry_after is not None else 1
        payload.update(description=f"Too Many Requests: retry after {wait}", parameters={"retry_after": wait})
    else:
        payload["description"] = description or TELEGRAM_DESCRIPTIONS.get(status, HTTPStatus(status).phrase)
    return Reply(status, payload)


def _bot_user(token: str) -> dict[str, Any]:
    bot_id = token.split(":", 1)[0]
    return {"id": int(bot_id) if bot_id.isdigit() else 7000000001, "is_bot": True,
            "first_name": "Toko Demo Bot", "username": "toko_demo_bot"}


def _chat(chat_id: str) -> dict[str, Any]:
    if not re.fullmatch(r"-?\d+", chat_id):
        return {"id": -1001000000001, "type": "channel", "title": chat_id, "username": chat_id.lstrip("@")}
    numeric = int(chat_id)
    if numeric > 0:
        return {"id": numeric, "type": "private", "first_name": "Pelanggan"}
    return {"id": numeric, "type": "supergroup" if chat_id.startswith("-100") else "group", "title": "Grup Toko"}


def log_call(call: RecordedCall) -> None:
    """One log line per call the fake answers (the demo's and the sandbox's console)."""
    text = call.text or ""
    shown = text if len(text) <= 60 else text[:57] + "..."
    logger.info("%s %s %s -> %d to=%s text=%r", call.platform, call.method, call.path, call.status, call.recipient, shown)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fake Twilio, Telegram, Graph and X APIs for local demos.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8975)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    stopping = threading.Event()
    # SIGTERM too: `make run` may start this in the background, where Ctrl-C is ignored.
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    api = FakePlatformAPI(args.host, args.port, on_call=log_call).start()
    logger.info("fake platform API on %s (TWILIO_, TELEGRAM_, GRAPH_ and X_API_BASE); Ctrl-C stops", api.base_url)
    try:
        while not stopping.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        api.stop()


if __name__ == "__main__":
    main()
