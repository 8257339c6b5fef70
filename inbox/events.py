"""A conversation's events besides its messages: who took, transferred, released and resolved it,
why the bot handed it over, and agents' private notes with their @mentions.

They make the history read as what happened ("Budi mengambil", "bot meneruskan: komplain"), give
the reports their resolution times, and tell an agent where a colleague needs them.
"""
from __future__ import annotations

import re
from datetime import datetime
from enum import Enum
from typing import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.models import Agent, Conversation, ConversationEvent

NOTE_MAX_LENGTH = 2000
# "@siti", "@Siti.Rahma", "@budi_s": letters, digits and . _ - after an @ that starts a word.
MENTION = re.compile(r"(?<![\w@])@([\w][\w.\-]{0,63})")


class Kind(str, Enum):
    HANDED_OVER = "handed_over"  # the bot put it in the queue (text: why)
    TAKEN = "taken"
    TRANSFERRED = "transferred"  # to_agent_id: the new agent
    RELEASED = "released"  # back to the waiting queue, nobody's
    RESOLVED = "resolved"
    REOPENED = "reopened"  # e.g. a low rating (text: why)
    NOTE = "note"  # private to agents (text, mentions)


def record(
    session: Session, conversation_id: int, kind: Kind, now: datetime, *, agent_id: int | None = None,
    to_agent_id: int | None = None, text: str | None = None, mentions: Sequence[int] = (),
) -> ConversationEvent:
    event = ConversationEvent(conversation_id=conversation_id, kind=kind.value, agent_id=agent_id,
                              to_agent_id=to_agent_id, text=text, mentions=list(mentions), created_at=now)
    session.add(event)
    return event


def mention_handle(agent: Agent) -> str:
    """How others @mention an agent: the e-mail's local part (unique enough, typeable on a phone)."""
    return agent.email.split("@", 1)[0].lower()


def mentioned_agents(text: str, agents: Iterable[Agent]) -> list[int]:
    """The active agents a note names, by e-mail handle or first name (case-insensitive)."""
    wanted = {m.lower().rstrip(".-") for m in MENTION.findall(text)}
    if not wanted:
        return []
    found = []
    for agent in agents:
        if agent.disabled_at is not None:
            continue
        first_name = (agent.name or "").split()[0].lower() if (agent.name or "").split() else ""
        if mention_handle(agent) in wanted or (first_name and first_name in wanted):
            found.append(agent.id)
    return found


def for_conversation(session: Session, conversation_id: int, limit: int = 200) -> list[ConversationEvent]:
    """The newest `limit` events, oldest first (the history shows them among the messages)."""
    newest = session.execute(
        select(ConversationEvent).where(ConversationEvent.conversation_id == conversation_id)
        .order_by(ConversationEvent.id.desc()).limit(limit)
    ).scalars().all()
    return list(reversed(newest))


def mentions_of(session: Session, agent_id: int, limit: int = 50) -> list[tuple[ConversationEvent, Conversation]]:
    """Notes that @mention this agent, newest first, with their conversations."""
    rows = session.execute(
        select(ConversationEvent, Conversation)
        .join(Conversation, Conversation.id == ConversationEvent.conversation_id)
        .where(ConversationEvent.kind == Kind.NOTE.value)
        .order_by(ConversationEvent.id.desc())
        .limit(2000)
    ).unique().all()
    return [(event, conversation) for event, conversation in rows if agent_id in (event.mentions or [])][:limit]


def unseen_mentions(session: Session, agent: Agent) -> int:
    return sum(1 for event, _ in mentions_of(session, agent.id)
               if agent.mentions_seen_at is None or event.created_at > agent.mentions_seen_at)
