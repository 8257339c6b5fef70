"""Normalised domain types shared by connectors, the pipeline and the web layer.

Pure data: nothing here reads the network, the database or the environment, so the
core can be tested without Flask, Redis or HTTP.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum, StrEnum
from typing import Any, Mapping

from inbox.errors import BadRequest


class Platform(StrEnum):
    """The built-in platforms. Stored as plain strings: a connector may serve a platform of its own."""

    WHATSAPP_TWILIO = "whatsapp_twilio"
    WHATSAPP_CLOUD = "whatsapp_cloud"
    TELEGRAM = "telegram"
    INSTAGRAM = "instagram"  # comments and DMs of an Instagram professional account
    FACEBOOK = "facebook"  # a Page's feed comments and Messenger
    X = "x"
    WEBCHAT = "webchat"


class EventKind(str, Enum):
    MESSAGE = "message"  # a private message (DM, chat)
    COMMENT = "comment"  # a public comment under a post
    STATUS = "status"  # a delivery receipt for a message we sent
    CHANGE = "change"  # an edit or a removal of something stored earlier


class ThreadKind(str, Enum):
    """What a conversation is on its channel."""

    DIRECT = "direct"  # a private chat with one customer (WhatsApp, Telegram private, a DM)
    GROUP = "group"  # a group chat: several customers write in one thread
    COMMENTS = "comments"  # a public comment and the replies under it


class OutboundKind(str, Enum):
    """What an outbound action does; each has its own idempotency key."""

    MESSAGE = "message"  # a message in the thread (chat, DM)
    PUBLIC_REPLY = "public_reply"  # a public reply under a comment
    PRIVATE_REPLY = "private_reply"  # a private message to a comment's author
    HIDE = "hide"  # hide a comment from the public
    UNHIDE = "unhide"
    DELETE = "delete"

    @property
    def is_text(self) -> bool:
        return self in (OutboundKind.MESSAGE, OutboundKind.PUBLIC_REPLY, OutboundKind.PRIVATE_REPLY)


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
    """Raise BadRequest for an id that is empty, longer than the columns hold, or not printable
    text (control characters, lone surrogates): ids are matched exactly and shown to agents."""
    for name, value in ids.items():
        if value is None:
            continue
        if not value or len(value) > MAX_ID_LENGTH:
            raise BadRequest(f"{what}: {name} must be 1 to {MAX_ID_LENGTH} characters")
        if not value.isprintable() or any("\ud800" <= ch <= "\udfff" for ch in value):
            raise BadRequest(f"{what}: {name} must be printable text")


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
class Post:
    """The post a public comment was written under, as far as the platform tells."""

    post_id: str
    caption: str | None = None
    link: str | None = None


@dataclass(frozen=True)
class InboundEvent:
    """One message or comment from a customer, as every connector reports it.

    `thread_key` names the conversation on its channel: the chat for messages (a WhatsApp
    number, a Telegram chat, a DM thread), the top-level comment for comments, so a reply under
    a comment joins its thread. It defaults to `chat_id`, which is where a private message goes.
    """

    platform: str  # a Platform value
    kind: EventKind
    event_id: str  # the platform's dedupe key (Twilio MessageSid, Telegram update_id)
    chat_id: str  # where a private reply goes (WhatsApp number, Telegram chat id, DM recipient id)
    sender: Sender
    text: str
    timestamp: datetime | None
    message_id: str | None = None  # the platform's id of the message or comment (to quote, reply under, hide)
    media: tuple[Media, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False)
    thread_key: str = ""  # see above; "" = chat_id
    thread_kind: ThreadKind = ThreadKind.DIRECT
    post: Post | None = None  # for comments

    def __post_init__(self) -> None:
        if not self.thread_key:
            object.__setattr__(self, "thread_key", self.chat_id)
        check_ids(
            f"{self.platform} event",
            event_id=self.event_id,
            chat_id=self.chat_id,
            thread_key=self.thread_key,
            message_id=self.message_id,
            sender_id=self.sender.external_id,
            post_id=self.post.post_id if self.post else None,
        )


class ChangeKind(str, Enum):
    EDITED = "edited"
    REMOVED = "removed"


@dataclass(frozen=True)
class ChangeEvent:
    """A customer edited or removed a message or comment we may have stored.

    An edit updates the stored text and is shown to agents; it is not a new question, unless
    the original was never stored, when `fallback` (the edited message as a new inbound event)
    is stored instead.
    """

    platform: str
    change: ChangeKind
    message_id: str  # the platform's id of the edited or removed message (InboundEvent.message_id)
    thread_key: str | None = None  # narrows the look-up where message ids are unique per chat only
    text: str | None = None  # the new text of an edit
    timestamp: datetime | None = None
    fallback: InboundEvent | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        check_ids(f"{self.platform} change", message_id=self.message_id, thread_key=self.thread_key)

    @property
    def kind(self) -> EventKind:
        return EventKind.CHANGE


@dataclass(frozen=True)
class StatusEvent:
    """A delivery receipt for a message we sent."""

    platform: str
    message_id: str  # the platform id of our outbound message
    status: DeliveryStatus
    timestamp: datetime | None = None
    error_code: str | None = None
    error_message: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        check_ids(f"{self.platform} receipt", message_id=self.message_id)

    @property
    def kind(self) -> EventKind:
        # Events share `kind`; a receipt's fields differ from a message's, hence its own class.
        return EventKind.STATUS


@dataclass(frozen=True)
class WatermarkEvent:
    """A receipt for everything we sent to one customer up to a moment (Messenger's read and
    delivery watermarks name no message)."""

    platform: str
    chat_id: str  # the customer the receipt is from: the thread where our messages went
    status: DeliveryStatus
    up_to: datetime | None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        check_ids(f"{self.platform} receipt", chat_id=self.chat_id)

    @property
    def kind(self) -> EventKind:
        return EventKind.STATUS


@dataclass(frozen=True)
class Template:
    """A pre-approved message template, the only thing some platforms accept outside their window.

    `name` is the provider's id for it: a Twilio Content SID (`HX...`) or a WhatsApp Cloud
    template name; `variables` fill its placeholders in order ({{1}}, {{2}}, ...).
    """

    name: str
    language: str = "id"
    variables: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outbound:
    """One action to perform on a platform: a message, a public or private reply, a moderation step.

    - MESSAGE: `text` to `chat_id`, quoting `reply_to_message_id` where the platform can.
    - PUBLIC_REPLY: `text` publicly under the comment `reply_to_message_id`.
    - PRIVATE_REPLY: `text` privately to the author of the comment `reply_to_message_id`
      (`chat_id` is the author's id, for platforms that send it as a plain DM).
    - HIDE / UNHIDE / DELETE: the comment `reply_to_message_id`.
    `tag` is a platform's message tag for sends past the normal reply window (Meta's HUMAN_AGENT).
    `template`, where set, is sent instead of free text (`text` is then what agents see).
    """

    platform: str
    kind: OutboundKind
    chat_id: str
    text: str = ""
    reply_to_message_id: str | None = None
    media: tuple[Media, ...] = ()
    tag: str | None = None
    template: Template | None = None


@dataclass(frozen=True)
class Rate:
    """At most `count` sends per `seconds`, per `scope`: the sending account or one recipient."""

    scope: str  # "account" or "recipient" or an action kind's own bucket, e.g. "private_reply"
    count: int
    seconds: float


@dataclass(frozen=True)
class Capabilities:
    """What one platform takes, declared by its connector; nothing outside connectors/ hard-codes it."""

    max_text_length: int
    public_text_length: int | None = None  # a shorter limit for public replies (a tweet's 280)
    reply_window: timedelta | None = None  # free text only this long after the customer's last message
    agent_window: timedelta | None = None  # a longer window for a person's reply (Meta's HUMAN_AGENT tag)
    agent_window_tag: str | None = None
    outbound_kinds: frozenset[OutboundKind] = frozenset({OutboundKind.MESSAGE})
    quotes: bool = False  # a message can quote the one it answers
    media: bool = False  # agents can send photos and files
    templates: bool = False  # approved templates can be sent outside the reply window
    rates: tuple[Rate, ...] = ()

    def text_limit(self, kind: OutboundKind) -> int:
        if kind is OutboundKind.PUBLIC_REPLY and self.public_text_length:
            return min(self.public_text_length, self.max_text_length)
        return self.max_text_length

    def can(self, kind: OutboundKind) -> bool:
        return kind in self.outbound_kinds

    def window_for(self, *, by_agent: bool) -> timedelta | None:
        if by_agent and self.agent_window is not None:
            return self.agent_window
        return self.reply_window


@dataclass(frozen=True)
class SendResult:
    message_id: str  # the platform id of what we sent, unique per platform
    status: DeliveryStatus = DeliveryStatus.SENT
