"""The connector contract: the only code that reads a raw platform payload or calls a platform API.

A connector is built from its settings (never `os.environ`), serves one or more platforms (one
Meta connector serves Instagram, Messenger and Facebook comments) and declares, per platform, what
it can do (`capabilities`: text length, reply windows, public/private replies, hiding, rates).
It answers the routes it declares under `/webhooks/<name>` and does:

1. `verify(request)`: is this request really from the platform? (signature / secret)
2. `parse(request)`: pure; the body to normalised events (`InboundEvent`, `StatusEvent`,
   `WatermarkEvent`, `ChangeEvent`). Raises `BadRequest` for a body it cannot read and `UnknownEvent` for a
   well-formed update of a type it does not handle. Updates it deliberately ignores (listed in
   its `IGNORED_EVENTS`) and the shop's own echoes parse to an empty list.
3. `send(outbound)`: perform one `Outbound` action (a message, a public or private reply, hide...)
   through the official client or plain HTTP; returns the platform's id for it. Raises
   `TransientSendError` (timeouts before sending, 5xx, 429 with `retry_after` and
   `rate_limited=True`), `AmbiguousSendError` (may have been sent) or `PermanentSendError`.
   An action the platform cannot do is never asked for: the pipeline checks `capabilities`.
4. `handshake(request)`: answer a platform's GET verification (Meta's hub.challenge, X's CRC),
   in whatever content type the platform wants; None where the platform has none.
5. `fetch_media(url, max_bytes)`: download an attachment an inbound event carried (its `Media.url`)
   so agents can open it. Returns a `MediaFile`; raises `MediaUnavailable`, with a reason an agent
   can read, for anything it cannot fetch: a URL it does not recognise (refused before any request:
   credentials go only to the platform's configured `api_base`), a file over `max_bytes` (never read
   past it), or an API or network error. The default raises it for every URL.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Protocol, Sequence

from inbox.domain import (
    Capabilities,
    ChangeEvent,
    InboundEvent,
    MediaFile,
    Outbound,
    Post,
    SendResult,
    StatusEvent,
    WatermarkEvent,
)
from inbox.errors import MediaUnavailable


@dataclass(frozen=True)
class WebhookRequest:
    """What a connector may see of an HTTP request: no Flask objects cross this line."""

    url: str  # the public URL the platform called, query string included
    headers: Mapping[str, str]  # case-insensitive lookups are the caller's job: keys are lower-case
    body: bytes
    form: Mapping[str, str]  # parsed form fields for form-encoded bodies, else empty
    query: Mapping[str, str]
    method: str = "POST"
    path: str = ""  # the part after /webhooks/<name>, e.g. "" or "/status"
    remote_addr: str = ""  # the client's address (behind a trusted proxy, as the proxy reports it)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass(frozen=True)
class WebhookResponse:
    """A connector's own answer (handshakes): any status, body and content type."""

    status: int
    body: str
    content_type: str = "text/plain"
    headers: Mapping[str, str] = field(default_factory=dict)  # e.g. CORS for a web chat on the shop's site


@dataclass(frozen=True)
class Route:
    """A URL under /webhooks/<name> the connector answers.

    `endpoint` "webhook" is the standard path (GET = handshake, POST = verify, parse, store,
    enqueue, acknowledge); a connector with routes of its own (a web chat) names other endpoints
    and the web layer dispatches them to it.
    """

    path: str  # "" is /webhooks/<name> itself; "/status" is /webhooks/<name>/status
    methods: tuple[str, ...] = ("POST",)
    endpoint: str = "webhook"


Event = InboundEvent | StatusEvent | ChangeEvent | WatermarkEvent
UNKNOWN_CONTENT_TYPE = "application/octet-stream"
STORED_FILE_PREFIX = "inbox-file:"  # Media.url of a file the inbox keeps itself (InboxPort.store_file)


