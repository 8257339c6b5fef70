"""Writes normalised events to the database, once each.

Every insert keyed on a platform id uses INSERT ... ON CONFLICT DO NOTHING, so a repeated
delivery (or two deliveries racing) stores nothing new and reports nothing to enqueue.
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable, Mapping

from sqlalchemy import JSON, bindparam, func, select, update
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


def _post_json(event: InboundEvent) -> dict[str, Any] | None:
    if event.post is None:
        return None
    post = event.post
    return {"id": post.post_id, "caption": clean_text(post.caption, 2000), "link": clean_text(post.link, 1000)}


def _inbound_values(event: InboundEvent, received_at: datetime) -> dict[str, Any]:
    """The bound values of an inbound event's statements (both dialects)."""
    return {
        "platform": str(event.platform),
        "sender_id": event.sender.external_id,
        "display_name": clean_text(event.sender.display_name, 255),
        "phone": clean_text(event.sender.phone, 32),
        "thread_key": event.thread_key,
        "thread_kind": event.thread_kind.value,
        "chat_id": event.chat_id,
        "post": _post_json(event),
        "external_id": event.event_id,
        "platform_message_id": event.message_id,
        "text": clean_text(event.text),
        "media": [{"url": clean_text(m.url), "content_type": clean_text(m.content_type, 255)} for m in event.media],
        "raw": _jsonable(event.raw),
        "platform_timestamp": event.timestamp,
        "received_at": received_at,
        "now": utcnow(),
    }


class _InboundStatements:
    """The statements storing an inbound event, built once per dialect: building one costs more
    than running it (`.excluded` rebuilds a table alias each time)."""

    def __init__(self, dialect: str) -> None:
        from sqlalchemy.dialects import postgresql, sqlite

        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        contacts, threads, messages = Contact.__table__, Conversation.__table__, Message.__table__
        contact = insert(contacts).values(
            platform=bindparam("platform"), external_id=bindparam("sender_id"),
            display_name=bindparam("display_name"), phone=bindparam("phone"), created_at=bindparam("now"),
        )
        # Keep the newest profile name; keep a known phone number.
        self.contact = contact.on_conflict_do_update(
            index_elements=["platform", "external_id"],
            set_={"display_name": func.coalesce(contact.excluded.display_name, contacts.c.display_name),
                  "phone": func.coalesce(contacts.c.phone, contact.excluded.phone)},
        ).returning(contacts.c.id)
        thread = insert(threads).values(
            contact_id=bindparam("contact_id"), platform=bindparam("platform"), thread_key=bindparam("thread_key"),
            thread_kind=bindparam("thread_kind"), chat_id=bindparam("chat_id"), post=bindparam("post", type_=JSON(none_as_null=True)),
            status=ConversationStatus.BOT.value, priority=0, flags=[], labels=[], created_at=bindparam("now"),
        )
        # A no-op update, so that RETURNING gives the existing row; a post learnt later is kept.
        self.thread = thread.on_conflict_do_update(
            index_elements=["platform", "thread_key"], set_={"post": func.coalesce(threads.c.post, thread.excluded.post)}
        ).returning(threads.c.id, threads.c.status, threads.c.last_message_at)
        self.message = insert(messages).values(
            conversation_id=bindparam("conversation_id"), platform=bindparam("platform"),
            direction=Direction.INBOUND.value, kind=bindparam("kind"), sender_type=SenderType.CUSTOMER.value,
            contact_id=bindparam("contact_id"), address=bindparam("chat_id"), external_id=bindparam("external_id"),
            platform_message_id=bindparam("platform_message_id"), text=bindparam("text"),
            media=bindparam("media", type_=JSON), raw=bindparam("raw", type_=JSON),
            platform_timestamp=bindparam("platform_timestamp"), created_at=bindparam("received_at"), attempts=0,
        ).on_conflict_do_nothing(index_elements=["platform", "external_id"]).returning(messages.c.id)


_STATEMENTS: dict[str, _InboundStatements] = {}

