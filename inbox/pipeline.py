"""The work behind the webhooks: decide, reply once, hand over, recover.

Every step is idempotent and keyed on stored ids:
- an inbound message is decided once (compare-and-set on `messages.outcome`);
- a decision becomes outbound actions, each a send record with its own idempotency key
  (`reply:{inbound}:private`, `reply:{inbound}:public`, `hide:{platform}:{comment}`,
  `notice:{inbound}`) written before the platform call and claimed with a compare-and-set on
  `delivery_status`, so a repeated or concurrent job never sends twice; a worker that dies
  mid-call leaves `sending`, which the sweep turns into `unknown` and hands to an agent instead
  of guessing and sending again;
- sends are paced per account and recipient (see inbox.pacing); a platform's 429 pauses them and
  does not count as a failed try; a send the platform's reply window would refuse is never tried.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Callable, Mapping, Sequence

from sqlalchemy import Select, Update, bindparam, case, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from connectors.base import Connector
from inbox import conversations, episodes, events
from inbox.db import Database
from inbox.domain import (
    Capabilities,
    ConversationStatus,
    DeliveryStatus,
    Direction,
    EventKind,
    Media,
    Outbound,
    OutboundKind,
    Outcome,
    SenderType,
    Template,
    ThreadKind,
)
from inbox.errors import AmbiguousSendError, PermanentSendError, TransientSendError
from inbox.models import Contact, Conversation, Message, Order, OrderNotification, Product, Rating, RestockRequest, utcnow
from inbox.outbound_files import public_file_url, stored_file_id
from inbox.pacing import Bucket, LocalPacer, Pacer, buckets_for
from inbox.queue import JobQueue
from inbox.settings import Settings
from inbox.shop_data import record_restock_requests
from inbox.store import clean_text, mark_outcome, new_outbound, outbound_values
from replies import Action, Decision, ReplyEngine, Turn
from replies.ratings import read_rating
from replies.shopdata import normalize_phone
from replies.voice import RESTOCK, rupiah

logger = logging.getLogger(__name__)

# Only the newest messages of a long unanswered burst are read together.
MAX_BURST_MESSAGES = 10
MESSAGES = Message.__table__
# The worker's hot statements, built once (building one costs about what running it does).
COUNT_ATTEMPT = (
    update(MESSAGES)
    .where(MESSAGES.c.id == bindparam("message_id"), MESSAGES.c.direction == Direction.INBOUND.value,
           MESSAGES.c.outcome.is_(None))
    .values(attempts=MESSAGES.c.attempts + 1)
    .returning(MESSAGES.c.attempts, MESSAGES.c.conversation_id)
)
_THREADS, _QUOTED = Conversation.__table__, MESSAGES.alias("quoted")
# Where an outbound action goes and whether it is still to send (one narrow row).
READ_SEND = (
    select(MESSAGES.c.platform, MESSAGES.c.target, MESSAGES.c.sender_type, MESSAGES.c.address,
           MESSAGES.c.delivery_status, MESSAGES.c.template, _THREADS.c.chat_id, _THREADS.c.last_inbound_at,
           _QUOTED.c.platform_message_id.label("quoted_id"))
    .select_from(MESSAGES.join(_THREADS, _THREADS.c.id == MESSAGES.c.conversation_id)
                 .outerjoin(_QUOTED, _QUOTED.c.id == MESSAGES.c.reply_to_id))
    .where(MESSAGES.c.id == bindparam("outbound_id"), MESSAGES.c.direction == Direction.OUTBOUND.value)
)
CLAIM_SEND = (
    update(MESSAGES)
    .where(MESSAGES.c.id == bindparam("outbound_id"),
           MESSAGES.c.delivery_status.in_([DeliveryStatus.PENDING.value, DeliveryStatus.RETRY.value]))
    .values(delivery_status=DeliveryStatus.SENDING.value, attempts=MESSAGES.c.attempts + 1,
            last_attempt_at=bindparam("now", type_=MESSAGES.c.last_attempt_at.type))
    .returning(MESSAGES.c.text, MESSAGES.c.media, MESSAGES.c.template, MESSAGES.c.attempts)
)
MARK_SENT = (
    update(MESSAGES).where(MESSAGES.c.id == bindparam("outbound_id"))
    .values(external_id=bindparam("external_id"), sent_at=bindparam("sent_at", type_=MESSAGES.c.sent_at.type),
            error=None,
            # a receipt may have come first: it stays
            delivery_status=case((MESSAGES.c.delivery_status == DeliveryStatus.SENDING.value, bindparam("status")),
                                 else_=MESSAGES.c.delivery_status))
    .returning(MESSAGES.c.conversation_id, MESSAGES.c.agent_id, MESSAGES.c.sender_type)
)
# On PostgreSQL, marking the send and answering its episode are one statement.
MARK_SENT_AND_ANSWERED = episodes.answered_as_sent(MARK_SENT.cte("sent"))
# The key of the thread's last outbound message, read with the thread's lock ("rating:..." when
# the bot last asked for a rating).
_LAST_OUT = MESSAGES.alias("last_out")
LAST_OUTBOUND_KEY = (
    select(_LAST_OUT.c.idempotency_key)
    .where(_LAST_OUT.c.conversation_id == _THREADS.c.id, _LAST_OUT.c.direction == Direction.OUTBOUND.value)
    .order_by(_LAST_OUT.c.id.desc()).limit(1).scalar_subquery().label("last_outbound_key")
)
# What deciding reads of a thread and what it may change there (inbox.conversations, the memory,
# the handover notice, the last message time).
THREAD_READ = ("id", "platform", "contact_id", "chat_id", "last_inbound_at")
THREAD_CHANGEABLE = ("status", "priority", "flags", "handover_reason", "assigned_agent_id", "waiting_since", "memory",
                     "handover_notice_at", "last_message_at")
_AUTHORS = Contact.__table__
# The thread's row lock orders the jobs of one conversation. Read with it: the message's author
# (not the thread's contact and agent).
LOCK_THREAD = (
    select(*(_THREADS.c[name] for name in THREAD_READ + THREAD_CHANGEABLE), _AUTHORS.c.id.label("author_id"),
           _AUTHORS.c.display_name.label("author_name"), _AUTHORS.c.phone.label("author_phone"), LAST_OUTBOUND_KEY)
    .select_from(_THREADS.outerjoin(_AUTHORS, _AUTHORS.c.id == select(MESSAGES.c.contact_id)
                                    .where(MESSAGES.c.id == bindparam("message_id")).scalar_subquery()))
    .where(_THREADS.c.id == bindparam("conversation_id"))
    .with_for_update(of=_THREADS)
)
# What deciding on an inbound message and planning its answer read of it (not `raw` or `media`).
DECISION_COLUMNS = tuple(MESSAGES.c[name] for name in (
    "id", "conversation_id", "platform", "kind", "contact_id", "address", "text", "platform_message_id", "created_at",
    "removed_at"))


def _pending_burst(by_author: bool) -> Select[Any]:
    """A burst is one author's unanswered messages in the thread (a group chat or a comment thread
    has several authors, each answered on their own); by_author False: messages without one."""
    columns = MESSAGES.c
    return (
        select(*DECISION_COLUMNS)
        .where(columns.conversation_id == bindparam("conversation_id"), columns.direction == Direction.INBOUND.value,
               columns.outcome.is_(None),
               columns.contact_id == bindparam("author_id") if by_author else columns.contact_id.is_(None))
        .order_by(columns.id)
    )


PENDING_BURST = {True: _pending_burst(True), False: _pending_burst(False)}
# A decision's send records, their ids in the order given.
INSERT_OUTBOUND = insert(MESSAGES).returning(MESSAGES.c.id, sort_by_parameter_order=True)
SUGGEST = update(MESSAGES).where(MESSAGES.c.id == bindparam("message_id")).values(suggestion=bindparam("suggestion"))
# Tries to decide one inbound message (each job run or sweep counts) before a person takes over.
MAX_PROCESS_ATTEMPTS = 5
# How long a send waits when the shared pacer (Redis) does not answer.
PACER_DOWN_WAIT_SECONDS = 1.0
# A comment the engine marks with one of these is hidden where the platform can.
HIDE_FLAGS = frozenset({"spam", "abuse"})
OUTCOME_BY_ACTION = {
    Action.AUTO_REPLY: Outcome.AUTO_REPLIED,
    Action.ESCALATE: Outcome.ESCALATED,
    Action.IGNORE: Outcome.IGNORED,
}


@dataclass(frozen=True)
class PlannedSend:
    """READ_SEND's row for a send record its job has just written."""

    platform: str
    target: str | None
    sender_type: str
    address: str | None
    delivery_status: str
    template: dict[str, Any] | None
    chat_id: str | None
    last_inbound_at: datetime | None
    quoted_id: str | None


