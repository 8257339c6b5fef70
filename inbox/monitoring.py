"""What /healthz and /metrics report: read from the database (the truth, whichever process asks)
and the queue. Aggregate queries on indexed columns: cheap enough for every probe and scrape."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inbox.domain import ConversationStatus, DeliveryStatus, Direction
from inbox.models import Conversation, Message


@dataclass(frozen=True)
class WorkState:
    oldest_unprocessed_inbound_seconds: float | None  # waiting for the bot's decision
    oldest_pending_send_seconds: float | None  # recorded, not yet handed to the platform
    oldest_waiting_conversation_seconds: float | None  # waiting for a person
    unprocessed_inbound: int
    waiting_conversations: int


def _age(now: datetime, moment: datetime | None) -> float | None:
    return round((now - moment).total_seconds(), 1) if moment is not None else None


def work_state(session: Session, now: datetime) -> WorkState:
    inbound_count, oldest_inbound = session.execute(
        select(func.count(Message.id), func.min(Message.created_at)).where(
            Message.direction == Direction.INBOUND.value, Message.outcome.is_(None)
        )
    ).one()
    oldest_send = session.execute(
        select(func.min(Message.created_at)).where(
            Message.direction == Direction.OUTBOUND.value,
            Message.delivery_status.in_([DeliveryStatus.PENDING.value, DeliveryStatus.RETRY.value]),
        )
    ).scalar_one()
    waiting_count, oldest_waiting = session.execute(
        select(func.count(Conversation.id), func.min(Conversation.waiting_since)).where(
            Conversation.status == ConversationStatus.WAITING.value
        )
    ).one()
    return WorkState(
        oldest_unprocessed_inbound_seconds=_age(now, oldest_inbound),
        oldest_pending_send_seconds=_age(now, oldest_send),
        oldest_waiting_conversation_seconds=_age(now, oldest_waiting),
        unprocessed_inbound=inbound_count,
        waiting_conversations=waiting_count,
    )


def stuck_reasons(state: WorkState, stuck_after: float, debounce: float) -> list[str]:
    """Work the machine should have done by now (a person's wait is reported, not a fault)."""
    reasons = []
    limit = stuck_after + debounce
    if (state.oldest_unprocessed_inbound_seconds or 0) > limit:
        reasons.append(f"an inbound message has waited {state.oldest_unprocessed_inbound_seconds:.0f}s for the bot")
    if (state.oldest_pending_send_seconds or 0) > limit:
        reasons.append(f"a reply has waited {state.oldest_pending_send_seconds:.0f}s to be sent")
    return reasons


@dataclass(frozen=True)
class Counts:
    received: dict[str, int]  # platform -> inbound messages
    outcomes: dict[str, int]  # outcome -> inbound messages
    sent: dict[tuple[str, str], int]  # (platform, sender type) -> outbound sent or later
    send_errors: dict[tuple[str, str], int]  # (platform, failed|unknown) -> outbound
    first_response_seconds: list[float]  # recent inbound messages' first answer, any sender


def counts(session: Session, now: datetime, window: timedelta = timedelta(hours=1)) -> Counts:
    received = dict(
        session.execute(
            select(Message.platform, func.count()).where(Message.direction == Direction.INBOUND.value).group_by(Message.platform)
        ).all()
    )
    outcomes = dict(
        session.execute(
            select(Message.outcome, func.count())
            .where(Message.direction == Direction.INBOUND.value, Message.outcome.is_not(None))
            .group_by(Message.outcome)
        ).all()
    )
    sent_statuses = [DeliveryStatus.SENT.value, DeliveryStatus.DELIVERED.value, DeliveryStatus.READ.value]
    sent = {
        (platform, sender): n
        for platform, sender, n in session.execute(
            select(Message.platform, Message.sender_type, func.count())
            .where(Message.direction == Direction.OUTBOUND.value, Message.delivery_status.in_(sent_statuses))
            .group_by(Message.platform, Message.sender_type)
        ).all()
    }
    errors = {
        (platform, status): n
        for platform, status, n in session.execute(
            select(Message.platform, Message.delivery_status, func.count())
            .where(
                Message.direction == Direction.OUTBOUND.value,
                Message.delivery_status.in_([DeliveryStatus.FAILED.value, DeliveryStatus.UNKNOWN.value]),
            )
            .group_by(Message.platform, Message.delivery_status)
        ).all()
    }
    inbound = Message.__table__.alias("inbound")
    outbound = Message.__table__.alias("outbound")
    answered = session.execute(
        select(inbound.c.created_at, func.min(outbound.c.sent_at))
        .join(outbound, outbound.c.reply_to_id == inbound.c.id)
        .where(inbound.c.created_at >= now - window, outbound.c.sent_at.is_not(None))
        .group_by(inbound.c.id, inbound.c.created_at)
    ).all()
    waits = sorted(max(0.0, (sent_at - received_at).total_seconds()) for received_at, sent_at in answered)
    return Counts(received, outcomes, sent, errors, waits)
