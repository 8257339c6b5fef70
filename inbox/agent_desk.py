"""What agents do with conversations, shared by the HTML pages and the JSON API."""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from operator import itemgetter
from typing import Any, Callable, Collection, Mapping, Sequence

from sqlalchemy import ColumnElement, Float, FunctionElement, Select, String, and_, case, cast, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased

from connectors.base import STORED_FILE_PREFIX
from inbox import conversations, episodes, events
from inbox.db import dialect_insert
from inbox.domain import (
    Capabilities,
    ConversationStatus,
    DeliveryStatus,
    Direction,
    OutboundKind,
    Outcome,
    SenderType,
    ThreadKind,
)
from inbox.errors import InboxError
from inbox.models import (
    Agent,
    CannedResponse,
    Contact,
    Conversation,
    Label,
    Message,
    Order,
    OrderNotification,
    StoredFile,
    utcnow,
)
from inbox.outbound_files import MAX_CAPTION_LENGTH, FileRefused, sniff
from inbox.shop_data import order_number_key
from inbox.store import clean_text, new_outbound
from replies.shopdata import normalize_phone

QUEUE_STATUSES = (ConversationStatus.WAITING.value, ConversationStatus.ASSIGNED.value)


class DeskError(InboxError):
    pass


class ConversationTaken(DeskError):
    """Another agent owns the conversation (the API answers 409)."""


QUEUE_TABS: dict[str, tuple[tuple[str, ...], bool]] = {
    # tab -> (statuses, only the agent's own)
    "waiting": ((ConversationStatus.WAITING.value,), False),
    "mine": ((ConversationStatus.ASSIGNED.value,), True),
    "open": (QUEUE_STATUSES, False),
    "resolved": ((ConversationStatus.RESOLVED.value,), False),
}
STATS_WINDOW = timedelta(hours=24)  # the queue's response figures cover the last day
# What an outbound row did; NULL on rows written before targets existed, all of them messages.
TEXT_TARGETS = tuple(kind.value for kind in OutboundKind if kind.is_text)
MAX_SEARCH_LENGTH = 100
PREVIEW_LENGTH = 90


@dataclass(frozen=True)
class QueueFilter:
    """What the agent narrowed the queue to: one search box and a few exact filters."""

    text: str = ""
    platform: str | None = None
    agent_id: int | None = None  # the agent it is assigned to
    unassigned: bool = False
    priority: str | None = None  # "high" or "normal"
    label: str | None = None

    def as_args(self) -> dict[str, str]:
        """The query string that gives this filter back (links to other pages and tabs keep it)."""
        args = {"q": self.text, "channel": self.platform or "", "priority": self.priority or "",
                "label": self.label or ""}
        args["agent"] = "none" if self.unassigned else str(self.agent_id) if self.agent_id is not None else ""
        return {name: value for name, value in args.items() if value}

    @property
    def active(self) -> bool:
        return bool(self.as_args())


def parse_queue_filter(args: Mapping[str, str], *, platforms: Collection[str], agent_ids: Collection[int]) -> QueueFilter:
    """The queue's query string, untrusted: a value that is not one of the known ones is ignored."""
    text = " ".join((args.get("q") or "").split())[:MAX_SEARCH_LENGTH]
    if not text.isprintable():
        text = ""
    platform = args.get("channel") or None
    agent_text = args.get("agent") or ""
    agent_id = int(agent_text) if agent_text.isdigit() and len(agent_text) < 10 else None
    priority = args.get("priority") or None
    return QueueFilter(
        text=text,
        platform=platform if platform in platforms else None,
        agent_id=agent_id if agent_id in agent_ids else None,
        unassigned=agent_text == "none",
        priority=priority if priority in ("high", "normal") else None,
        label=(clean_labels([args.get("label") or ""]) or [None])[0],
    )


def _filter_conditions(queue_filter: QueueFilter, statuses: Collection[str] = ()) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if queue_filter.platform:
        conditions.append(Conversation.platform == queue_filter.platform)
    if queue_filter.unassigned:
        conditions.append(Conversation.assigned_agent_id.is_(None))
    elif queue_filter.agent_id is not None:
        conditions.append(Conversation.assigned_agent_id == queue_filter.agent_id)
    if queue_filter.priority == "high":
        conditions.append(Conversation.priority > 0)
    elif queue_filter.priority == "normal":
        conditions.append(Conversation.priority <= 0)
    if queue_filter.label:
        # Labels are stored as a JSON list of plain words: the quoted word is a safe substring.
        conditions.append(cast(Conversation.labels, String).like(f'%"{queue_filter.label}"%'))
    if queue_filter.text:
        conditions.append(_search_condition(queue_filter.text, statuses))
    return conditions


