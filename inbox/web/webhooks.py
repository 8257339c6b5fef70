"""Webhook views: verify, parse, store, enqueue, 2xx. No platform API call happens here."""
from __future__ import annotations

import logging
from typing import Any, Mapping, Sequence

from flask import Blueprint, Response, current_app, jsonify, request
from sqlalchemy import select

from connectors.base import STORED_FILE_PREFIX, Event, WebhookRequest, WebhookResponse
from inbox.errors import BadRequest, UnknownEvent
from inbox.models import Agent, Conversation, Message, StoredFile, utcnow
from inbox.services import Services
from inbox.store import StoreResult, store_events
from inbox.web.errors import error_response

logger = logging.getLogger(__name__)
bp = Blueprint("webhooks", __name__)


def _services() -> Services:
    return current_app.extensions["inbox"]


def _short(exc: Exception) -> str:
    """Reasons may quote payload values: keep them short in responses and logs."""
    text = str(exc)
    return text if len(text) <= 200 else text[:197] + "..."


def _webhook_request(public_url: str | None, path: str) -> WebhookRequest:
    """The request as the platform signed it: behind a proxy, rebuilt on PUBLIC_URL."""
    if public_url:
        query = request.query_string.decode("latin-1")
        url = f"{public_url}{request.path}" + (f"?{query}" if query else "")
    else:
        url = request.url
    is_form = request.mimetype == "application/x-www-form-urlencoded"
    return WebhookRequest(
        url=url,
        headers={key.lower(): value for key, value in request.headers.items()},
        body=request.get_data(cache=True),
        form=request.form.to_dict() if is_form else {},
        query=request.args.to_dict(),
        method=request.method,
        path=path,
        remote_addr=request.remote_addr or "",
    )


@bp.route("/webhooks/<name>", methods=["GET", "POST"])
@bp.route("/webhooks/<name>/<path:sub>", methods=["GET", "POST"])
def receive(name: str, sub: str = "") -> Response:
    services = _services()
    connector = services.connectors.get(name)
    if connector is None:
        reason = services.disabled.get(name, "no such platform")
        return error_response(404, f"webhook '{name}' is not enabled: {reason}")
    path = f"/{sub}" if sub else ""
    route = next((r for r in connector.routes if r.path == path), None)
    if route is None:
        return error_response(404, f"webhook '{name}' has no {path or 'root'} endpoint")
    incoming = _webhook_request(services.settings.public_url, path)
    if request.method == "GET" and route.endpoint == "webhook":
        answer = connector.handshake(incoming)
        if answer is None:
            return error_response(405, "this platform sends no GET verification")
        return _response(answer)
    if request.method not in route.methods:
        return error_response(405, f"webhook '{name}' takes no {request.method} at {path or 'its root'}")
    if route.endpoint != "webhook":
        try:
            answer = connector.handle(route.endpoint, incoming, WebInbox(services, name))
        except BadRequest as exc:
            logger.info("webhook %s%s: rejected: %s", name, path, _short(exc))
            return error_response(400, _short(exc))
        return _response(answer)
    if not connector.verify(incoming):
        logger.warning("webhook %s: signature check failed", name)
        return error_response(403, "signature or secret token is missing or wrong")
    try:
        events = connector.parse(incoming)
    except UnknownEvent as exc:
        # Well-formed but of a type we do not handle: a 4xx would only make the platform retry.
        logger.warning("webhook %s: ignored: %s", name, _short(exc))
        return jsonify({"ignored": _short(exc)})
    except BadRequest as exc:
        logger.info("webhook %s: rejected body: %s", name, _short(exc))
        return error_response(400, _short(exc))
    try:
        store_and_enqueue(services, name, events)
    except BadRequest as exc:  # a value the database cannot hold; the transaction rolled back
        logger.info("webhook %s: rejected value: %s", name, _short(exc))
        return error_response(400, _short(exc))
    return Response(connector.ack_body, status=200, mimetype=connector.ack_content_type)


def _response(answer: WebhookResponse) -> Response:
    response = Response(answer.body, status=answer.status, content_type=answer.content_type)
    response.headers.update(answer.headers)
    return response


def store_and_enqueue(services: Services, name: str, events: Sequence[Event]) -> StoreResult:
    """Store events once each (one transaction), then enqueue the new messages' decisions."""
    with services.db.session() as session:
        result = store_events(session, events, received_at=services.pipeline.now())
    # Stored and committed: from here a queue failure loses nothing (the sweep re-enqueues).
    for message_id in result.new_message_ids:
        services.queue.submit("process_inbound", message_id, delay=services.settings.reply_debounce_seconds)
    for conversation_id in result.posts_to_describe:  # for agents only: nothing waits on it
        services.queue.submit("describe_post", conversation_id)
    logger.debug(  # one line per webhook is noise at a flash sale's rate; the stored rows are the record
        "webhook %s: %d new, %d repeated, %d receipts, %d changes",
        name, len(result.new_message_ids), result.duplicates, result.statuses_applied, result.changes_applied,
    )
    return result


class WebInbox:
    """The inbox as a connector's own endpoints see it (`connectors.base.InboxPort`)."""

    def __init__(self, services: Services, name: str) -> None:
        self.services = services
        self.name = name

    def store(self, events: Sequence[Event]) -> list[int]:
        return store_and_enqueue(self.services, self.name, events).new_message_ids

    def shop_hours(self, lang: str) -> Mapping[str, Any]:
        pack, now = self.services.engine.pack, self.services.pipeline.now()
        is_open = pack.is_open(now)
        return {"open": is_open, "next_open": None if is_open else pack.next_open(now, lang), "hours": pack.hours_text(lang)}

    def store_file(self, content: bytes, content_type: str) -> str:
        with self.services.db.session() as session:
            stored = StoredFile(content=content, content_type=content_type[:100], created_at=utcnow())
            session.add(stored)
            session.flush()
            return f"{STORED_FILE_PREFIX}{stored.id}"

    def thread(self, platform: str, thread_key: str, after_id: int = 0, limit: int = 100) -> list[Mapping[str, Any]]:
        with self.services.db.session() as session:
            found = session.execute(
                select(Message, Agent.name)
                .join(Conversation, Conversation.id == Message.conversation_id)
                .outerjoin(Agent, Agent.id == Message.agent_id)
                .where(Conversation.platform == platform, Conversation.thread_key == thread_key, Message.id > after_id)
                .order_by(Message.id)
                .limit(limit)
            ).all()
            return [
                {
                    "id": message.id,
                    "direction": message.direction,
                    "sender_type": message.sender_type,
                    "agent": agent_name,
                    "text": message.text,
                    "created_at": message.created_at.isoformat(),
                    "media": list(message.media or []),
                }
                for message, agent_name in found
            ]
