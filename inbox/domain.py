"""Normalised domain types shared by connectors, the pipeline and the web layer.

Pure data: nothing here reads the network, the database or the environment, so the
core can be tested without Flask, Redis or HTTP.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any, Mapping

from inbox.errors import BadRequest


class Platform(str, Enum):
    WHATSAPP_TWILIO = "whatsapp_twilio"
    TELEGRAM = "telegram"


class EventKind(str, Enum):
    MESSAGE = "message"  # a private message (DM, chat)
    COMMENT = "comment"  # a public comment under a post
    STATUS = "status"  # a delivery receipt for a message we sent


class Direction(str, Enum):
    INBOUND = "in"
    OUTBOUND = "out"


class SenderType(str, Enum):
    CUSTOMER = "customer"
    BOT = "bot"
    AGENT = "agent"


class ConversationStatus(str, Enum):
    BOT = "bot"  # the bot handles it; nothing waits for a person
    WAITING = "waiting"  # handed over, waiting for an agent to take it
    ASSIGNED = "assigned"  # an agent has taken it: the bot stays out
    RESOLVED = "resolved"  # done; a new inbound message reopens it for the bot


class Outcome(str, Enum):
    """What the pipeline decided for one inbound message (NULL while pending)."""

    AUTO_REPLIED = "auto_replied"
    ESCALATED = "escalated"
    IGNORED = "ignored"
    MERGED = "merged"  # folded into a later message of the same burst (debounce)
    HUMAN = "human"  # an agent owns the conversation; the bot did not act


class DeliveryStatus(str, Enum):
    """Life of an outbound message. The order of RANK is the order a platform reports."""

    PENDING = "pending"  # recorded, not yet handed to the platform
    SENDING = "sending"  # claimed by a job; the API call is in flight
    RETRY = "retry"  # a passing error; another attempt is scheduled
    SENT = "sent"  # the platform accepted it and gave it an id
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"  # permanent failure, or retries exhausted
    UNKNOWN = "unknown"  # a worker died mid-call: never resent automatically


DELIVERY_RANK = {
    DeliveryStatus.PENDING: 0,
    DeliveryStatus.SENDING: 1,
    DeliveryStatus.RETRY: 1,
    DeliveryStatus.UNKNOWN: 2,
    DeliveryStatus.SENT: 3,
    DeliveryStatus.DELIVERED: 4,
    DeliveryStatus.READ: 5,
    DeliveryStatus.FAILED: 6,
}


# Platform ids are stored in columns of this size; a longer one is not an id we can trust.
MAX_ID_LENGTH = 191


def check_ids(what: str, **ids: str | None) -> None:
    for name, value in ids.items():
        if value is not None and (not value or len(value) > MAX_ID_LENGTH):
            raise BadRequest(f"{what}: {name} must be 1 to {MAX_ID_LENGTH} characters")


@dataclass(frozen=True)
class Sender:
    external_id: str  # the platform's id for the person (phone, chat id, user id)
    display_name: str | None = None
    phone: str | None = None  # E.164 when the platform tells us, for order look-ups


@dataclass(frozen=True)
class Media:
    url: str
    content_type: str | None = None


@dataclass(frozen=True)
class MediaFile:
    """An attachment's bytes as a connector downloaded them (see `Connector.fetch_media`)."""

    content: bytes
    content_type: str  # what the platform says it is; "application/octet-stream" when it says nothing

    def __repr__(self) -> str:  # a log line or a failed assert must not dump megabytes
        return f"MediaFile(content=<{len(self.content)} bytes>, content_type={self.content_type!r})"


@dataclass(frozen=True)
class InboundEvent:
    """One message or comment from a customer, as every connector reports it."""

    platform: Platform
    kind: EventKind
    event_id: str  # the platform's dedupe key (Twilio MessageSid, Telegram update_id)
    chat_id: str  # where a reply goes (WhatsApp number, Telegram chat id)
    sender: Sender
    text: str
    timestamp: datetime | None
    message_id: str | None = None  # the platform's id of the message, to quote in a reply
    media: tuple[Media, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        check_ids(
            f"{self.platform.value} event",
            event_id=self.event_id,
            chat_id=self.chat_id,
            message_id=self.message_id,
            sender_id=self.sender.external_id,
        )


@dataclass(frozen=True)
class StatusEvent:
    """A delivery receipt for a message we sent."""

    platform: Platform
    message_id: str  # the platform id of our outbound message
    status: DeliveryStatus
    timestamp: datetime | None = None
    error_code: str | None = None
    error_message: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        check_ids(f"{self.platform.value} receipt", message_id=self.message_id)

    @property
    def kind(self) -> EventKind:
        # Events share `kind`; a receipt's fields differ from a message's, hence its own class.
        return EventKind.STATUS


@dataclass(frozen=True)
class OutboundText:
    """A text to send back on the channel an inbound event came from."""

    chat_id: str
    text: str
    reply_to_message_id: str | None = None


@dataclass(frozen=True)
class SendResult:
    message_id: str  # the platform id of what we sent, unique per platform
    status: DeliveryStatus = DeliveryStatus.SENT