MAX_LABELS = 8
LABEL = re.compile(r"[a-z0-9][a-z0-9 -]{0,23}")


def clean_labels(raw: Sequence[str]) -> list[str]:
    """Labels as agents type them ("Retur, COD"), kept as short lowercase words; others dropped."""
    found: list[str] = []
    for chunk in raw:
        for part in chunk.split(","):
            label = " ".join(part.lower().split())
            if LABEL.fullmatch(label) and label not in found:
                found.append(label)
    return found[:MAX_LABELS]


def set_labels(session: Session, conversation_id: int, text: str) -> Conversation:
    conversation = get_conversation(session, conversation_id, for_update=True)
    conversation.labels = clean_labels([text])
    if conversation.labels:
        # Two agents may add the same new label at once: the second insert is a no-op.
        session.execute(dialect_insert(session, Label).values([{"name": label} for label in conversation.labels])
                        .on_conflict_do_nothing(index_elements=["name"]))
    return conversation


def known_labels(session: Session, limit: int = 200) -> list[str]:
    """Labels agents have used, for the queue's filter and the label box's suggestions."""
    return list(session.execute(select(Label.name).order_by(Label.name).limit(limit)).scalars())


def _search_condition(text: str, statuses: Collection[str] = ()) -> ColumnElement[bool]:
    """Customer name, phone, order number or any message's text, case aside.

    "Contains" on names and texts: PostgreSQL answers it from trigram indexes (migration 0004),
    SQLite by reading the messages once per search.
    """
    pattern = "%" + re.sub(r"([\\%_])", r"\\\1", text) + "%"
    open_only = bool(statuses) and ConversationStatus.RESOLVED.value not in statuses
    if open_only:
        # The open tabs' few thousand conversations, their messages through the conversation
        # index: a planner left to itself scanned every message for the pattern.
        searched = aliased(Conversation)
        in_messages: ColumnElement[bool] = Conversation.id.in_(
            select(Message.conversation_id)
            .join(searched, searched.id == Message.conversation_id)
            .where(searched.status.in_(list(statuses)), Message.text.ilike(pattern, escape="\\"))
        )
    else:
        # Over every resolved conversation this reads all messages (README: the limit).
        in_messages = (
            select(Message.id)
            .where(Message.conversation_id == Conversation.id, Message.text.ilike(pattern, escape="\\"))
            .exists()
        )
    matches: list[ColumnElement[bool]] = [Contact.display_name.ilike(pattern, escape="\\"), in_messages]
    if re.fullmatch(r"[+\d][\d\s().-]{3,}", text):  # looks like a phone number: 0812..., +62 812...
        digits = normalize_phone(text).lstrip("+")
        matches.append(Contact.phone.like(f"%{digits}%"))
    order_key = order_number_key(text)
    if order_key and any(ch.isdigit() for ch in order_key):  # the customer who placed that order
        matches.append(Contact.phone.in_(select(Order.customer_phone).where(Order.number_key == order_key)))
    return or_(*matches)


