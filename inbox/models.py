"""Database tables. The database is the source of truth: queues only carry ids."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC; always hands back aware datetimes (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Contact(Base):
    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("platform", "external_id", name="uq_contacts_platform_external_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(191))
    display_name: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Conversation(Base):
    """A thread on a channel: a chat, a DM thread, a comment and the replies under it.

    Unique on (platform, thread_key); a contact may have several. `contact` is the customer the
    thread is with (in a group chat or under a comment, the first to write; each message names
    its own author). Its status cycles bot -> waiting -> assigned -> resolved.
    """

    __tablename__ = "conversations"
    __table_args__ = (
        UniqueConstraint("platform", "thread_key", name="uq_conversations_platform_thread_key"),
        Index("ix_conversations_status_priority", "status", "priority"),
        Index("ix_conversations_contact_id", "contact_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"))
    platform: Mapped[str] = mapped_column(String(32))
    # A direct chat's thread is its chat: the key defaults to the chat id.
    thread_key: Mapped[str] = mapped_column(String(191), default=lambda context: context.get_current_parameters()["chat_id"])
    thread_kind: Mapped[str] = mapped_column(String(16), default="direct")  # ThreadKind
    chat_id: Mapped[str] = mapped_column(String(191))  # where a message in this thread goes
    post: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # a comment thread's post: id, caption, link
    memory: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # what the replies engine keeps between turns
    handover_notice_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # customer told of this handover
    status: Mapped[str] = mapped_column(String(16), default="bot")
    priority: Mapped[int] = mapped_column(Integer, default=0)  # 1 = complaint or failed send
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    labels: Mapped[list[str]] = mapped_column(JSON, default=list)  # the agents' own: retur, cod, reseller...
    handover_reason: Mapped[str | None] = mapped_column(String(255))
    assigned_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_inbound_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_message_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    contact: Mapped[Contact] = relationship(lazy="joined")
    assigned_agent: Mapped["Agent | None"] = relationship(lazy="joined")


class Message(Base):
    """Inbound and outbound messages. `external_id` is the platform's id, unique per platform."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("platform", "external_id", name="uq_messages_platform_external_id"),
        UniqueConstraint("idempotency_key", name="uq_messages_idempotency_key"),
        Index("ix_messages_conversation_created", "conversation_id", "id"),
        Index("ix_messages_pending", "direction", "outcome"),
        Index("ix_messages_delivery", "direction", "delivery_status"),
        Index("ix_messages_platform_message_id", "platform", "platform_message_id"),
        Index("ix_messages_direction_created", "direction", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"))
    platform: Mapped[str] = mapped_column(String(32))
    direction: Mapped[str] = mapped_column(String(3))
    kind: Mapped[str] = mapped_column(String(16), default="message")
    sender_type: Mapped[str] = mapped_column(String(16))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    external_id: Mapped[str | None] = mapped_column(String(191))
    platform_message_id: Mapped[str | None] = mapped_column(String(191))  # to quote, reply under, hide
    # inbound: the author; outbound: the customer it went to
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    # inbound: where a private answer to it goes; outbound: where it went
    address: Mapped[str | None] = mapped_column(String(191))
    text: Mapped[str] = mapped_column(Text, default="")
    media: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    raw: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    platform_timestamp: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # inbound: what the pipeline decided (NULL while pending)
    outcome: Mapped[str | None] = mapped_column(String(16))
    intent: Mapped[str | None] = mapped_column(String(64))
    confidence: Mapped[float | None] = mapped_column(Float)
    # A low-confidence handover: what the bot would have answered, for the agent to use or edit.
    suggestion: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # outbound: the send record, written before the platform call
    target: Mapped[str | None] = mapped_column(String(16))  # OutboundKind: message, public_reply, hide...
    # An approved template sent instead of free text (outside WhatsApp's window): name, language, variables.
    template: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    idempotency_key: Mapped[str | None] = mapped_column(String(191))
    reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    delivery_status: Mapped[str | None] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DeliveryEvent(Base):
    """Status callbacks, stored once each (platform, message, status)."""

    __tablename__ = "delivery_events"
    __table_args__ = (
        UniqueConstraint("platform", "message_external_id", "status", name="uq_delivery_events_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    message_external_id: Mapped[str] = mapped_column(String(191))
    status: Mapped[str] = mapped_column(String(16))
    error_code: Mapped[str | None] = mapped_column(String(32))
    raw: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Agent(Base):
    __tablename__ = "agents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    password_hash: Mapped[str] = mapped_column(String(255))
    api_token_hash: Mapped[str | None] = mapped_column(String(128), unique=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    # Raised on logout, password change and disabling: every session signed with an older one ends.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Notes that @mention this agent after this moment are new to them.
    mentions_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CannedResponse(Base):
    __tablename__ = "canned_responses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shortcut: Mapped[str] = mapped_column(String(64), unique=True)
    text: Mapped[str] = mapped_column(Text)


class Product(Base):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    variant: Mapped[str | None] = mapped_column(String(255))
    price: Mapped[int] = mapped_column(BigInteger)  # rupiah
    stock: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    number_key: Mapped[str] = mapped_column(String(64), unique=True)  # "INV-0099" -> "inv0099"
    customer_phone: Mapped[str | None] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(32))
    courier: Mapped[str | None] = mapped_column(String(64))
    tracking_number: Mapped[str | None] = mapped_column(String(64))
    total: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class OrderNotification(Base):
    """One unasked message per order and status reached: the unique pair makes it happen once."""

    __tablename__ = "order_notifications"
    __table_args__ = (UniqueConstraint("order_id", "status", name="uq_order_notifications_order_status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    status: Mapped[str] = mapped_column(String(32))
    outbound_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    error: Mapped[str | None] = mapped_column(String(500))  # why it was not sent (shown to agents)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Label(Base):
    """A label agents have used (the vocabulary for the queue's filter and the label box)."""

    __tablename__ = "labels"

    name: Mapped[str] = mapped_column(String(24), primary_key=True)


class ConversationEvent(Base):
    """What happened to a conversation besides its messages, for its history and the reports:
    handed over by the bot, taken, transferred, released, resolved, reopened; an agent's private
    note (with the agents it @mentions)."""

    __tablename__ = "conversation_events"
    __table_args__ = (Index("ix_conversation_events_conversation", "conversation_id", "id"),
                      Index("ix_conversation_events_kind_created", "kind", "created_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"))
    kind: Mapped[str] = mapped_column(String(16))  # EventKind values in inbox.events
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))  # who; None: the bot
    to_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))  # a transfer's new agent
    text: Mapped[str | None] = mapped_column(Text)  # a note, or why the bot handed over
    mentions: Mapped[list[int]] = mapped_column(JSON, default=list)  # agents @mentioned in a note
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Episode(Base):
    """One customer need in a conversation, kept as it happens for the reports (which then read a
    row per need, not every message): from the customer's first message after the conversation was
    new, resolved or quiet for a day, to its resolution.

    At most one is open (`ended_at` empty) per conversation; `inbox.episodes` writes them.
    """

    __tablename__ = "episodes"
    __table_args__ = (
        Index("uq_episodes_open", "conversation_id", unique=True,
              sqlite_where=text("ended_at IS NULL"), postgresql_where=text("ended_at IS NULL")),
        Index("ix_episodes_started", "started_at"),
        # Everything the report reads, in one index it can scan without the table.
        Index("ix_episodes_report", "started_epoch", "platform", "agent_id", "rating", "response_seconds",
              "human_seconds", "resolution_seconds"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"))
    platform: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())  # the customer's first message
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # bot or person
    first_human_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # an agent's first answer
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))  # the agent who answered last
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # resolved, or quiet for a day
    rating: Mapped[int | None] = mapped_column(Integer)  # the customer's 1-5 for it
    # The same moments as numbers, written with them: the report reads 200,000 of these in a
    # fraction of the time the databases take to turn as many timestamps into seconds.
    started_epoch: Mapped[float] = mapped_column(Float)  # seconds since 1970
    response_seconds: Mapped[float | None] = mapped_column(Float)  # started -> first response
    human_seconds: Mapped[float | None] = mapped_column(Float)  # started -> first human response
    resolution_seconds: Mapped[float | None] = mapped_column(Float)  # started -> resolved


class RestockRequest(Base):
    """A customer's "ya" to "mau dikabari kalau restock?": one notice when the SKU is back in stock.

    `round` counts the times the same customer asked again after a notice: each round is noticed once.
    """

    __tablename__ = "restock_requests"
    __table_args__ = (
        UniqueConstraint("conversation_id", "contact_id", "sku", "round", name="uq_restock_requests_round"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    sku: Mapped[str] = mapped_column(String(64), index=True)
    round: Mapped[int] = mapped_column(Integer, default=0)
    outbound_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    error: Mapped[str | None] = mapped_column(String(500))  # why no notice went out (shown to agents)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class StoredFile(Base):
    """An attachment the inbox keeps itself (no platform holds it): a web-chat visitor's photo."""

    __tablename__ = "files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    content_type: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Rating(Base):
    """A customer's 1-5 answer to the rating request sent when their conversation was resolved."""

    __tablename__ = "ratings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), index=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), unique=True)  # the answer, rated once
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))  # who resolved it
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
