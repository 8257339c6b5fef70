"""What agents do with conversations, shared by the HTML pages and the JSON API."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Sequence

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from inbox import conversations
from inbox.domain import Capabilities, ConversationStatus, Direction, OutboundKind, SenderType, ThreadKind
from inbox.errors import InboxError
from inbox.models import Agent, CannedResponse, Conversation, Message, Order, OrderNotification
from inbox.store import clean_text, new_outbound

QUEUE_STATUSES = (ConversationStatus.WAITING.value, ConversationStatus.ASSIGNED.value)


class DeskError(InboxError):
    pass


class ConversationTaken(DeskError):
    """Another agent owns the conversation (the API answers 409)."""


def list_conversations(
    session: Session,
    statuses: Sequence[str],
    limit: int = 50,
    *,
    offset: int = 0,
    assigned_to: int | None = None,
) -> list[Conversation]:
    """Most urgent first: high priority, then the longest wait; one page of them."""
    query = (
        select(Conversation)
        .where(Conversation.status.in_(list(statuses)))
        .order_by(
            Conversation.priority.desc(),
            case((Conversation.waiting_since.is_(None), 1), else_=0),
            Conversation.waiting_since,
            Conversation.last_message_at.desc(),
            Conversation.id,
        )
        .limit(limit)
        .offset(offset)
    )
    if assigned_to is not None:
        query = query.where(Conversation.assigned_agent_id == assigned_to)
    return list(session.execute(query).scalars().unique())


def count_conversations(session: Session, statuses: Sequence[str], *, assigned_to: int | None = None) -> int:
    """How many there are in all: a page never hides the rest."""
    query = select(func.count(Conversation.id)).where(Conversation.status.in_(list(statuses)))
    if assigned_to is not None:
        query = query.where(Conversation.assigned_agent_id == assigned_to)
    return int(session.execute(query).scalar_one())


def history(session: Session, conversation_id: int, limit: int = 200) -> list[Message]:
    rows = session.execute(
        select(Message).where(Message.conversation_id == conversation_id).order_by(Message.id.desc()).limit(limit)
    ).scalars()
    return list(reversed(list(rows)))


def orders_for(session: Session, conversation: Conversation) -> list[Order]:
    phone = conversation.contact.phone
    if not phone:
        return []
    return list(
        session.execute(select(Order).where(Order.customer_phone == phone).order_by(Order.created_at.desc()).limit(20)).scalars()
    )


def unsent_notifications(session: Session, orders: list[Order]) -> dict[int, list[OrderNotification]]:
    """Per order, the notifications that could not go out (and why), for the agent to follow up."""
    if not orders:
        return {}
    found: dict[int, list[OrderNotification]] = {}
    for notice in session.execute(
        select(OrderNotification)
        .where(OrderNotification.order_id.in_([o.id for o in orders]), OrderNotification.error.is_not(None))
        .order_by(OrderNotification.id)
    ).scalars():
        found.setdefault(notice.order_id, []).append(notice)
    return found


CapabilitiesFor = Callable[[str], "Capabilities | None"]  # platform value -> what it can do (Pipeline.capabilities)


def reply_window_closed(conversation: Conversation, capabilities: Capabilities | None, now: datetime) -> bool:
    """True when the channel will refuse a person's free-text message (a template is needed)."""
    window = capabilities.window_for(by_agent=True) if capabilities else None
    last = conversation.last_inbound_at
    return bool(window and last and now - last > window)


def reply_window_ends(conversation: Conversation, capabilities: Capabilities | None) -> datetime | None:
    """When the channel stops taking a person's free text in this thread; None where it has no window."""
    window = capabilities.window_for(by_agent=True) if capabilities else None
    last = conversation.last_inbound_at
    return last + window if window and last else None


def reply_targets(conversation: Conversation, capabilities: Capabilities | None) -> list[OutboundKind]:
    """Where an agent can answer in this thread, the default first: under a comment, publicly or privately."""
    if capabilities is None:
        return []
    if conversation.thread_kind == ThreadKind.COMMENTS.value:
        kinds = (OutboundKind.PUBLIC_REPLY, OutboundKind.PRIVATE_REPLY)
    else:
        kinds = (OutboundKind.MESSAGE,)
    return [kind for kind in kinds if capabilities.can(kind)]


def canned_responses(session: Session) -> list[CannedResponse]:
    return list(session.execute(select(CannedResponse).order_by(CannedResponse.shortcut)).scalars())