def list_conversations(
    session: Session,
    statuses: Sequence[str],
    limit: int = 50,
    *,
    offset: int = 0,
    assigned_to: int | None = None,
    queue_filter: QueueFilter | None = None,
) -> list[Conversation]:
    """Most urgent first: high priority, then the longest wait; one page of them."""
    query = (
        _with_contact(select(Conversation), queue_filter or QueueFilter())
        .where(Conversation.status.in_(list(statuses)), *_filter_conditions(queue_filter or QueueFilter(), statuses))
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


def tab_counts(
    session: Session, agent_id: int, queue_filter: QueueFilter | None = None, *, count_resolved: bool = True
) -> dict[str, int | None]:
    """Every tab's count under the same search and filters, in one query.

    A text search over all resolved conversations reads every message: the caller leaves that
    count out (None) unless the agent is on that tab.
    """
    queue_filter = queue_filter or QueueFilter()
    statuses = {status for tab, (tab_statuses, _) in QUEUE_TABS.items() for status in tab_statuses
                if count_resolved or tab != "resolved"}
    # Grouped by the plain columns, which an index (migration 0004) holds in this order.
    rows = session.execute(
        _with_contact(select(Conversation.status, Conversation.assigned_agent_id, func.count()), queue_filter)
        .where(Conversation.status.in_(statuses), *_filter_conditions(queue_filter, statuses))
        .group_by(Conversation.status, Conversation.assigned_agent_id)
    ).all()
    counts: dict[str, int | None] = {
        tab: 0 if set(tab_statuses) <= statuses else None for tab, (tab_statuses, _) in QUEUE_TABS.items()
    }
    for status, assigned_agent_id, number in rows:
        for tab, (tab_statuses, own) in QUEUE_TABS.items():
            if status in tab_statuses and (assigned_agent_id == agent_id or not own) and counts[tab] is not None:
                counts[tab] = (counts[tab] or 0) + number
    return counts


def _with_contact(query: Select[Any], queue_filter: QueueFilter) -> Select[Any]:
    """The customer's name and phone are searched: join the contact only then."""
    return query.join(Contact, Contact.id == Conversation.contact_id) if queue_filter.text else query


@dataclass(frozen=True)
class QueueRow:
    """One line of the queue: the conversation and what an agent scans it for."""

    conversation: Conversation
    preview: str  # the newest message's text, flattened and cut
    preview_sender: str | None  # SenderType of that message
    handle: str  # phone, else the platform's id for the customer
    customer_replied: bool  # the customer wrote after the last reply by a person
    unanswered_since: datetime | None  # the first customer message no one has answered yet


def queue_rows(session: Session, page: Sequence[Conversation]) -> list[QueueRow]:
    """The page's conversations with previews and timers: a few queries for the whole page."""
    ids = [conversation.id for conversation in page]
    if not ids:
        return []
    visible = or_(Message.direction == Direction.INBOUND.value, Message.target.is_(None), Message.target.in_(TEXT_TARGETS))
    newest: dict[int, dict[str, int]] = {}
    for conversation_id, sender, newest_id in session.execute(
        select(Message.conversation_id, Message.sender_type, func.max(Message.id))
        .where(Message.conversation_id.in_(ids), visible)
        .group_by(Message.conversation_id, Message.sender_type)
    ):
        newest.setdefault(conversation_id, {})[sender] = newest_id
    last_ids = [max(by_sender.values()) for by_sender in newest.values()]
    last_messages = {
        m.conversation_id: m for m in session.execute(select(Message).where(Message.id.in_(last_ids))).scalars()
    }
    waiting_from = unanswered_since(session, ids)
    rows = []
    for conversation in page:
        by_sender = newest.get(conversation.id, {})
        last = last_messages.get(conversation.id)
        contact = conversation.contact
        rows.append(
            QueueRow(
                conversation=conversation,
                preview=preview_text(last) if last else "",
                preview_sender=last.sender_type if last else None,
                handle=contact.phone or contact.external_id,
                customer_replied=by_sender.get(SenderType.CUSTOMER.value, 0) > by_sender.get(SenderType.AGENT.value, 0),
                unanswered_since=waiting_from.get(conversation.id),
            )
        )
    return rows


def preview_text(message: Message) -> str:
    """One line of a message for the queue (the template escapes it)."""
    text = " ".join((message.text or "").split())
    if not text and message.media:
        text = "📎"
    return text if len(text) <= PREVIEW_LENGTH else text[: PREVIEW_LENGTH - 1].rstrip() + "…"


# A bot message replying to one of these is a handover note or an out-of-hours notice, not an answer.
HANDED_OVER = (Outcome.ESCALATED.value, Outcome.HUMAN.value)


def _is_answer(outbound: Any, question: Any) -> ColumnElement[bool]:
    """An outbound row that answers the customer: a person's text, or the bot's reply to a
    question it kept (see `response_report`)."""
    return and_(
        outbound.direction == Direction.OUTBOUND.value,
        or_(outbound.target.is_(None), outbound.target.in_(TEXT_TARGETS)),
        or_(outbound.delivery_status.is_(None), outbound.delivery_status != DeliveryStatus.FAILED.value),
        or_(
            outbound.sender_type == SenderType.AGENT.value,
            and_(
                outbound.sender_type == SenderType.BOT.value,
                or_(question.outcome.is_(None), question.outcome.not_in(HANDED_OVER)),
            ),
        ),
    )


def unanswered_since(session: Session, conversation_ids: Sequence[int]) -> dict[int, datetime]:
    """When each conversation's oldest unanswered customer message came (none: all answered)."""
    outbound, question = aliased(Message), aliased(Message)
    last_answer = dict(
        session.execute(
            select(outbound.conversation_id, func.max(outbound.id))
            .outerjoin(question, question.id == outbound.reply_to_id)
            .where(outbound.conversation_id.in_(conversation_ids), _is_answer(outbound, question))
            .group_by(outbound.conversation_id)
        ).all()
    )
    after_answer = [
        and_(Message.conversation_id == conversation_id, Message.id > last_answer.get(conversation_id, 0))
        for conversation_id in conversation_ids
    ]
    rows = session.execute(
        select(Message.conversation_id, func.min(Message.id))
        .where(
            or_(*after_answer),
            Message.direction == Direction.INBOUND.value,
            or_(Message.outcome.is_(None), Message.outcome != Outcome.IGNORED.value),  # spam needs no answer
        )
        .group_by(Message.conversation_id)
    ).all()
    first_ids = [first_id for _, first_id in rows]
    rows = session.execute(select(Message.conversation_id, Message.created_at).where(Message.id.in_(first_ids)))
    return {conversation_id: created_at for conversation_id, created_at in rows}


def agent_choices(session: Session) -> list[tuple[int, str]]:
    """Agents to filter the queue by, as (id, name); disabled ones are gone."""
    rows = session.execute(select(Agent.id, Agent.name).where(Agent.disabled_at.is_(None)).order_by(Agent.name))
    return [(agent_id, name) for agent_id, name in rows]


def history(session: Session, conversation_id: int, limit: int = 200) -> list[Message]:
    rows = session.execute(
        select(Message).where(Message.conversation_id == conversation_id).order_by(Message.id.desc()).limit(limit)
    ).scalars()
    return list(reversed(list(rows)))


def open_suggestion(messages: Sequence[Message]) -> str | None:
    """The bot's suggested answer to the newest customer message, while no agent has answered it
    (the bot's own handover note since then answers nothing)."""
    for message in reversed(messages):
        if message.direction == Direction.OUTBOUND.value and message.sender_type == SenderType.AGENT.value:
            return None
        if message.direction == Direction.INBOUND.value:
            return message.suggestion or None
    return None


def other_threads(session: Session, conversation: Conversation, limit: int = 10) -> list[Conversation]:
    """The same customer's other conversations: their other threads on this channel, and threads on
    other channels from the same phone number (a WhatsApp chat and a web chat of one person)."""
    same_person = Conversation.contact_id == conversation.contact_id
    phone = conversation.contact.phone if conversation.contact else None
    if phone:
        same_person = or_(same_person, Conversation.contact_id.in_(select(Contact.id).where(Contact.phone == phone)))
    return list(session.execute(
        select(Conversation).where(same_person, Conversation.id != conversation.id)
        .order_by(Conversation.last_message_at.desc().nulls_last(), Conversation.id.desc()).limit(limit)
    ).unique().scalars())


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)  # a row without a time sorts first (the columns are UTC-aware)