class InboxPort(Protocol):
    """What a connector's own endpoints (a web chat's) may ask of the inbox; the web layer provides it."""

    def store(self, events: Sequence[Event]) -> list[int]:
        """Store events once each and enqueue them as a webhook would; the new message ids."""

    def shop_hours(self, lang: str) -> Mapping[str, Any]:
        """{"open": bool, "next_open": text or None, "hours": text}: whether the shop answers now."""

    def store_file(self, content: bytes, content_type: str) -> str:
        """Keep an attachment no platform holds (a web-chat photo); the `Media.url` that names it."""

    def thread(self, platform: str, thread_key: str, after_id: int = 0, limit: int = 100) -> list[Mapping[str, Any]]:
        """A thread's messages after `after_id`, oldest first, as the customer may see them:
        id, direction, sender_type, agent name, text, created_at (ISO), media."""


class Connector(ABC):
    """Inherit this: set `name`, `platforms`, `capabilities`; implement verify, parse and send."""

    #: path under /webhooks/ where the platform posts (also the registry key)
    name: str
    #: the Platform values this connector serves; events and outbound actions carry one of them
    platforms: tuple[str, ...]
    #: per platform value: what it can do (limits, windows, actions, rates)
    capabilities: Mapping[str, Capabilities]
    routes: tuple[Route, ...] = (Route("", ("POST",)),)
    #: what the webhook answers once the events are stored (Twilio expects TwiML)
    ack_body: str = "ok"
    ack_content_type: str = "text/plain"

    @abstractmethod
    def verify(self, request: WebhookRequest) -> bool:
        """True when the request carries a valid signature or secret."""

    @abstractmethod
    def parse(self, request: WebhookRequest) -> Sequence[Event]:
        """Normalise a verified request. Pure: no I/O."""

    @abstractmethod
    def send(self, outbound: Outbound) -> SendResult:
        """Perform one outbound action through the platform's API (see item 3 above)."""

    def handshake(self, request: WebhookRequest) -> WebhookResponse | None:
        """Answer a GET verification; None where the platform has none."""
        return None

    def describe_post(self, post_id: str) -> Post | None:
        """The post a comment was written under, with its caption and link, where the platform
        tells (one API call); None where it cannot. Agents see it beside the comments."""
        return None

    def fetch_media(self, url: str, max_bytes: int) -> MediaFile:
        """Download one inbound attachment, at most `max_bytes` of it; see item 5 above."""
        raise MediaUnavailable(f"{self.name} attachments cannot be downloaded here")

    def handle(self, endpoint: str, request: WebhookRequest, inbox: InboxPort) -> WebhookResponse:
        """Answer one of the connector's own routes (`Route.endpoint` other than "webhook")."""
        return WebhookResponse(404, f"{self.name} has no endpoint {endpoint!r}")


# -- helpers for fetch_media ----------------------------------------------------------------------

def read_at_most(chunks: Iterable[bytes], max_bytes: int, declared_length: str | None = None) -> bytes:
    """Join a download's chunks, refusing it as soon as it is known to exceed `max_bytes`.

    A declared Content-Length over the limit is refused before any chunk is read; the count is
    checked as well, since a length can be absent (chunked) or wrong.
    """
    if declared_length and declared_length.strip().isdigit() and int(declared_length) > max_bytes:
        raise MediaUnavailable(too_large(max_bytes))
    parts: list[bytes] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > max_bytes:
            raise MediaUnavailable(too_large(max_bytes))
        parts.append(chunk)
    return b"".join(parts)


def too_large(max_bytes: int) -> str:
    mebibyte = 1024 * 1024
    limit = f"{max_bytes / mebibyte:g} MB" if max_bytes >= mebibyte else f"{max_bytes} bytes"
    return f"the attachment is larger than {limit}, the most the inbox downloads"


def bare_content_type(value: str | None) -> str:
    """`image/png; charset=x` to `image/png`; the unknown type when there is none."""
    bare = (value or "").split(";", 1)[0].strip().lower()
    return bare or UNKNOWN_CONTENT_TYPE
