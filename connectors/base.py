"""The connector contract: the only code that reads a raw platform payload or calls a platform API.

A connector is built from its settings (never `os.environ`) and does four things:

1. `verify(request)`: is this request really from the platform? (signature / secret)
2. `parse(request)`: pure; the body to normalised events. Raises `BadRequest` for a body it
   cannot read and `UnknownEvent` for a well-formed update of a type it does not handle.
   Updates it deliberately ignores (listed in its `IGNORED_EVENTS`) parse to an empty list.
3. `send_text(outbound)`: send one text; returns the platform's id for it. Raises
   `TransientSendError` (timeouts, 5xx, 429 with `retry_after`) or `PermanentSendError`.
4. `handshake(request)`: answer a platform's GET verification, where it has one.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Mapping, Sequence

from inbox.domain import InboundEvent, OutboundText, Platform, SendResult, StatusEvent


@dataclass(frozen=True)
class WebhookRequest:
    """What a connector may see of an HTTP request: no Flask objects cross this line."""

    url: str  # the public URL the platform called, query string included
    headers: Mapping[str, str]  # case-insensitive lookups are the caller's job: keys are lower-case
    body: bytes
    form: Mapping[str, str]  # parsed form fields for form-encoded bodies, else empty
    query: Mapping[str, str]

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


Event = InboundEvent | StatusEvent


class Connector(ABC):
    """Inherit this and implement verify, parse and send_text."""

    platform: Platform
    #: path under /webhooks/ where the platform posts (also the registry key)
    name: str
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
    def send_text(self, outbound: OutboundText) -> SendResult:
        """Send one text through the official client library."""

    def handshake(self, request: WebhookRequest) -> tuple[int, str] | None:
        """Answer a GET verification (status, body); None where the platform has none."""
        return None