def timeline(messages: Sequence[Message], happenings: Sequence[Any]) -> list[tuple[str, Any]]:
    """Messages and events in the order they happened: [("message", m) | ("event", e)]."""
    merged = [("message", m) for m in messages] + [("event", e) for e in happenings]
    return sorted(merged, key=lambda item: (item[1].created_at or _EPOCH, item[0] == "message", item[1].id))


def next_waiting(session: Session, after: int | None = None) -> int | None:
    """The conversation an agent should open next: the most urgent, longest-waiting one."""
    query = select(Conversation.id).where(Conversation.status == ConversationStatus.WAITING.value)
    if after is not None:
        query = query.where(Conversation.id != after)
    return session.execute(
        query.order_by(Conversation.priority.desc(), Conversation.waiting_since.asc(), Conversation.id).limit(1)
    ).scalar_one_or_none()


def orders_for(session: Session, conversation: Conversation) -> list[Order]:
    phone = conversation.contact.phone
    if not phone:
        return []
    return list(
        session.execute(select(Order).where(Order.customer_phone == phone).order_by(Order.created_at.desc()).limit(20)).scalars()
    )


def approved_templates(pack: Any, platform: str, orders: list[Order], now: datetime) -> list[dict[str, Any]]:
    """The pack's approved templates for this channel, filled from the customer's latest order:
    what an agent may send once the reply window has closed (key, text shown, template to send)."""
    templates = (pack.notifications.templates.get(platform, {}) if pack.notifications else {})
    if not templates:
        return []
    latest = orders[0] if orders else None
    values = {"order_number": latest.number if latest else "", "courier": (latest.courier if latest else "") or "",
              "tracking_number": (latest.tracking_number if latest else "") or "",
              "total": latest.total if latest else ""}
    choices = []
    for status, spec in templates.items():
        variables = [str(values.get(name) or "") for name in spec.variables]
        if not all(variables):
            continue  # a template whose blanks this customer's data cannot fill is not offered
        text = pack.notification_text(status, values, "id", now) or f"[{spec.name}]"
        choices.append({"key": status, "text": text,
                        "template": {"name": spec.name, "language": spec.language, "variables": variables}})
    return choices


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


