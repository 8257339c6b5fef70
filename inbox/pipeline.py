"""The work behind the webhooks: decide, reply once, hand over, recover.

Every step is idempotent and keyed on stored ids:
- an inbound message is decided once (compare-and-set on `messages.outcome`);
- a reply has a send record (unique `idempotency_key`) written before the platform call and
  claimed with a compare-and-set on `delivery_status`, so a repeated or concurrent job never
  sends twice; a worker that dies mid-call leaves `sending`, which the sweep turns into
  `unknown` and hands to an agent instead of guessing and sending again.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from connectors.base import Connector
from inbox import conversations
from inbox.db import Database
from inbox.domain import (
    DeliveryStatus,
    Direction,
    EventKind,
    Outbound,
    OutboundKind,
    Outcome,
    SenderType,
)
from inbox.errors import AmbiguousSendError, PermanentSendError, TransientSendError
from inbox.models import Conversation, Message, utcnow
from inbox.queue import JobQueue
from inbox.settings import Settings
from inbox.store import mark_outcome, new_outbound
from replies import Action, ReplyEngine, Turn

logger = logging.getLogger(__name__)

# Only the newest messages of a long unanswered burst are read together.
MAX_BURST_MESSAGES = 10
# Tries to decide one inbound message (each job run or sweep counts) before a person takes over.
MAX_PROCESS_ATTEMPTS = 5
OUTCOME_BY_ACTION = {
    Action.AUTO_REPLY: Outcome.AUTO_REPLIED,
    Action.ESCALATE: Outcome.ESCALATED,
    Action.IGNORE: Outcome.IGNORED,
}


@dataclass
class Pipeline:
    settings: Settings
    db: Database
    queue: JobQueue
    connectors: dict[str, Connector]  # by platform value
    engine: ReplyEngine
    now: Callable[[], datetime] = utcnow

    # -- inbound ---------------------------------------------------------------------------

    def process_inbound(self, message_id: int) -> None:
        """Decide and answer one inbound message (with any earlier ones still unanswered).

        Debounce: the webhook enqueues this job to run once the customer has been quiet for
        `reply_debounce_seconds`; when a later message of the same burst is pending, this job
        leaves the answer to that message's job, so "kak" / "ready?" / "brp?" get one answer.
        """
        with self.db.session() as session:
            message = session.get(Message, message_id)
            if message is None or message.direction != Direction.INBOUND.value or message.outcome is not None:
                return
            # Counted before the work: a message whose processing keeps crashing would
            # otherwise come back with every sweep, forever, and never reach a person.
            message.attempts += 1
            if message.attempts > MAX_PROCESS_ATTEMPTS:
                self._give_up_on(session, message)
                return
        try:
            outbound_id = self._decide(message_id)
        except IntegrityError:
            logger.info("message %s: another job recorded the reply first", message_id)
            return
        if outbound_id is not None:
            self.send_outbound(outbound_id)

    def _give_up_on(self, session: Session, message: Message) -> None:
        conversation = session.get(Conversation, message.conversation_id)
        assert conversation is not None
        mark_outcome(session, [message.id], Outcome.ESCALATED.value)
        conversations.hand_over(
            conversation,
            reason=f"the bot failed to process a message {MAX_PROCESS_ATTEMPTS} times",
            now=self.now(),
            flags=["processing_failed"],
            urgent=True,
        )
        logger.error("message %s: processing failed %d times; handed to agents", message.id, MAX_PROCESS_ATTEMPTS)

    def _decide(self, message_id: int) -> int | None:
        with self.db.session() as session:
            message = session.get(Message, message_id)
            if message is None or message.outcome is not None:
                return None
            conversation = session.execute(
                select(Conversation).where(Conversation.id == message.conversation_id).with_for_update(of=Conversation)
            ).scalar_one()
            pending = list(
                session.execute(
                    select(Message)
                    .where(
                        Message.conversation_id == conversation.id,
                        Message.direction == Direction.INBOUND.value,
                        Message.outcome.is_(None),
                    )
                    .order_by(Message.id)
                ).scalars()
            )
            if pending and pending[-1].id != message_id:
                return None  # a later message of the same burst answers for this one
            batch_ids = [m.id for m in pending]
            if not conversations.bot_may_answer(conversation):
                mark_outcome(session, batch_ids, Outcome.HUMAN.value)
                return None
            recent = pending[-MAX_BURST_MESSAGES:]
            text = "\n".join(m.text for m in recent if m.text.strip())
            now = self.now()
            decision = self.engine.decide(
                Turn(
                    text=text,
                    now=now,
                    customer_name=conversation.contact.display_name,
                    customer_phone=conversation.contact.phone,
                    is_public_comment=message.kind == EventKind.COMMENT.value,
                )
            )
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
                return None
            logger.info(
                "message %s: intent=%s confidence=%.2f action=%s",
                message_id, decision.intent, decision.confidence, decision.action.value,
            )
            if decision.action is Action.ESCALATE:
                conversations.hand_over(
                    conversation,
                    reason=decision.reason,
                    now=now,
                    flags=decision.flags,
                    urgent="priority" in decision.flags,
                )
            elif decision.action is Action.IGNORE:
                conversations.add_flags(conversation, decision.flags)
            if not decision.reply:
                return None
            outbound = new_outbound(
                conversation,
                decision.reply,
                sender_type=SenderType.BOT,
                idempotency_key=f"reply:{message_id}",
                reply_to_id=message_id,
                now=now,
            )
            session.add(outbound)
            conversation.last_message_at = now
            session.flush()
            return outbound.id

    # -- outbound --------------------------------------------------------------------------

    def send_outbound(self, outbound_id: int) -> None:
        now = self.now()
        with self.db.session() as session:
            claimed = session.execute(
                update(Message)
                .where(
                    Message.id == outbound_id,
                    Message.direction == Direction.OUTBOUND.value,
                    Message.delivery_status.in_([DeliveryStatus.PENDING.value, DeliveryStatus.RETRY.value]),
                )
                .values(
                    delivery_status=DeliveryStatus.SENDING.value,
                    attempts=Message.attempts + 1,
                    last_attempt_at=now,
                )
            ).rowcount
            if not claimed:
                return  # sent, failed, or another job has it
            message = session.get(Message, outbound_id)
            assert message is not None
            conversation = session.get(Conversation, message.conversation_id)
            assert conversation is not None
            quoted = session.get(Message, message.reply_to_id) if message.reply_to_id else None
            outbound = Outbound(
                platform=message.platform,
                kind=OutboundKind.MESSAGE,
                chat_id=conversation.chat_id,
                text=message.text,
                reply_to_message_id=quoted.platform_message_id if quoted else None,
            )
            platform, attempts = message.platform, message.attempts
        connector = self.connectors.get(platform)
        try:
            if connector is None:
                raise PermanentSendError(f"{platform} is not configured")
            result = connector.send(outbound)
        except TransientSendError as exc:
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
        with self.db.session() as session:
            message = session.get(Message, outbound_id)
            assert message is not None
            message.external_id = result.message_id
            message.sent_at = self.now()
            message.error = None
            if message.delivery_status == DeliveryStatus.SENDING.value:
                message.delivery_status = result.status.value
        logger.info("outbound %s sent on %s as %s", outbound_id, platform, result.message_id)

    def _schedule_retry(self, outbound_id: int, delay: float, error: str) -> None:
        with self.db.session() as session:
            message = session.get(Message, outbound_id)
            assert message is not None
            message.delivery_status = DeliveryStatus.RETRY.value
            message.next_attempt_at = self.now() + timedelta(seconds=delay)
            message.error = error[:500]
        logger.warning("outbound %s: passing error, retry in %.1fs", outbound_id, delay)
        self.queue.enqueue("send_outbound", outbound_id, delay=delay)

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
            conversations.hand_over(
                conversation, reason=f"reply not delivered: {error}", now=self.now(), flags=[flag], urgent=True
            )

    # -- recovery --------------------------------------------------------------------------

    def sweep(self) -> dict[str, int]:
        """Re-enqueue stored work that has no outcome; the queue may have lost it."""
        now = self.now()
        cutoff = now - timedelta(seconds=self.settings.sweep_grace_seconds)
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
                            (Message.delivery_status == DeliveryStatus.PENDING.value) & (Message.created_at <= cutoff)
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
        # The newest message of a burst answers for the older ones, so one job per conversation
        # would do; enqueueing all is simpler and each extra job is a cheap no-op.
        for message_id in inbound_ids:
            self.queue.enqueue("process_inbound", message_id)
        for outbound_id in outbound_ids:
            self.queue.enqueue("send_outbound", outbound_id)
        for outbound_id in stuck_ids:
            self._mark_unknown(outbound_id, "worker stopped during the send; not resent automatically")
        if inbound_ids or outbound_ids or stuck_ids:
            logger.warning(
                "sweep: re-enqueued %d inbound, %d outbound; %d sends of unknown outcome",
                len(inbound_ids), len(outbound_ids), len(stuck_ids),
            )
        return {"inbound": len(inbound_ids), "outbound": len(outbound_ids), "unknown": len(stuck_ids)}
