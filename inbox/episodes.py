"""Customer needs ("episodes"), kept up to date as messages come and go, so that the owners'
report reads one row per need instead of every message (`inbox.reports`).

An episode starts with a customer's message when the conversation has no open one: it is new, it
was resolved, or it had been quiet for `QUIET_GAP` with the bot (a customer back next month is a
new need). Our first answer after its start is its first response; an agent's, its first human
one. Resolving ends it; the customer's rating of that resolution is written on it.

Each function is a statement or two in the caller's transaction (Core statements: no ORM
bookkeeping on the hot path).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import CTE, Update, bindparam, case, delete, func, select, update
from sqlalchemy.orm import Session

from inbox.db import dialect_insert
from inbox.domain import ConversationStatus, SenderType
from inbox.models import Episode

QUIET_GAP = timedelta(hours=24)  # WhatsApp's reply window: past it, a message is a new visit
EPISODES = Episode.__table__
_OPEN = EPISODES.c.ended_at.is_(None)


def customer_wrote(
    session: Session, conversation_id: int, platform: str, at: datetime, *,
    status: str, last_message_at: datetime | None,
) -> None:
    """A new customer message; `status` and `last_message_at` are the conversation's before it."""
    end_open_before(session, conversation_id, at, status=status, last_message_at=last_message_at)
    session.execute(
        dialect_insert(session, EPISODES)
        .values(conversation_id=conversation_id, platform=platform, started_at=at, started_epoch=at.timestamp())
        .on_conflict_do_nothing(index_elements=["conversation_id"], index_where=_OPEN)
    )


def end_open_before(session: Session, conversation_id: int, at: datetime, *,
                    status: str, last_message_at: datetime | None) -> None:
    """A message at `at` starts a new need when the last one was resolved or went quiet with
    the bot: end the open episode first (the caller then opens one, if none is open)."""
    quiet = last_message_at is not None and at - last_message_at >= QUIET_GAP
    if status == ConversationStatus.RESOLVED.value or (status == ConversationStatus.BOT.value and quiet):
        session.execute(update(EPISODES).where(EPISODES.c.conversation_id == conversation_id, _OPEN)
                        .values(ended_at=last_message_at or at))


def _answered_statement(by_agent: bool):  # type: ignore[no-untyped-def]
    columns = EPISODES.c
    at = bindparam("at", type_=columns.first_response_at.type)
    waited = bindparam("epoch") - columns.started_epoch
    values = {"first_response_at": func.coalesce(columns.first_response_at, at),
              "response_seconds": func.coalesce(columns.response_seconds, waited)}
    if by_agent:
        values.update(first_human_at=func.coalesce(columns.first_human_at, at),
                      human_seconds=func.coalesce(columns.human_seconds, waited), agent_id=bindparam("by_agent"))
    return update(EPISODES).where(columns.conversation_id == bindparam("in_conversation"), _OPEN,
                                  columns.started_at <= at).values(values)


# Built once: every answer sent writes one of these.
_ANSWERED = {False: _answered_statement(False), True: _answered_statement(True)}


def answered_as_sent(sent: CTE) -> Update:
    """`answered` for the send that the data-modifying CTE `sent` marks (its RETURNING gives
    conversation_id, agent_id and sender_type): one PostgreSQL statement for both, run once per
    answer. PostgreSQL runs `sent` even when no episode is open. Parameters: `sent_at`, `epoch`."""
    columns = EPISODES.c
    at = bindparam("sent_at", type_=columns.first_response_at.type)
    waited = bindparam("epoch") - columns.started_epoch
    by_agent = sent.c.sender_type == SenderType.AGENT.value
    return (
        update(EPISODES)
        .where(columns.conversation_id == sent.c.conversation_id, _OPEN, columns.started_at <= at)
        .values(first_response_at=func.coalesce(columns.first_response_at, at),
                response_seconds=func.coalesce(columns.response_seconds, waited),
                first_human_at=case((by_agent, func.coalesce(columns.first_human_at, at)), else_=columns.first_human_at),
                human_seconds=case((by_agent, func.coalesce(columns.human_seconds, waited)), else_=columns.human_seconds),
                agent_id=case((by_agent, sent.c.agent_id), else_=columns.agent_id))
    )


def answered(session: Session, conversation_id: int, at: datetime, agent_id: int | None = None) -> None:
    """We sent something in the conversation: the bot (agent_id None) or an agent."""
    session.execute(_ANSWERED[agent_id is not None], {"in_conversation": conversation_id, "at": at,
                                                     "epoch": at.timestamp(), "by_agent": agent_id})


def resolved(session: Session, conversation_id: int, at: datetime) -> None:
    session.execute(update(EPISODES).where(EPISODES.c.conversation_id == conversation_id, _OPEN)
                    .values(resolved_at=at, ended_at=at, resolution_seconds=at.timestamp() - EPISODES.c.started_epoch))


def rated(session: Session, conversation_id: int, score: int, *, reopened: bool) -> None:
    """The customer rated the last resolution. Their answer opened an episode of its own: it stays
    only when the rating reopens the conversation (a low one: an agent has to answer)."""
    columns = EPISODES.c
    last = (select(func.max(columns.id)).where(columns.conversation_id == conversation_id, columns.ended_at.is_not(None))
            .scalar_subquery())
    session.execute(update(EPISODES).where(columns.id == last).values(rating=score))
    if not reopened:
        session.execute(delete(EPISODES).where(columns.conversation_id == conversation_id, _OPEN,
                                               columns.first_response_at.is_(None)))