def take(session: Session, conversation_id: int, agent: Agent, now: datetime | None = None) -> Conversation:
    conversation = get_conversation(session, conversation_id, for_update=True)
    try:
        if conversations.take(conversation, agent.id):
            events.record(session, conversation.id, events.Kind.TAKEN, now or utcnow(), agent_id=agent.id)
    except conversations.StateError as exc:
        raise ConversationTaken(str(exc)) from exc
    return conversation


def resolve(session: Session, conversation_id: int, agent: Agent | None = None, now: datetime | None = None) -> Conversation:
    """Close a conversation. Someone else's may be closed only by an admin: an agent's open work
    is never closed behind their back."""
    conversation = get_conversation(session, conversation_id, for_update=True)
    _own_or_admin(conversation, agent, "resolve")
    if conversation.status != ConversationStatus.RESOLVED.value:
        now = now or utcnow()
        events.record(session, conversation.id, events.Kind.RESOLVED, now, agent_id=agent.id if agent else None)
        episodes.resolved(session, conversation.id, now)
    conversations.resolve(conversation)
    return conversation


def transfer(session: Session, conversation_id: int, agent: Agent, to_agent_id: int, now: datetime | None = None) -> Conversation:
    """Give an open conversation to a named agent: the one who has it, or an admin, may; one nobody
    has may be given by anyone."""
    conversation = get_conversation(session, conversation_id, for_update=True)
    _own_or_admin(conversation, agent, "transfer")
    target = session.get(Agent, to_agent_id)
    if target is None or target.disabled_at is not None:
        raise DeskError("choose an active agent to transfer to")
    if conversation.assigned_agent_id == target.id:
        return conversation
    try:
        conversations.transfer(conversation, target.id)
    except conversations.StateError as exc:
        raise DeskError(str(exc)) from exc
    events.record(session, conversation.id, events.Kind.TRANSFERRED, now or utcnow(), agent_id=agent.id, to_agent_id=target.id)
    return conversation


def release(session: Session, conversation_id: int, agent: Agent, now: datetime | None = None) -> Conversation:
    """Unassign: back to the waiting queue for anyone to take (the one who has it, or an admin)."""
    conversation = get_conversation(session, conversation_id, for_update=True)
    _own_or_admin(conversation, agent, "release")
    try:
        conversations.release(conversation, now or utcnow())
    except conversations.StateError as exc:
        raise DeskError(str(exc)) from exc
    events.record(session, conversation.id, events.Kind.RELEASED, now or utcnow(), agent_id=agent.id)
    return conversation


def add_note(session: Session, conversation_id: int, agent: Agent, text: str, now: datetime | None = None) -> Any:
    """A private note for agents (never sent to the customer); @handle or @firstname mentions notify."""
    body = (clean_text(text) or "").strip()
    if not body:
        raise DeskError("the note is empty")
    if len(body) > events.NOTE_MAX_LENGTH:
        raise DeskError(f"the note is longer than {events.NOTE_MAX_LENGTH} characters")
    conversation = get_conversation(session, conversation_id)
    mentioned = events.mentioned_agents(body, session.execute(select(Agent)).scalars())
    return events.record(session, conversation.id, events.Kind.NOTE, now or utcnow(), agent_id=agent.id, text=body,
                         mentions=[a for a in mentioned if a != agent.id])