class LockedThread:
    """A conversation as its deciding transaction read it, under its row lock: changed in place as
    a Conversation would be (inbox.conversations takes either), its changes written back in one
    UPDATE. The ORM's loading and unit of work cost more than the rest of the decision."""

    __slots__ = THREAD_READ + THREAD_CHANGEABLE + ("_read",)

    def __init__(self, row: Any) -> None:
        for name in THREAD_READ + THREAD_CHANGEABLE:
            setattr(self, name, getattr(row, name))
        self._read = {name: getattr(row, name) for name in THREAD_CHANGEABLE}

    def write_back(self, session: Session) -> None:
        """One UPDATE of the columns changed since the read (the conversation functions assign new
        values, never change a list or dict in place)."""
        changed = {name: value for name in THREAD_CHANGEABLE if (value := getattr(self, name)) != self._read[name]}
        if changed:
            session.execute(_thread_update(tuple(changed)), {"thread_id": self.id, **{f"new_{name}": value
                                                                                        for name, value in changed.items()}})
            self._read.update(changed)


_THREAD_UPDATES: dict[tuple[str, ...], Update] = {}


def _thread_update(columns: tuple[str, ...]) -> Update:
    """The UPDATE of these columns of a thread, built once per set (a handful occur)."""
    statement = _THREAD_UPDATES.get(columns)
    if statement is None:
        statement = _THREAD_UPDATES[columns] = (
            update(_THREADS).where(_THREADS.c.id == bindparam("thread_id"))
            .values({name: bindparam(f"new_{name}", type_=_THREADS.c[name].type) for name in columns})
        )
    return statement