# PostgreSQL takes the three as one statement, one round trip per webhook (data-modifying CTEs;
# SQLite has none). Every column with a Python-side default is written here too
# (tests/test_store.py holds this list against the models).
PG_STORE_INBOUND = """
WITH contact AS (
    INSERT INTO contacts (platform, external_id, display_name, phone, created_at)
    VALUES (%(platform)s, %(sender_id)s, %(display_name)s, %(phone)s, %(now)s)
    ON CONFLICT (platform, external_id) DO UPDATE
        SET display_name = COALESCE(EXCLUDED.display_name, contacts.display_name),
            phone = COALESCE(contacts.phone, EXCLUDED.phone)
    RETURNING id
), thread AS (
    INSERT INTO conversations (contact_id, platform, thread_key, thread_kind, chat_id, post, status, priority,
                               flags, labels, created_at)
    SELECT contact.id, %(platform)s, %(thread_key)s, %(thread_kind)s, %(chat_id)s, CAST(%(post)s AS json), 'bot', 0,
           CAST('[]' AS json), CAST('[]' AS json), %(now)s
    FROM contact
    ON CONFLICT (platform, thread_key) DO UPDATE SET post = COALESCE(conversations.post, EXCLUDED.post)
    RETURNING id, status, last_message_at
), message AS (
    INSERT INTO messages (conversation_id, platform, direction, kind, sender_type, contact_id, address, external_id,
                          platform_message_id, text, media, raw, platform_timestamp, created_at, attempts)
    SELECT thread.id, %(platform)s, 'in', %(kind)s, 'customer', contact.id, %(chat_id)s, %(external_id)s,
           %(platform_message_id)s, %(text)s, CAST(%(media)s AS json), CAST(%(raw)s AS json), %(platform_timestamp)s,
           %(received_at)s, 0
    FROM thread, contact
    ON CONFLICT (platform, external_id) DO NOTHING
    RETURNING id
)
SELECT thread.id, thread.status, thread.last_message_at, message.id FROM thread LEFT JOIN message ON TRUE
"""


def _store_inbound_rows(session: Session, dialect: str, event: InboundEvent, received_at: datetime
                        ) -> tuple[int, str, Any, int | None]:
    """(conversation id, its status and last message time before this event, new message id or None)."""
    values = _inbound_values(event, received_at)
    values["kind"] = event.kind.value
    if dialect == "postgresql":
        for key in ("post", "media", "raw"):
            values[key] = None if values[key] is None else json.dumps(values[key])
        session.info["wrote"] = True  # a driver statement passes no ORM hook (inbox.db)
        row = session.connection().exec_driver_sql(PG_STORE_INBOUND, values).one()
        return row[0], row[1], _aware(row[2]), row[3]
    statements = _STATEMENTS.get(dialect) or _STATEMENTS.setdefault(dialect, _InboundStatements(dialect))
    values["contact_id"] = session.execute(statements.contact, values).scalar_one()
    thread = session.execute(statements.thread, values).one()
    values["conversation_id"] = thread.id
    message_id = session.execute(statements.message, values).scalar_one_or_none()
    return thread.id, thread.status, thread.last_message_at, message_id


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=timezone.utc) if value is not None and value.tzinfo is None else value


# What a new message changes in its conversation, and its episode (inbox.episodes) opened where
# none is open: one PostgreSQL statement again.
PG_NEW_INBOUND = """
WITH episode AS (
    INSERT INTO episodes (conversation_id, platform, started_at, started_epoch)
    VALUES (%(conversation_id)s, %(platform)s, %(received_at)s, %(started_epoch)s)
    ON CONFLICT (conversation_id) WHERE ended_at IS NULL DO NOTHING
)
UPDATE conversations SET last_inbound_at = %(received_at)s, last_message_at = %(received_at)s{restart}
WHERE id = %(conversation_id)s
"""
# A new question after resolution starts over with the bot (both dialects write these).
RESTART = {"status": ConversationStatus.BOT.value, "assigned_agent_id": None, "priority": 0, "flags": [],
           "handover_reason": None, "handover_notice_at": None}
RESTART_PARAMS = {f"restart_{column}": json.dumps(value) if isinstance(value, list) else value
                  for column, value in RESTART.items()}
PG_NEW_INBOUND_STATEMENTS = {
    False: PG_NEW_INBOUND.format(restart=""),
    True: PG_NEW_INBOUND.format(restart="".join(
        f", {column} = CAST(%(restart_{column})s AS json)" if isinstance(value, list) else f", {column} = %(restart_{column})s"
        for column, value in RESTART.items())),
}