def _own_or_admin(conversation: Conversation, agent: Agent | None, action: str) -> None:
    if agent is not None and conversation.assigned_agent_id not in (None, agent.id) and not agent.is_admin:
        raise ConversationTaken(f"another agent has this conversation; only they or an admin can {action} it")


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
    template: Mapping[str, Any] | None = None,
    attachment: tuple[bytes, str] | None = None,
) -> tuple[Message, bool]:
    """Record an agent's reply once per key and take the conversation; the caller enqueues the send.

    Returns (message, created). A double click or a retried API call with the same key gets the
    first message back, so a customer never gets the same answer twice. `target` is where it
    goes (`reply_targets`; the first by default): in a comment thread, publicly under the newest
    comment or privately to its author.
    """
    text = (clean_text(text) or "").strip()
    if not text and attachment is None:
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
    media: list[dict[str, Any]] = []
    if attachment is not None:
        content, _ = attachment
        if not capabilities.media or chosen is not OutboundKind.MESSAGE:
            raise DeskError(f"photos and files cannot be sent on {conversation.platform} here")
        try:
            content_type = sniff(content)
        except FileRefused as exc:
            raise DeskError(str(exc)) from None
        if len(text) > MAX_CAPTION_LENGTH:
            raise DeskError(f"the text with a file is longer than {MAX_CAPTION_LENGTH} characters")
        stored = StoredFile(content=content, content_type=content_type, created_at=now)
        session.add(stored)
        session.flush()
        media = [{"url": f"{STORED_FILE_PREFIX}{stored.id}", "content_type": content_type}]
    try:
        if conversations.take(conversation, agent.id):
            events.record(session, conversation.id, events.Kind.TAKEN, now, agent_id=agent.id)
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
        media=media,
    )
    # An approved template (name, language, variables) is what the channel takes past its window;
    # `text` is what agents see of it.
    message.template = dict(template) if template else None
    session.add(message)
    conversation.last_message_at = now
    session.flush()
    return message, True


class epoch_seconds(FunctionElement[float]):
    """A timestamp column as seconds since 1970: the day's figures read thousands of them, and
    parsing each into a datetime (SQLite keeps text) cost more than the query."""

    type = Float()
    inherit_cache = True