def get_conversation(session: Session, conversation_id: int, *, for_update: bool = False) -> Conversation:
    query = select(Conversation).where(Conversation.id == conversation_id)
    if for_update:
        query = query.with_for_update(of=Conversation)
    conversation = session.execute(query).unique().scalar_one_or_none()
    if conversation is None:
        raise LookupError(conversation_id)
    return conversation


def take(session: Session, conversation_id: int, agent: Agent) -> Conversation:
    conversation = get_conversation(session, conversation_id, for_update=True)
    try:
        conversations.take(conversation, agent.id)
    except conversations.StateError as exc:
        raise ConversationTaken(str(exc)) from exc
    return conversation


def resolve(session: Session, conversation_id: int) -> Conversation:
    conversation = get_conversation(session, conversation_id, for_update=True)
    conversations.resolve(conversation)
    return conversation


def reply(
    session: Session,
    conversation_id: int,
    agent: Agent,
    text: str,
    idempotency_key: str,
    now: datetime,
    *,
    capabilities_for: CapabilitiesFor,
    target: str | None = None,
) -> tuple[Message, bool]:
    """Record an agent's reply once per key and take the conversation; the caller enqueues the send.

    Returns (message, created). A double click or a retried API call with the same key gets the
    first message back, so a customer never gets the same answer twice. `target` is where it
    goes (`reply_targets`; the first by default): in a comment thread, publicly under the newest
    comment or privately to its author.
    """
    text = (clean_text(text) or "").strip()
    if not text:
        raise DeskError("the reply is empty")
    if not idempotency_key or len(idempotency_key) > 120 or not idempotency_key.isprintable():
        raise DeskError("a client key of 1 to 120 printable characters is required")
    key = f"agent:{agent.id}:{idempotency_key}"
    existing = session.execute(select(Message).where(Message.idempotency_key == key)).scalar_one_or_none()
    if existing is not None:
        return existing, False
    conversation = get_conversation(session, conversation_id, for_update=True)
    capabilities = capabilities_for(conversation.platform)
    targets = reply_targets(conversation, capabilities)
    if capabilities is None or not targets:
        raise DeskError(f"the {conversation.platform} channel is not enabled here")
    try:
        chosen = OutboundKind(target) if target else targets[0]
    except ValueError:
        raise DeskError(f"unknown reply target; one of: {', '.join(t.value for t in targets)}") from None
    if chosen not in targets:
        raise DeskError(f"{chosen.value} is not possible in this conversation")
    if len(text) > capabilities.text_limit(chosen):
        raise DeskError(f"the reply is longer than {capabilities.text_limit(chosen)} characters")
    try:
        conversations.take(conversation, agent.id)
    except conversations.StateError as exc:
        raise ConversationTaken(str(exc)) from exc
    # Answering the newest customer message: it is what the response-time figures measure, and
    # under a comment it is the comment answered.
    last_inbound = session.execute(
        select(Message)
        .where(Message.conversation_id == conversation.id, Message.direction == Direction.INBOUND.value)
        .order_by(Message.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    message = new_outbound(
        conversation,
        text,
        sender_type=SenderType.AGENT,
        idempotency_key=key,
        target=chosen,
        reply_to=last_inbound,
        agent_id=agent.id,
        now=now,
    )
    session.add(message)
    conversation.last_message_at = now
    session.flush()
    return message, True


@dataclass(frozen=True)
class ResponseTimes:
    """How fast customers got a first answer (bot or agent) to an inbound message."""

    answered: int
    median_seconds: float | None
    p90_seconds: float | None
    within_minute_share: float | None


def response_times(session: Session, since: datetime) -> ResponseTimes:
    inbound = Message.__table__.alias("inbound")
    outbound = Message.__table__.alias("outbound")
    rows = session.execute(
        select(inbound.c.created_at, func.min(outbound.c.sent_at))
        .join(outbound, outbound.c.reply_to_id == inbound.c.id)
        .where(inbound.c.created_at >= since, outbound.c.sent_at.is_not(None))
        .group_by(inbound.c.id, inbound.c.created_at)
    ).all()
    waits = sorted(
        (_aware(sent) - _aware(received)).total_seconds() for received, sent in rows
    )
    if not waits:
        return ResponseTimes(0, None, None, None)
    return ResponseTimes(
        answered=len(waits),
        median_seconds=waits[len(waits) // 2],
        p90_seconds=waits[min(len(waits) - 1, int(len(waits) * 0.9))],
        within_minute_share=sum(1 for w in waits if w <= 60) / len(waits),
    )


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