def store_inbound(session: Session, event: InboundEvent, received_at: datetime) -> tuple[int, int | None]:
    """Store one inbound event; returns (conversation id, new message id or None for a repeat)."""
    dialect = session.get_bind().dialect.name
    conversation_id, status, last_message_at, message_id = _store_inbound_rows(session, dialect, event, received_at)
    if message_id is None:
        return conversation_id, None
    restart = status == ConversationStatus.RESOLVED.value
    if dialect == "postgresql":
        episodes.end_open_before(session, conversation_id, received_at, status=status, last_message_at=last_message_at)
        session.connection().exec_driver_sql(PG_NEW_INBOUND_STATEMENTS[restart], {
            "conversation_id": conversation_id, "platform": str(event.platform), "received_at": received_at,
            "started_epoch": received_at.timestamp(), **(RESTART_PARAMS if restart else {}),
        })
        return conversation_id, message_id
    episodes.customer_wrote(session, conversation_id, str(event.platform), received_at,
                            status=status, last_message_at=last_message_at)
    changes: dict[str, Any] = {"last_inbound_at": received_at, "last_message_at": received_at}
    if restart:
        changes.update(RESTART)
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


def new_outbound(conversation: Conversation, text: str, **kwargs: Any) -> Message:
    """A send record, pending until a job claims it; the unique key makes it exist once (see
    `outbound_values` for the keywords)."""
    return Message(**outbound_values(conversation, text, **kwargs))


def outbound_values(
    conversation: Any,
    text: str,
    *,
    sender_type: SenderType,
    idempotency_key: str,
    now: datetime,
    target: OutboundKind = OutboundKind.MESSAGE,
    reply_to: Any = None,
    agent_id: int | None = None,
    media: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A new send record's columns, for a `Message` or a Core INSERT (the worker's hot path).

    `conversation` is a Conversation or anything with its id, platform, contact_id and chat_id;
    `reply_to` the inbound message it answers (a Message or a row with its id, contact_id and
    address): quoted by a message, the comment a public reply goes under, a private reply's
    comment and author, the comment to hide.
    """
    private_to_author = target is OutboundKind.PRIVATE_REPLY and reply_to is not None
    return {
        "conversation_id": conversation.id,
        "platform": conversation.platform,
        "direction": Direction.OUTBOUND.value,
        "kind": (EventKind.COMMENT if target is OutboundKind.PUBLIC_REPLY else EventKind.MESSAGE).value,
        "target": target.value,
        "sender_type": sender_type.value,
        "agent_id": agent_id,
        "contact_id": reply_to.contact_id if reply_to is not None else conversation.contact_id,
        "address": reply_to.address if private_to_author else conversation.chat_id,
        "text": text,
        "media": media or [],
        "idempotency_key": idempotency_key,
        "reply_to_id": reply_to.id if reply_to is not None else None,
        "delivery_status": DeliveryStatus.PENDING.value,
        "attempts": 0,
        "created_at": now,
    }


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


# The decision's own statement, built once: one message, its outcome, intent and confidence.
_DECIDED = (
    update(Message.__table__)
    .where(Message.__table__.c.id == bindparam("message_id"), Message.__table__.c.outcome.is_(None))
    .values(outcome=bindparam("new_outcome"), intent=bindparam("new_intent"), confidence=bindparam("new_confidence"),
            decided_at=bindparam("decided", type_=Message.__table__.c.decided_at.type))
)


def mark_outcome(session: Session, message_ids: list[int], outcome: str, **values: Any) -> int:
    """Set an outcome on messages that have none yet; returns how many changed (compare-and-set)."""
    if not message_ids:
        return 0
    if len(message_ids) == 1 and set(values) <= {"intent", "confidence"}:
        return session.execute(_DECIDED, {"message_id": message_ids[0], "new_outcome": outcome, "decided": utcnow(),
                                          "new_intent": values.get("intent"),
                                          "new_confidence": values.get("confidence")}).rowcount or 0
    statement = (
        update(Message)
        .where(Message.id.in_(message_ids), Message.outcome.is_(None))
        .values(outcome=outcome, decided_at=utcnow(), **values)
    )
    return session.execute(statement).rowcount or 0


def _jsonable(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {str(key): value for key, value in raw.items()}