@compiles(epoch_seconds, "sqlite")
def _epoch_sqlite(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    return f"((julianday({compiler.process(list(element.clauses)[0], **kw)}) - 2440587.5) * 86400.0)"


@compiles(epoch_seconds)
def _epoch_default(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    # A float: EXTRACT gives numeric, whose arithmetic is several times slower over many rows.
    return f"CAST(EXTRACT(EPOCH FROM {compiler.process(list(element.clauses)[0], **kw)}) AS DOUBLE PRECISION)"


@dataclass(frozen=True)
class ResponseFigures:
    """How customers were answered, counted per turn: a customer's message and those that follow
    it until someone answers. The wait runs from the turn's first message to the first answer
    sent (a person's text, or the bot's own reply to a question it kept); a handover note or an
    out-of-hours notice is no answer. `human` counts only turns handed to people."""

    turns: int = 0
    answered: int = 0
    median_seconds: float | None = None
    within_target_share: float | None = None  # of the turns decided: answered, or waiting past the target
    human_turns: int = 0
    human_answered: int = 0
    human_median_seconds: float | None = None
    human_within_target_share: float | None = None
    unanswered: int = 0  # no answer yet, waiting longer than the target


@dataclass(frozen=True)
class ResponseReport:
    target_seconds: float
    overall: ResponseFigures
    by_channel: list[tuple[str, ResponseFigures]]
    by_agent: list[tuple[str, ResponseFigures]]


@dataclass
class _Turn:
    platform: str
    agent_id: int | None  # who answered it, else who has the conversation now
    started: float
    needs_person: bool = False
    ignored_only: bool = True
    answered: float | None = None
    human_answered: float | None = None


def response_report(session: Session, since: datetime, now: datetime, target_seconds: float) -> ResponseReport:
    """First response and first human response, unanswered customers; overall, per channel, per agent.

    Turns are those begun since `since` (a turn begun earlier and still open counts from its
    first message inside the window).
    """
    rows = session.connection().execute(  # Core rows: the ORM's per-row work doubled the time
        select(
            Message.id, Message.conversation_id, Message.direction, Message.sender_type, Message.agent_id,
            Message.outcome, Message.target, Message.reply_to_id, Message.delivery_status,
            epoch_seconds(Message.created_at), epoch_seconds(Message.sent_at),
            Conversation.platform, Conversation.assigned_agent_id,
        )
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(Message.created_at >= since)
    )
    # Sorted here: asked to, the database walks every message in that order instead of the day's.
    turns = _turns(sorted(map(tuple, rows), key=itemgetter(1, 0)))
    now_seconds = now.timestamp()
    names = {agent_id: name for agent_id, name in session.execute(select(Agent.id, Agent.name))} if turns else {}
    by_channel: dict[str, list[_Turn]] = {}
    by_agent: dict[str, list[_Turn]] = {}
    for turn in turns:
        by_channel.setdefault(turn.platform, []).append(turn)
        if turn.agent_id is not None:
            by_agent.setdefault(names.get(turn.agent_id, str(turn.agent_id)), []).append(turn)
    figures = lambda group: _figures(group, now_seconds, target_seconds)  # noqa: E731
    return ResponseReport(
        target_seconds=target_seconds,
        overall=figures(turns),
        by_channel=sorted((platform, figures(group)) for platform, group in by_channel.items()),
        by_agent=sorted((name, figures(group)) for name, group in by_agent.items()),
    )


_INBOUND, _AGENT, _BOT = Direction.INBOUND.value, SenderType.AGENT.value, SenderType.BOT.value
_IGNORED, _FAILED = Outcome.IGNORED.value, DeliveryStatus.FAILED.value
_ANSWER_TARGETS = frozenset((None, *TEXT_TARGETS))


def _turns(rows: Sequence[Any]) -> list[_Turn]:
    """Walk each conversation's messages in order, cutting them into customer turns."""
    outcomes = {row[0]: row[5] for row in rows if row[2] == _INBOUND}
    turns: list[_Turn] = []
    current: _Turn | None = None
    conversation = None
    for (message_id, conversation_id, direction, sender, agent_id, outcome, target, reply_to, status,
         created, sent, platform, assigned_agent_id) in rows:
        if conversation_id != conversation:
            conversation, current = conversation_id, None
        if direction == _INBOUND:
            if current is None:
                current = _Turn(platform=platform, agent_id=assigned_agent_id, started=created)
                turns.append(current)
            current.ignored_only &= outcome == _IGNORED
            current.needs_person |= outcome in HANDED_OVER
            continue
        if current is None or sent is None or target not in _ANSWER_TARGETS or status == _FAILED:
            continue
        if sender == _AGENT:
            current.answered = sent
            current.human_answered, current.agent_id = sent, agent_id
            current.needs_person = True
        elif sender == _BOT and outcomes.get(reply_to) not in HANDED_OVER:
            current.answered = sent
        else:
            continue  # a handover note: the customer still waits
        current = None
    return [turn for turn in turns if not turn.ignored_only]  # spam and the like need no answer


def _figures(turns: Sequence[_Turn], now: float, target: float) -> ResponseFigures:
    # Rounded to the millisecond: julianday() arithmetic leaves 30 s as 29.99996.
    waits = sorted(round(turn.answered - turn.started, 3) for turn in turns if turn.answered is not None)
    late = [turn for turn in turns if turn.answered is None and now - turn.started > target]
    human = [turn for turn in turns if turn.needs_person]
    human_waits = sorted(round(turn.human_answered - turn.started, 3) for turn in human if turn.human_answered is not None)
    human_late = sum(1 for turn in human if turn.human_answered is None and now - turn.started > target)
    return ResponseFigures(
        turns=len(turns),
        answered=len(waits),
        median_seconds=_median(waits),
        within_target_share=_share(sum(1 for wait in waits if wait <= target), len(waits) + len(late)),
        human_turns=len(human),
        human_answered=len(human_waits),
        human_median_seconds=_median(human_waits),
        human_within_target_share=_share(sum(1 for wait in human_waits if wait <= target), len(human_waits) + human_late),
        unanswered=len(late),
    )


def _median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None
