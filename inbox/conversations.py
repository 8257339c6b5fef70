"""State changes of a conversation. Pure: they change the object; the caller commits."""
from __future__ import annotations

from datetime import datetime
from typing import Iterable

from inbox.domain import ConversationStatus
from inbox.errors import InboxError
from inbox.models import Conversation

HIGH_PRIORITY = 1


class StateError(InboxError):
    """A change that the conversation's current state does not allow."""


def add_flags(conversation: Conversation, flags: Iterable[str]) -> None:
    merged = sorted(set(conversation.flags or []) | set(flags))
    if merged != (conversation.flags or []):
        conversation.flags = merged


def hand_over(
    conversation: Conversation,
    *,
    reason: str,
    now: datetime,
    flags: Iterable[str] = (),
    urgent: bool = False,
) -> bool:
    """Put the conversation in the agents' queue (or keep it with the agent who has it).
    True when it entered the queue now."""
    add_flags(conversation, flags)
    if urgent:
        conversation.priority = HIGH_PRIORITY
    conversation.handover_reason = reason[:255]
    if conversation.status in (ConversationStatus.BOT.value, ConversationStatus.RESOLVED.value):
        conversation.status = ConversationStatus.WAITING.value
        conversation.waiting_since = now
        return True
    return False


def take(conversation: Conversation, agent_id: int) -> bool:
    """An agent takes the conversation: the bot stays out until it is resolved. True when it was
    not theirs yet."""
    if conversation.status == ConversationStatus.ASSIGNED.value and conversation.assigned_agent_id not in (None, agent_id):
        raise StateError("another agent has already taken this conversation")
    changed = not (conversation.status == ConversationStatus.ASSIGNED.value and conversation.assigned_agent_id == agent_id)
    conversation.status = ConversationStatus.ASSIGNED.value
    conversation.assigned_agent_id = agent_id
    conversation.waiting_since = None
    return changed


def transfer(conversation: Conversation, agent_id: int) -> None:
    """Hand an open conversation to another agent (who then has it, as if they had taken it)."""
    if conversation.status not in (ConversationStatus.WAITING.value, ConversationStatus.ASSIGNED.value):
        raise StateError("only an open conversation can be transferred")
    conversation.status = ConversationStatus.ASSIGNED.value
    conversation.assigned_agent_id = agent_id
    conversation.waiting_since = None


def release(conversation: Conversation, now: datetime) -> None:
    """Back to the waiting queue, nobody's (the bot still keeps out: a person is expected)."""
    if conversation.status != ConversationStatus.ASSIGNED.value:
        raise StateError("only a taken conversation can be released")
    conversation.status = ConversationStatus.WAITING.value
    conversation.assigned_agent_id = None
    conversation.waiting_since = now


def resolve(conversation: Conversation) -> None:
    conversation.status = ConversationStatus.RESOLVED.value
    conversation.assigned_agent_id = None
    conversation.waiting_since = None
    conversation.priority = 0
    conversation.handover_reason = None


def bot_may_answer(conversation: Conversation) -> bool:
    """Once a person is waiting for or talking to an agent, the bot keeps quiet."""
    return conversation.status in (ConversationStatus.BOT.value, ConversationStatus.RESOLVED.value)
