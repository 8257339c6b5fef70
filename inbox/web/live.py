"""Live updates for the agents' pages: a server-sent event whenever the queue or the open
conversation changes, and the same state as JSON for browsers that fall back to polling.

The database is the truth: a stream compares a cheap fingerprint of the state, when the change
signal (inbox.changes: Redis pub/sub between processes, a condition variable in one) says
something was written, and at least every few seconds should the signal be away. Streams hold a
server thread each: a process serves at most `INBOX_LIVE_STREAMS` at once (beyond, 503 and the page
polls) and ends each after a minute (the browser reconnects), so threads are never held for good.
"""
from __future__ import annotations

import json
import threading
import time
from typing import Any, Iterator

from flask import Response, request, stream_with_context
from sqlalchemy import func, select

from inbox.domain import ConversationStatus, DeliveryStatus, Direction
from inbox.models import Conversation, ConversationEvent, Message
from inbox.web.agents import _services, bp, login_required

STREAM_SECONDS = 60.0
FALLBACK_SECONDS = 5.0  # a stream looks at least this often, signal or not
COALESCE_SECONDS = 0.2
KEEPALIVE_SECONDS = 15.0
_streams_lock = threading.Lock()
_streams_open = 0


def live_state(conversation_id: int | None) -> dict[str, Any]:
    """What the pages show, in a few numbers: it changes whenever something on them would."""
    with _services().db.session() as db:
        # The open statuses only, from their index: counting every resolved conversation on each
        # look cost tens of ms at 100,000 (a resolve still shows, as one fewer taken or waiting).
        counts = dict(db.execute(
            select(Conversation.status, func.count())
            .where(Conversation.status.in_([ConversationStatus.WAITING.value, ConversationStatus.ASSIGNED.value]))
            .group_by(Conversation.status)).all())
        state: dict[str, Any] = {
            "messages": db.execute(select(func.max(Message.id))).scalar() or 0,
            "waiting": counts.get("waiting", 0),
            "statuses": {str(k): v for k, v in sorted(counts.items())},
        }
        if conversation_id is not None:
            row = db.execute(
                select(Conversation.status, Conversation.assigned_agent_id, Conversation.flags)
                .where(Conversation.id == conversation_id)
            ).one_or_none()
            unsettled = db.execute(
                select(func.count(), func.max(Message.id)).where(
                    Message.conversation_id == conversation_id,
                    Message.direction == Direction.OUTBOUND.value,
                    Message.delivery_status.in_([DeliveryStatus.PENDING.value, DeliveryStatus.SENDING.value,
                                                 DeliveryStatus.RETRY.value]),
                )
            ).one()
            last = db.execute(select(func.max(Message.id)).where(Message.conversation_id == conversation_id)).scalar()
            delivered = db.execute(
                select(func.count()).where(Message.conversation_id == conversation_id,
                                           Message.delivery_status.in_([DeliveryStatus.DELIVERED.value,
                                                                        DeliveryStatus.READ.value]))
            ).scalar()
            latest_event = db.execute(select(func.max(ConversationEvent.id))
                                      .where(ConversationEvent.conversation_id == conversation_id)).scalar()
            state["conversation"] = None if row is None else {
                "status": row.status, "agent": row.assigned_agent_id, "flags": sorted(row.flags or []),
                "last": last or 0, "unsettled": unsettled[0], "delivered": delivered, "events": latest_event or 0,
            }
        return state


def _conversation_arg() -> int | None:
    raw = request.args.get("conversation", "")
    return int(raw) if raw.isdigit() and 0 < len(raw) < 11 and int(raw) < 2**31 else None


@bp.get("/live/state")
@login_required
def live_state_view() -> Response:
    response = Response(json.dumps(live_state(_conversation_arg())), mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/live/events")
@login_required
def live_events() -> Response:
    global _streams_open
    limit = _services().settings.live_streams
    with _streams_lock:
        if _streams_open >= limit:
            busy = Response("too many live streams on this process; poll /live/state", status=503)
            busy.headers["Retry-After"] = "30"
            return busy
        _streams_open += 1
    conversation_id = _conversation_arg()
    changes = _services().changes

    def stream() -> Iterator[str]:
        global _streams_open
        try:
            yield "retry: 3000\n\n"
            last: dict[str, Any] | None = None
            started = quiet_since = time.monotonic()
            seen = changes.version
            while time.monotonic() - started < STREAM_SECONDS:
                state = live_state(conversation_id)
                if state != last:
                    yield f"event: change\ndata: {json.dumps(state)}\n\n"
                    last, quiet_since = state, time.monotonic()
                elif time.monotonic() - quiet_since > KEEPALIVE_SECONDS:
                    yield ": keepalive\n\n"
                    quiet_since = time.monotonic()
                # Asleep until something is written (or a while passes: the signal may be away),
                # then a short pause so a burst of writes is looked at once.
                seen = changes.wait(seen, FALLBACK_SECONDS)
                time.sleep(COALESCE_SECONDS)
        finally:
            with _streams_lock:
                _streams_open -= 1

    response = Response(stream_with_context(stream()), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"  # a proxy must pass events on at once
    return response