@dataclass
class Pipeline:
    settings: Settings
    db: Database
    queue: JobQueue
    connectors: dict[str, Connector]  # by platform value
    engine: ReplyEngine
    pacer: Pacer = field(default_factory=LocalPacer)
    now: Callable[[], datetime] = utcnow

    def capabilities(self, platform: str) -> Capabilities | None:
        connector = self.connectors.get(platform)
        return connector.capabilities.get(platform) if connector is not None else None

    # -- inbound ---------------------------------------------------------------------------

    def process_inbound(self, message_id: int) -> None:
        """Decide and answer one inbound message (with any earlier ones still unanswered).

        Debounce: the webhook enqueues this job to run once the customer has been quiet for
        `reply_debounce_seconds`; when a later message of the same burst is pending, this job
        leaves the answer to that message's job, so "kak" / "ready?" / "brp?" get one answer.
        """
        # Counted before the work, and committed on its own: a message whose processing keeps
        # crashing would otherwise come back with every sweep, forever, and never reach a person.
        with self.db.autocommit() as connection:
            counted = connection.execute(COUNT_ATTEMPT, {"message_id": message_id}).first()
        if counted is None:
            return  # decided already (or not an inbound message)
        if counted.attempts > MAX_PROCESS_ATTEMPTS:
            with self.db.session() as session:
                message = session.get(Message, message_id)
                if message is not None and message.outcome is None:
                    self._give_up_on(session, message)
            return
        try:
            planned = self._decide(message_id, counted.conversation_id)
        except IntegrityError:
            logger.info("message %s: another job recorded the reply first", message_id)
            return
        for outbound_id, send in planned:
            self.send_outbound(outbound_id, send)

    def _give_up_on(self, session: Session, message: Message) -> None:
        conversation = session.get(Conversation, message.conversation_id)
        assert conversation is not None
        mark_outcome(session, [message.id], Outcome.ESCALATED.value)
        _hand_over(
            session,
            conversation,
            reason=f"the bot failed to process a message {MAX_PROCESS_ATTEMPTS} times",
            now=self.now(),
            flags=["processing_failed"],
            urgent=True,
        )
        logger.error("message %s: processing failed %d times; handed to agents", message.id, MAX_PROCESS_ATTEMPTS)

    def _decide(self, message_id: int, conversation_id: int) -> list[tuple[int, PlannedSend]]:
        with self.db.session() as session:
            locked = session.execute(LOCK_THREAD, {"message_id": message_id, "conversation_id": conversation_id}).one()
            thread = LockedThread(locked)
            # The columns the decision reads, not the raw payloads.
            pending = session.execute(PENDING_BURST[locked.author_id is not None],
                                      {"conversation_id": thread.id, "author_id": locked.author_id}).all()
            if not pending or pending[-1].id != message_id:
                return []  # decided meanwhile, or a later message of the same burst answers for this one
            message = pending[-1]
            batch_ids = [m.id for m in pending]
            # Only after a rating request can the burst be its answer (most messages skip the look).
            if (locked.last_outbound_key or "").startswith("rating:") and self._rating_answer(session, thread, pending):
                thread.write_back(session)
                return []
            if not conversations.bot_may_answer(thread):
                mark_outcome(session, batch_ids, Outcome.HUMAN.value)
                return []
            recent = pending[-MAX_BURST_MESSAGES:]
            text = "\n".join(m.text for m in recent if m.text.strip() and m.removed_at is None)
            now = self.now()
            turn = Turn(
                text=text,
                now=now,
                customer_name=locked.author_name,
                customer_phone=locked.author_phone,
                is_public_comment=message.kind == EventKind.COMMENT.value,
                memory=_memory_of(thread, message.contact_id),
            )
            decision = self.engine.decide(turn)
            mark_outcome(session, batch_ids[:-1], Outcome.MERGED.value)
            changed = mark_outcome(
                session,
                [message_id],
                OUTCOME_BY_ACTION[decision.action].value,
                intent=decision.intent,
                confidence=decision.confidence,
            )
            if not changed:
                session.rollback()
                return []
            _remember(thread, message.contact_id, decision.memory)
            if decision.restock_skus:
                record_restock_requests(session, thread.id, message.contact_id, decision.restock_skus)
            logger.info(
                "message %s: intent=%s confidence=%.2f action=%s",
                message_id, decision.intent, decision.confidence, decision.action.value,
            )
            if decision.action is Action.ESCALATE and "low_confidence" in decision.flags and not turn.is_public_comment:
                suggestion = self.engine.suggest(turn)
                if suggestion:
                    session.execute(SUGGEST, {"message_id": message_id, "suggestion": suggestion})
            if decision.action is Action.ESCALATE:
                _hand_over(
                    session,
                    thread,
                    reason=decision.reason,
                    now=now,
                    flags=decision.flags,
                    urgent="priority" in decision.flags,
                )
            elif decision.action is Action.IGNORE:
                conversations.add_flags(thread, decision.flags)
            actions = self._plan(session, decision, message, thread, now)
            if decision.action is Action.ESCALATE and thread.handover_notice_at is None:
                actions += self._handover_notice(session, turn, decision, message, thread, now)
            if actions:
                thread.last_message_at = now
            thread.write_back(session)
            if not actions:
                return []
            outbound_ids = session.execute(INSERT_OUTBOUND, actions).scalars().all()
            # What the sends need, known here: they skip reading their records back.
            return [(outbound_id, PlannedSend(
                platform=action["platform"], target=action["target"], sender_type=action["sender_type"],
                address=action["address"], delivery_status=action["delivery_status"], template=None,
                chat_id=thread.chat_id, last_inbound_at=thread.last_inbound_at,
                quoted_id=message.platform_message_id)) for outbound_id, action in zip(outbound_ids, actions)]

    def _plan(
        self, session: Session, decision: Decision, message: Any, conversation: LockedThread, now: datetime,
    ) -> list[dict[str, Any]]:
        """The outbound actions a decision asks for, as far as the platform can do them (the columns
        of their send records)."""
        capabilities = self.capabilities(conversation.platform)
        if capabilities is None:
            return []  # the channel is switched off here; the sweep of sends would only fail

        def action(target: OutboundKind, text: str, key: str) -> dict[str, Any]:
            text = _fit(text, capabilities.text_limit(target))
            return outbound_values(
                conversation, text, sender_type=SenderType.BOT, idempotency_key=key, target=target, reply_to=message, now=now
            )

        actions: list[dict[str, Any]] = []
        if message.kind == EventKind.COMMENT.value:
            if HIDE_FLAGS & set(decision.flags) and capabilities.can(OutboundKind.HIDE):
                actions.append(action(OutboundKind.HIDE, "", f"hide:{message.platform}:{message.platform_message_id}"))
            public, private = decision.public_reply, decision.reply
            if private and not capabilities.can(OutboundKind.PRIVATE_REPLY):
                public, private = private, None  # no private channel: the whole answer goes under the comment
            if public and capabilities.can(OutboundKind.PUBLIC_REPLY):
                actions.append(action(OutboundKind.PUBLIC_REPLY, public, f"reply:{message.id}:public"))
            if private:
                actions.append(action(OutboundKind.PRIVATE_REPLY, private, f"reply:{message.id}:private"))
            return actions
        if not decision.reply:
            return actions
        window = capabilities.window_for(by_agent=False)
        if window is not None and now - message.created_at > window:
            # Processed too late (an outage, a long backlog): the platform would refuse free text.
            _hand_over(
                session, conversation, reason="the reply window closed before the bot answered", now=now,
                flags=["window_closed"],
            )
            return actions
        actions.append(action(OutboundKind.MESSAGE, decision.reply, f"reply:{message.id}:private"))
        return actions

    def _handover_notice(
        self, session: Session, turn: Turn, decision: Decision, message: Any, conversation: LockedThread,
        now: datetime,
    ) -> list[dict[str, Any]]:
        """Tell the customer, once per handover, that a person will answer (and roughly when)."""
        conversation.handover_notice_at = now  # told now, or told already by the decision's reply
        if decision.reply:
            return []
        note = self.engine.handover_note(turn, decision, wait_minutes=self._usual_wait_minutes(session, now))
        capabilities = self.capabilities(conversation.platform)
        if not note or capabilities is None or message.kind == EventKind.COMMENT.value:
            return []
        window = capabilities.window_for(by_agent=False)
        if window is not None and now - message.created_at > window:
            return []
        return [
            outbound_values(
                conversation, _fit(note, capabilities.max_text_length), sender_type=SenderType.BOT,
                idempotency_key=f"notice:{message.id}", reply_to=message, now=now,
            )
        ]

    def _usual_wait_minutes(self, session: Session, now: datetime) -> int | None:
        """The median wait for a person's first answer over the last day; None without enough data."""
        inbound = Message.__table__.alias("inbound")
        outbound = Message.__table__.alias("outbound")
        waits = sorted(
            (sent - received).total_seconds()
            for received, sent in session.execute(
                select(inbound.c.created_at, func.min(outbound.c.sent_at))
                .join(outbound, outbound.c.reply_to_id == inbound.c.id)
                .where(
                    outbound.c.sender_type == SenderType.AGENT.value,
                    outbound.c.sent_at >= now - timedelta(days=1),
                )
                .group_by(inbound.c.id, inbound.c.created_at)
                .limit(500)
            ).all()
        )
        if len(waits) < 3:
            return None
        return max(1, min(120, round(waits[len(waits) // 2] / 60)))

    def describe_post(self, conversation_id: int) -> None:
        """Fill in a comment thread's post (caption, link) from the platform, once, for agents.

        Best effort: a platform that cannot tell, or fails, leaves the post id alone; it is never retried.
        """
        with self.db.session() as session:
            conversation = session.get(Conversation, conversation_id)
            if conversation is None:
                return
            post = dict(conversation.post or {})
            if not post.get("id") or post.get("caption") or post.get("described"):
                return
            connector = self.connectors.get(conversation.platform)
        if connector is None:
            return
        try:
            described = connector.describe_post(str(post["id"]))
        except Exception as exc:  # noqa: BLE001 - a caption is a nicety; nothing may fail for it
            logger.warning("post %s: could not describe it: %s", str(post["id"])[:60], type(exc).__name__)
            described = None
        with self.db.session() as session:
            conversation = session.get(Conversation, conversation_id)
            if conversation is None:
                return
            current = dict(conversation.post or {})
            if described is not None:
                current["caption"] = current.get("caption") or clean_text(described.caption, 2000)
                link = described.link if described.link and described.link.startswith("https://") else None
                current["link"] = current.get("link") or clean_text(link, 1000)
            current["described"] = True
            conversation.post = current

    # -- ratings ---------------------------------------------------------------------------

    def request_rating(self, conversation_id: int, agent_id: int | None = None) -> None:
        """Ask a resolved conversation's customer for a 1-5 rating, once per resolution, where the
        channel is one that asks and the pack has the words for it."""
        now = self.now()
        with self.db.session() as session:
            conversation = session.get(Conversation, conversation_id)
            if (
                conversation is None
                or conversation.status != ConversationStatus.RESOLVED.value
                or conversation.platform not in self.settings.rating_channels
                or conversation.thread_kind != ThreadKind.DIRECT.value
            ):
                return
            last_inbound = session.execute(
                select(Message).where(Message.conversation_id == conversation_id,
                                      Message.direction == Direction.INBOUND.value)
                .order_by(Message.id.desc()).limit(1)
            ).scalar_one_or_none()
            capabilities = self.capabilities(conversation.platform)
            if last_inbound is None or capabilities is None:
                return
            window = capabilities.reply_window
            if window is not None and conversation.last_inbound_at and now - conversation.last_inbound_at > window:
                return  # the platform would refuse it: better no question than a template for it
            lang = ((conversation.memory or {}).get(str(last_inbound.contact_id)) or {}).get("language", "id")
            text = self.engine.rating_request(lang, now) if hasattr(self.engine, "rating_request") else None
            if not text:
                return
            key = f"rating:{last_inbound.id}"  # one request per resolution: a new one needs a new message
            if session.execute(select(Message.id).where(Message.idempotency_key == key)).first() is not None:
                return
            message = new_outbound(conversation, _fit(text, capabilities.max_text_length), sender_type=SenderType.BOT,
                                   idempotency_key=key, now=now)
            message.agent_id = agent_id  # whose work is rated (not the sender: the bot asks)
            session.add(message)
            session.flush()
            outbound_id = message.id
        self.send_outbound(outbound_id)

    def _rating_answer(self, session: Session, conversation: LockedThread, pending: Sequence[Any]) -> bool:
        """Record the customer's answer to a rating request; True when the burst was that answer."""
        last_outbound = session.execute(
            select(MESSAGES.c.id, MESSAGES.c.idempotency_key, MESSAGES.c.agent_id)
            .where(MESSAGES.c.conversation_id == conversation.id, MESSAGES.c.direction == Direction.OUTBOUND.value)
            .order_by(MESSAGES.c.id.desc()).limit(1)
        ).first()
        if last_outbound is None or not (last_outbound.idempotency_key or "").startswith("rating:"):
            return False
        if not pending or last_outbound.id > pending[0].id:
            return False
        answer = read_rating("\n".join(m.text for m in pending))
        if answer is None:
            return False
        score, comment = answer
        session.add(Rating(conversation_id=conversation.id, message_id=pending[-1].id, agent_id=last_outbound.agent_id,
                           score=score, comment=clean_text(comment, 200), created_at=self.now()))
        mark_outcome(session, [m.id for m in pending], Outcome.IGNORED.value, intent="rating", confidence=1.0)
        episodes.rated(session, conversation.id, score, reopened=score <= 2)
        if score <= 2:
            _hand_over(session, conversation, reason=f"low rating {score}/5: {comment}"[:300], now=self.now(),
                       flags=["low_rating"], urgent=True, kind=events.Kind.REOPENED)
        else:
            conversations.resolve(conversation)  # a thank-you rating keeps it closed
        logger.info("conversation %s: rated %d/5", conversation.id, score)
        return True

    # -- order notifications ---------------------------------------------------------------

    def notify_order(self, notification_id: int) -> None:
        """Tell the customer, unasked, that their order moved on: once per order and status.

        On WhatsApp (the order's phone): free text inside the 24-hour window, the pack's approved
        template outside it, nothing in the shop's quiet hours (the job comes back when they end).
        A notification that cannot go out says why on the notification, for agents to see.
        """
        now = self.now()
        if self._later_if_quiet("notify_order", notification_id, now):
            return
        with self.db.session() as session:
            notification = session.get(OrderNotification, notification_id)
            if notification is None or notification.outbound_id is not None or notification.error:
                return
            order = session.get(Order, notification.order_id)
            assert order is not None
            platform = next((p for p in WHATSAPP_PLATFORMS if p in self.connectors), None)
            phone = normalize_phone(order.customer_phone or "")
            if platform is None or not phone:
                notification.error = "no WhatsApp channel is enabled" if platform is None else "the order has no phone"
                return
            conversation = _whatsapp_thread(session, platform, phone, now)
            values = {"order_number": order.number, "courier": order.courier or "-",
                      "tracking_number": order.tracking_number or "-", "total": order.total}
            outbound, notification.error = self._notice(
                session, conversation, notification.status, values, f"notify:{notification.id}", now)
            if outbound is None:
                return
            notification.outbound_id = outbound_id = outbound.id
        self.send_outbound(outbound_id)

    def notify_restock(self, request_id: int) -> None:
        """Tell a customer who asked that a sold-out variant is back: once per request, in the thread
        they asked in, with the same window, template and quiet-hour rules as order notifications.
        A SKU out of stock again by now keeps its request waiting for the next restock."""
        now = self.now()
        if self._later_if_quiet("notify_restock", request_id, now):
            return
        with self.db.session() as session:
            request = session.get(RestockRequest, request_id)
            if request is None or request.outbound_id is not None or request.error:
                return
            product = session.execute(select(Product).where(Product.sku == request.sku)).scalar_one_or_none()
            if product is None or product.stock <= 0:
                return
            conversation = session.get(Conversation, request.conversation_id)
            assert conversation is not None
            values = {"product": product.name, "variant": product.variant or "", "price": rupiah(product.price)}
            outbound, request.error = self._notice(
                session, conversation, RESTOCK, values, f"restock:{request.id}", now, contact_id=request.contact_id)
            if outbound is None:
                return
            request.outbound_id = outbound_id = outbound.id
        self.send_outbound(outbound_id)

    def _later_if_quiet(self, job: str, job_id: int, now: datetime) -> bool:
        """In the shop's quiet hours an unasked message waits: the job comes back when they end."""
        wait = _quiet_seconds_left(self.engine.pack, now)
        if wait > 0:
            self.queue.submit(job, job_id, delay=wait)
        return wait > 0

    def _notice(
        self, session: Session, conversation: Conversation, kind: str, values: Mapping[str, Any], key: str,
        now: datetime, *, contact_id: int | None = None,
    ) -> tuple[Message | None, str | None]:
        """An unasked message of the pack's `notifications` (an order status, a restock) in this thread:
        free text inside the platform's reply window, the pack's approved template outside it, or
        nothing and the reason why (the thread is flagged for agents)."""
        pack = self.engine.pack
        capabilities = self.capabilities(conversation.platform)
        if capabilities is None:
            return None, f"the {conversation.platform} channel is not enabled"
        memory = _memory_of(conversation, contact_id if contact_id is not None else conversation.contact_id) or {}
        text = pack.notification_text(kind, values, memory.get("language", "id"), now)
        if not text:
            return None, f"the brand pack has no notification text for {kind}"
        window = capabilities.reply_window
        template = None
        if window is not None and (conversation.last_inbound_at is None or now - conversation.last_inbound_at > window):
            templates = pack.notifications.templates.get(conversation.platform, {}) if pack.notifications else {}
            spec = templates.get(kind)
            if spec is None:
                conversations.add_flags(conversation, ["notification_unsent"])
                hours = round(window.total_seconds() / 3600)
                return None, (f"outside the {hours}-hour window of {conversation.platform} and the pack maps no "
                              f"{conversation.platform} template for {kind}: not sent")
            template = {"name": spec.name, "language": spec.language,
                        "variables": [str(values.get(name) or "-") for name in spec.variables]}
        message = new_outbound(conversation, _fit(text, capabilities.max_text_length), sender_type=SenderType.BOT,
                               idempotency_key=key, now=now)
        message.template = template
        session.add(message)
        session.flush()
        return message, None

    # -- outbound --------------------------------------------------------------------------

    def send_outbound(self, outbound_id: int, planned: PlannedSend | None = None) -> None:
        """Perform one outbound action once: paced, within the reply window, claimed before the call.

        `planned` is what the job that just stored the record knows of it (else it is read); the
        claim below decides in any case whether this job sends it."""
        now = self.now()
        row: Any = planned
        if row is None:
            with self.db.autocommit() as connection:
                row = connection.execute(READ_SEND, {"outbound_id": outbound_id}).first()
        if row is None or row.delivery_status not in (DeliveryStatus.PENDING.value, DeliveryStatus.RETRY.value):
            return  # sent, failed, or another job has it
        platform, target = row.platform, OutboundKind(row.target or OutboundKind.MESSAGE.value)
        by_agent = row.sender_type == SenderType.AGENT.value
        address = row.address or row.chat_id
        # An approved template is what the platform takes outside the window: no window applies.
        last_inbound = row.last_inbound_at if not row.template else None
        connector = self.connectors.get(platform)
        capabilities = connector.capabilities.get(platform) if connector is not None else None
        if connector is None or capabilities is None:
            self._fail(outbound_id, f"{platform} is not configured")
            return
        tag = None
        if target is OutboundKind.MESSAGE and capabilities.reply_window is not None and last_inbound is not None:
            window = capabilities.window_for(by_agent=by_agent)
            assert window is not None
            if now - last_inbound > window:
                self._fail(outbound_id, f"the {platform} reply window has closed; the customer must write first")
                return
            if now - last_inbound > capabilities.reply_window:
                tag = capabilities.agent_window_tag
        recipient = address if target in (OutboundKind.MESSAGE, OutboundKind.PRIVATE_REPLY) else None
        buckets = buckets_for(platform, capabilities.rates, recipient=recipient, action=target.value)
        try:
            wait, slot = self.pacer.acquire(buckets, queue_as=f"out:{outbound_id}")
        except Exception as exc:  # the shared pacer (Redis) is away: wait for it, never send unpaced
            logger.warning("outbound %s: pacing unavailable (%s); trying again shortly", outbound_id, type(exc).__name__)
            wait, slot = PACER_DOWN_WAIT_SECONDS, ""
        if wait > 0:
            self._defer(outbound_id, wait)
            return
        self._claim_and_send(outbound_id, connector, buckets, slot, Outbound(
            platform=platform, kind=target, chat_id=address, text="", reply_to_message_id=row.quoted_id, tag=tag), now)

    def _claim_and_send(
        self, outbound_id: int, connector: Connector, buckets: list[Bucket], slot: str, action: Outbound, now: datetime,
    ) -> None:
        """Claim the send record and make the call; the pacing slot is given back if nothing is sent.

        `action` is where it goes; the claim fills in what is sent."""
        target = action.kind
        try:
            outbound, attempts = self._claim(outbound_id, action, now)
        except BaseException:
            self._pacing(self.pacer.cancel, buckets, slot)
            raise
        if outbound is None:
            self._pacing(self.pacer.cancel, buckets, slot)
            return  # sent, failed, or another job has it
        try:
            try:
                result = connector.send(outbound)
            finally:
                # Counted from when the request finished: never earlier than the platform saw it.
                self._pacing(self.pacer.finish, buckets, slot)
        except TransientSendError as exc:
            if exc.rate_limited:
                # The platform's own limit: wait as it says; this try does not count.
                pause = exc.retry_after if exc.retry_after is not None else 1.0
                try:
                    self.pacer.pause([bucket.key for bucket in buckets if bucket.key.endswith(":account")], pause)
                except Exception:
                    logger.warning("outbound %s: could not record the platform's pause", outbound_id)
                self._schedule_retry(outbound_id, pause, str(exc), count_attempt=False)
                return
            if attempts >= self.settings.send_max_attempts:
                self._fail(outbound_id, f"gave up after {attempts} attempts: {exc}")
                return
            backoff = self.settings.send_backoff_seconds
            delay = exc.retry_after if exc.retry_after is not None else backoff[min(attempts, len(backoff)) - 1]
            self._schedule_retry(outbound_id, delay, str(exc))
            return
        except PermanentSendError as exc:
            self._fail(outbound_id, str(exc))
            return
        except AmbiguousSendError as exc:
            self._mark_unknown(outbound_id, f"{exc}; check the chat before sending again")
            return
        except Exception:
            # We cannot tell whether the platform got it: never resend, let a person check.
            self._mark_unknown(outbound_id, "unexpected error while sending")
            raise
        sent_at = self.now()
        marked = {"outbound_id": outbound_id, "external_id": result.message_id, "sent_at": sent_at,
                  "status": result.status.value}
        with self.db.session() as session:
            if session.get_bind().dialect.name == "postgresql":
                session.execute(MARK_SENT_AND_ANSWERED, {**marked, "epoch": sent_at.timestamp()})
            else:
                sent = session.execute(MARK_SENT, marked).one()
                episodes.answered(session, sent.conversation_id, sent_at,
                                  sent.agent_id if sent.sender_type == SenderType.AGENT.value else None)
        logger.info("outbound %s (%s) sent on %s as %s", outbound_id, target.value, outbound.platform, result.message_id)

    @staticmethod
    def _pacing(step: Callable[[list[Bucket], str], None], buckets: list[Bucket], slot: str) -> None:
        """Bookkeeping after the fact: a pacer outage must not turn a send into an unknown one."""
        try:
            step(buckets, slot)
        except Exception as exc:
            logger.warning("pacing bookkeeping failed (%s); the slot expires by itself", type(exc).__name__)

    def _claim(self, outbound_id: int, action: Outbound, now: datetime) -> tuple[Outbound | None, int]:
        """Compare-and-set the record to `sending`, committed at once; the action to perform with
        what it sends, or None when it is not ours."""
        with self.db.autocommit() as connection:
            claimed = connection.execute(CLAIM_SEND, {"outbound_id": outbound_id, "now": now}).first()
        if claimed is None:
            return None, 0
        outbound = replace(
            action,
            text=claimed.text,
            media=tuple(Media(url=self._fetchable(m["url"]), content_type=m.get("content_type"))
                        for m in claimed.media or []),
            template=_template_of(claimed.template),
        )
        return outbound, claimed.attempts

    def _fetchable(self, url: str) -> str:
        """A file the inbox keeps, as the public signed URL the platform downloads it from."""
        file_id = stored_file_id(url)
        if file_id is None:
            return url
        return public_file_url(self.settings.public_url, self.settings.secret_key, file_id)

    def _defer(self, outbound_id: int, delay: float) -> None:
        """Over the platform's rate: try again when a slot frees (the sweep knows it is waiting)."""
        with self.db.session() as session:
            session.execute(
                update(Message)
                .where(Message.id == outbound_id)
                .values(next_attempt_at=self.now() + timedelta(seconds=delay))
            )
        self.queue.submit("send_outbound", outbound_id, delay=delay)

    def _schedule_retry(self, outbound_id: int, delay: float, error: str, *, count_attempt: bool = True) -> None:
        with self.db.session() as session:
            message = session.get(Message, outbound_id)
            assert message is not None
            message.delivery_status = DeliveryStatus.RETRY.value
            message.next_attempt_at = self.now() + timedelta(seconds=delay)
            message.error = error[:500]
            if not count_attempt:
                message.attempts -= 1
        logger.warning("outbound %s: passing error, retry in %.1fs", outbound_id, delay)
        self.queue.submit("send_outbound", outbound_id, delay=delay)

    def _fail(self, outbound_id: int, error: str) -> None:
        self._end_send(outbound_id, DeliveryStatus.FAILED, error, flag="send_failed")
        logger.warning("outbound %s failed: %s", outbound_id, error)

    def _mark_unknown(self, outbound_id: int, error: str) -> None:
        self._end_send(outbound_id, DeliveryStatus.UNKNOWN, error, flag="delivery_unknown")

    def _end_send(self, outbound_id: int, status: DeliveryStatus, error: str, *, flag: str) -> None:
        with self.db.session() as session:
            message = session.get(Message, outbound_id)
            assert message is not None
            message.delivery_status = status.value
            message.error = error[:500]
            conversation = session.get(Conversation, message.conversation_id)
            assert conversation is not None
            _hand_over(
                session, conversation, reason=f"reply not delivered: {error}", now=self.now(), flags=[flag], urgent=True
            )

    # -- recovery --------------------------------------------------------------------------

    def sweep(self, grace_seconds: float | None = None) -> dict[str, int]:
        """Re-enqueue stored work that has no outcome; the queue may have lost it.

        `grace_seconds` (default: the setting) spares work young enough that its job is surely
        still queued; after a queue outage nothing is spared (0).
        """
        now = self.now()
        grace = self.settings.sweep_grace_seconds if grace_seconds is None else grace_seconds
        cutoff = now - timedelta(seconds=grace)
        stale = now - timedelta(seconds=self.settings.stale_send_seconds)
        with self.db.session() as session:
            inbound_ids = list(
                session.execute(
                    select(Message.id).where(
                        Message.direction == Direction.INBOUND.value,
                        Message.outcome.is_(None),
                        Message.created_at <= cutoff,
                    )
                ).scalars()
            )
            outbound_ids = list(
                session.execute(
                    select(Message.id).where(
                        Message.direction == Direction.OUTBOUND.value,
                        (
                            (Message.delivery_status == DeliveryStatus.PENDING.value)
                            & (Message.created_at <= cutoff)
                            # paced sends wait on purpose until next_attempt_at
                            & ((Message.next_attempt_at.is_(None)) | (Message.next_attempt_at <= cutoff))
                        )
                        | (
                            (Message.delivery_status == DeliveryStatus.RETRY.value)
                            & (Message.next_attempt_at <= cutoff)
                        ),
                    )
                ).scalars()
            )
            stuck_ids = list(
                session.execute(
                    select(Message.id).where(
                        Message.direction == Direction.OUTBOUND.value,
                        Message.delivery_status == DeliveryStatus.SENDING.value,
                        Message.last_attempt_at <= stale,
                    )
                ).scalars()
            )
            # Notifications wait on purpose through quiet hours; outside them, one not yet sent was lost.
            notification_ids = [] if _quiet_seconds_left(getattr(self.engine, "pack", None), now) > 0 else list(
                session.execute(
                    select(OrderNotification.id).where(
                        OrderNotification.outbound_id.is_(None),
                        OrderNotification.error.is_(None),
                        OrderNotification.created_at <= cutoff,
                    )
                ).scalars()
            )
            # A restock notice not yet sent while its SKU is in stock: lost, or asked after the restock.
            restock_ids = [] if _quiet_seconds_left(getattr(self.engine, "pack", None), now) > 0 else list(
                session.execute(
                    select(RestockRequest.id)
                    .join(Product, Product.sku == RestockRequest.sku)
                    .where(Product.stock > 0, RestockRequest.outbound_id.is_(None), RestockRequest.error.is_(None),
                           RestockRequest.created_at <= cutoff)
                ).scalars()
            )
        # Work whose job is still queued is left alone: under a backlog, a worker's start-up sweep
        # used to queue every waiting message a second time. The newest message of a burst answers
        # for the older ones, so one job per conversation would do; each extra job is a cheap no-op.
        inbound_ids = self._not_waiting("process_inbound", inbound_ids)
        outbound_ids = self._not_waiting("send_outbound", outbound_ids)
        notification_ids = self._not_waiting("notify_order", notification_ids)
        restock_ids = self._not_waiting("notify_restock", restock_ids)
        for message_id in inbound_ids:
            self.queue.submit("process_inbound", message_id)
        for outbound_id in outbound_ids:
            self.queue.submit("send_outbound", outbound_id)
        for outbound_id in stuck_ids:
            self._mark_unknown(outbound_id, "worker stopped during the send; not resent automatically")
        for notification_id in notification_ids:
            self.queue.submit("notify_order", notification_id)
        for request_id in restock_ids:
            self.queue.submit("notify_restock", request_id)
        if inbound_ids or outbound_ids or stuck_ids:
            logger.warning(
                "sweep: re-enqueued %d inbound, %d outbound; %d sends of unknown outcome",
                len(inbound_ids), len(outbound_ids), len(stuck_ids),
            )
        return {"inbound": len(inbound_ids), "outbound": len(outbound_ids), "unknown": len(stuck_ids),
                "notifications": len(notification_ids), "restocks": len(restock_ids)}

    def _not_waiting(self, job: str, ids: list[int]) -> list[int]:
        try:
            waiting = self.queue.waiting(job, ids)
        except Exception as exc:  # the queue is away: submit keeps the jobs for when it is back
            logger.warning("sweep: cannot ask the queue what waits (%s); enqueueing all", type(exc).__name__)
            return ids
        return [value for value in ids if value not in waiting]


WHATSAPP_PLATFORMS = ("whatsapp_twilio", "whatsapp_cloud")  # where a phone number is reached, in this order


def _template_of(stored: Mapping[str, Any] | None) -> Template | None:
    if not stored:
        return None
    return Template(str(stored["name"]), str(stored.get("language") or "id"), tuple(map(str, stored.get("variables") or ())))


def _quiet_seconds_left(pack: Any, now: datetime) -> float:
    """Seconds until the pack's quiet hours end (0 outside them): no 23:00 messages."""
    notifications = getattr(pack, "notifications", None)
    if notifications is None or notifications.quiet_start is None or notifications.quiet_end is None:
        return 0.0
    local = pack.local(now)
    start, end = notifications.quiet_start, notifications.quiet_end
    clock = local.time()
    inside = (start <= clock or clock < end) if start > end else (start <= clock < end)
    if not inside:
        return 0.0
    ends = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if ends <= local:
        ends += timedelta(days=1)
    return (ends - local).total_seconds()


def _whatsapp_thread(session: Session, platform: str, phone: str, now: datetime) -> Conversation:
    """The customer's WhatsApp chat with the shop, started here when they never wrote."""
    found = session.execute(
        select(Conversation)
        .join(Contact, Contact.id == Conversation.contact_id)
        .where(Conversation.platform == platform, Contact.phone == phone,
               Conversation.thread_kind == ThreadKind.DIRECT.value)
        .order_by(Conversation.last_inbound_at.desc().nulls_last(), Conversation.id)
        .limit(1)
    ).scalar_one_or_none()
    if found is not None:
        return found
    digits = phone.lstrip("+")
    address = f"whatsapp:{phone}" if platform == "whatsapp_twilio" else digits
    contact = session.execute(
        select(Contact).where(Contact.platform == platform, Contact.external_id == digits)
    ).scalar_one_or_none()
    if contact is None:
        contact = Contact(platform=platform, external_id=digits, phone=phone, created_at=now)
        session.add(contact)
        session.flush()
    conversation = Conversation(contact_id=contact.id, platform=platform, thread_key=address, chat_id=address,
                                thread_kind=ThreadKind.DIRECT.value, status=ConversationStatus.BOT.value, priority=0,
                                flags=[], created_at=now, last_message_at=now)
    session.add(conversation)
    session.flush()
    return conversation


def _hand_over(session: Session, conversation: Conversation | LockedThread, *, reason: str, now: datetime,
               flags: Any = (), urgent: bool = False, kind: events.Kind = events.Kind.HANDED_OVER) -> None:
    """Into the agents' queue; the history says why when it entered it now (not when it was there)."""
    if conversations.hand_over(conversation, reason=reason, now=now, flags=flags, urgent=urgent):
        events.record(session, conversation.id, kind, now, text=reason[:500])


def _memory_of(conversation: Conversation | LockedThread, contact_id: int | None) -> dict[str, Any] | None:
    """What the replies engine kept from this author's earlier turns in this thread (a group chat or
    a comment thread has several authors: each has their own)."""
    kept = (conversation.memory or {}).get(str(contact_id))
    return dict(kept) if isinstance(kept, dict) else None


def _remember(conversation: LockedThread, contact_id: int | None, memory: Mapping[str, Any] | None) -> None:
    if not memory:
        return
    # A new dict: SQLAlchemy sees a changed JSON value only when it is replaced.
    conversation.memory = {**(conversation.memory or {}), str(contact_id): dict(memory)}


def _fit(text: str, limit: int) -> str:
    """The bot's text within the platform's length (templates are short; a long product list may not be)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
