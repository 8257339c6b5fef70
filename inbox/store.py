"""Writes normalised events to the database, once each.

Every insert keyed on a platform id uses INSERT ... ON CONFLICT DO NOTHING, so a repeated
delivery (or two deliveries racing) stores nothing new and reports nothing to enqueue.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable, Mapping

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from inbox import conversations, episodes
from inbox.db import dialect_insert
from inbox.domain import (
    DELIVERY_RANK,
    ChangeEvent,
    ChangeKind,
    ConversationStatus,
    DeliveryStatus,
    Direction,
    EventKind,
    InboundEvent,
    OutboundKind,
    SenderType,
    StatusEvent,
    WatermarkEvent,
)
from inbox.models import Contact, Conversation, DeliveryEvent, Message, utcnow

logger = logging.getLogger(__name__)


@dataclass
class StoreResult:
    new_message_ids: list[int] = field(default_factory=list)
    duplicates: int = 0
    statuses_applied: int = 0
    changes_applied: int = 0
    failed_outbound_ids: list[int] = field(default_factory=list)
    conversation_ids: set[int] = field(default_factory=set)  # touched: for live updates
    posts_to_describe: set[int] = field(default_factory=set)  # comment threads whose post has no caption yet


LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(value: str | None, limit: int | None = None) -> str | None:
    """Customer text as the database takes it: no NUL characters (PostgreSQL refuses them), and a
    lone UTF-16 surrogate (JSON's "\\ud800", which no encoding can store) becomes U+FFFD."""
    if value is None:
        return None
    value = LONE_SURROGATE.sub("\ufffd", value.replace("\x00", ""))
    return value[:limit] if limit else value


def _upsert_contact(session: Session, event: InboundEvent) -> int:
    statement = dialect_insert(session, Contact).values(
        platform=str(event.platform),
        external_id=event.sender.external_id,
        display_name=clean_text(event.sender.display_name, 255),
        phone=clean_text(event.sender.phone, 32),
        created_at=utcnow(),
    )
    table = Contact.__table__
    statement = statement.on_conflict_do_update(
        index_elements=["platform", "external_id"],
        # Keep the newest profile name; keep a known phone number.
        set_={
            "display_name": func.coalesce(statement.excluded.display_name, table.c.display_name),
            "phone": func.coalesce(table.c.phone, statement.excluded.phone),
        },
    )
    return session.execute(statement.returning(table.c.id)).scalar_one()


def _post_json(event: InboundEvent) -> dict[str, Any] | None:
    if event.post is None:
        return None
    post = event.post
    return {"id": post.post_id, "caption": clean_text(post.caption, 2000), "link": clean_text(post.link, 1000)}


def _upsert_conversation(session: Session, contact_id: int, event: InboundEvent) -> Any:
    """The event's thread, created by its first message; the first author stays its contact."""
    statement = dialect_insert(session, Conversation).values(
        contact_id=contact_id,
        platform=str(event.platform),
        thread_key=event.thread_key,
        thread_kind=event.thread_kind.value,
        chat_id=event.chat_id,
        post=_post_json(event),
        status=ConversationStatus.BOT.value,
        priority=0,
        flags=[],
        created_at=utcnow(),
    )
    table = Conversation.__table__
    # A no-op update, so that RETURNING gives the existing row; a post learnt later is kept.
    statement = statement.on_conflict_do_update(
        index_elements=["platform", "thread_key"], set_={"post": func.coalesce(table.c.post, statement.excluded.post)}
    )
    return session.execute(statement.returning(table.c.id, table.c.status, table.c.last_message_at)).one()


def store_inbound(session: Session, event: InboundEvent, received_at: datetime) -> tuple[int, int | None]:
    """Store one inbound event; returns (conversation id, new message id or None for a repeat)."""
    contact_id = _upsert_contact(session, event)
    conversation = _upsert_conversation(session, contact_id, event)
    conversation_id, status = conversation.id, conversation.status
    table = Message.__table__
    statement = (
        dialect_insert(session, Message)
        .values(
            conversation_id=conversation_id,
            platform=str(event.platform),
            direction=Direction.INBOUND.value,
            kind=event.kind.value,
            sender_type=SenderType.CUSTOMER.value,
            contact_id=contact_id,
            address=event.chat_id,
            external_id=event.event_id,
            platform_message_id=event.message_id,
            text=clean_text(event.text),
            media=[{"url": clean_text(m.url), "content_type": clean_text(m.content_type, 255)} for m in event.media],
            raw=_jsonable(event.raw),
            platform_timestamp=event.timestamp,
            created_at=received_at,
            attempts=0,
        )
        .on_conflict_do_nothing(index_elements=["platform", "external_id"])
        .returning(table.c.id)
    )
    message_id = session.execute(statement).scalar_one_or_none()
    if message_id is None:
        return conversation_id, None
    episodes.customer_wrote(session, conversation_id, str(event.platform), received_at,
                            status=status, last_message_at=conversation.last_message_at)
    changes: dict[str, Any] = {"last_inbound_at": received_at, "last_message_at": received_at}
    if status == ConversationStatus.RESOLVED.value:
        # A new question after resolution starts over with the bot.
        changes.update(
            status=ConversationStatus.BOT.value,
            assigned_agent_id=None,
            priority=0,
            flags=[],
            handover_reason=None,
            handover_notice_at=None,
        )
    session.execute(update(Conversation.__table__).where(Conversation.__table__.c.id == conversation_id).values(**changes))
    return conversation_id, message_id


def apply_change(session: Session, event: ChangeEvent, received_at: datetime) -> tuple[int | None, int | None]:
    """An edit or removal updates the stored message; returns (conversation id, new message id).

    An edit of a message still waiting for the bot is read by the pending job; an edit of one
    already answered is shown to agents and not answered again. Only where the original was
    never stored is the edited message (`event.fallback`) stored as a new one.
    """
    query = select(Message).where(
        Message.platform == str(event.platform),
        Message.direction == Direction.INBOUND.value,
        Message.platform_message_id == event.message_id,
    )
    if event.thread_key is not None:
        query = query.join(Conversation, Conversation.id == Message.conversation_id).where(
            Conversation.thread_key == event.thread_key
        )
    message = session.execute(query.order_by(Message.id).limit(1)).scalar_one_or_none()
    if message is None:
        if event.fallback is not None and event.change is ChangeKind.EDITED:
            return store_inbound(session, event.fallback, received_at)
        logger.info("%s %s of a message we never stored", event.platform, event.change.value)
        return None, None
    if event.change is ChangeKind.EDITED:
        if event.text is not None:
            message.text = clean_text(event.text) or ""
        message.edited_at = received_at
    else:
        message.removed_at = received_at
    return message.conversation_id, None


def new_outbound(
    conversation: Conversation,
    text: str,
    *,
    sender_type: SenderType,
    idempotency_key: str,
    now: datetime,
    target: OutboundKind = OutboundKind.MESSAGE,
    reply_to: Message | None = None,
    agent_id: int | None = None,
    media: list[dict[str, Any]] | None = None,
) -> Message:
    """A send record, pending until a job claims it; the unique key makes it exist once.

    `reply_to` is the inbound message it answers: quoted by a message, the comment a public
    reply goes under, a private reply's comment and author, the comment to hide.
    """
    private_to_author = target is OutboundKind.PRIVATE_REPLY and reply_to is not None
    return Message(
        conversation_id=conversation.id,
        platform=conversation.platform,
        direction=Direction.OUTBOUND.value,
        kind=(EventKind.COMMENT if target is OutboundKind.PUBLIC_REPLY else EventKind.MESSAGE).value,
        target=target.value,
        sender_type=sender_type.value,
        agent_id=agent_id,
        contact_id=reply_to.contact_id if reply_to is not None else conversation.contact_id,
        address=reply_to.address if private_to_author and reply_to is not None else conversation.chat_id,
        text=text,
        media=media or [],
        idempotency_key=idempotency_key,
        reply_to_id=reply_to.id if reply_to is not None else None,
        delivery_status=DeliveryStatus.PENDING.value,
        attempts=0,
        created_at=now,
    )


def apply_status(session: Session, event: StatusEvent) -> int | None:
    """Record a delivery receipt once; move the message's state forward only.

    Returns the outbound message id when this receipt reports a failure to deliver it.
    Receipts arrive out of order, so a `delivered` after `read` changes nothing.
    """
    inserted = session.execute(
        dialect_insert(session, DeliveryEvent)
        .values(
            platform=str(event.platform),
            message_external_id=event.message_id,
            status=event.status.value,
            error_code=clean_text(event.error_code, 32),
            raw=_jsonable(event.raw),
            received_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["platform", "message_external_id", "status"])
        .returning(DeliveryEvent.__table__.c.id)
    ).scalar_one_or_none()
    if inserted is None:
        return None
    message = session.execute(
        select(Message).where(Message.platform == str(event.platform), Message.external_id == event.message_id)
    ).scalar_one_or_none()
    if message is None:
        logger.info("status %s for unknown message %s on %s", event.status.value, event.message_id, event.platform)
        return None
    current = DeliveryStatus(message.delivery_status or DeliveryStatus.PENDING.value)
    if DELIVERY_RANK[event.status] <= DELIVERY_RANK[current]:
        return None
    message.delivery_status = event.status.value
    if event.status is DeliveryStatus.FAILED:
        detail = clean_text(" ".join(filter(None, [event.error_code, event.error_message])))
        message.error = f"delivery failed: {detail}"[:500]
        # The customer never got our answer: a person has to follow up.
        conversation = session.get(Conversation, message.conversation_id)
        assert conversation is not None
        conversations.hand_over(conversation, reason=message.error, now=utcnow(), flags=["send_failed"], urgent=True)
        return message.id
    return None


def apply_watermark(session: Session, event: WatermarkEvent) -> int:
    """Everything we sent to this customer up to `up_to` reached them (delivered) or was read.

    Forward only, as receipts are; returns how many messages moved.
    """
    if event.up_to is None:
        return 0
    lower = [status.value for status, rank in DELIVERY_RANK.items()
             if DELIVERY_RANK[DeliveryStatus.SENT] <= rank < DELIVERY_RANK[event.status]]
    threads = select(Conversation.id).where(Conversation.platform == str(event.platform))
    statement = (
        update(Message)
        .where(
            Message.platform == str(event.platform),
            Message.direction == Direction.OUTBOUND.value,
            Message.address == event.chat_id,
            Message.conversation_id.in_(threads),
            Message.sent_at <= event.up_to,
            Message.delivery_status.in_(lower),
        )
        .values(delivery_status=event.status.value)
    )
    return session.execute(statement).rowcount or 0


def store_events(
    session: Session, events: Iterable[InboundEvent | StatusEvent | ChangeEvent | WatermarkEvent], received_at: datetime
) -> StoreResult:
    result = StoreResult()
    for event in events:
        if isinstance(event, InboundEvent):
            conversation_id, message_id = store_inbound(session, event, received_at)
            result.conversation_ids.add(conversation_id)
            if message_id is not None and event.post is not None and not event.post.caption:
                result.posts_to_describe.add(conversation_id)
            if message_id is None:
                result.duplicates += 1
            else:
                result.new_message_ids.append(message_id)
        elif isinstance(event, ChangeEvent):
            changed_id, message_id = apply_change(session, event, received_at)
            result.changes_applied += 1
            if changed_id is not None:
                result.conversation_ids.add(changed_id)
            if message_id is not None:
                result.new_message_ids.append(message_id)
        elif isinstance(event, WatermarkEvent):
            apply_watermark(session, event)
            result.statuses_applied += 1
        else:
            failed_id = apply_status(session, event)
            result.statuses_applied += 1
            if failed_id is not None:
                result.failed_outbound_ids.append(failed_id)
    return result


def mark_outcome(session: Session, message_ids: list[int], outcome: str, **values: Any) -> int:
    """Set an outcome on messages that have none yet; returns how many changed (compare-and-set)."""
    if not message_ids:
        return 0
    statement = (
        update(Message)
        .where(Message.id.in_(message_ids), Message.outcome.is_(None))
        .values(outcome=outcome, decided_at=utcnow(), **values)
    )
    return session.execute(statement).rowcount or 0


def _jsonable(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {str(key): value for key, value in raw.items()}
