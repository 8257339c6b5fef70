"""The agents' JSON API, authenticated by `Authorization: Bearer <token>`.

GET  /api/conversations?status=waiting,assigned
GET  /api/conversations/<id>
POST /api/conversations/<id>/take
POST /api/conversations/<id>/replies     {"text": "...", "client_key": "..."} (or Idempotency-Key header)
POST /api/conversations/<id>/resolve
POST /api/orders                          {"orders": [{"number", "status", ...}]} (or one order object);
                                          a token, or a shop system's `X-Inbox-Signature` (ORDERS_WEBHOOK_SECRET)
GET  /api/stats                          response figures of the last 24 hours (as on the queue page)
"""
from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import asdict
from functools import wraps
from typing import Any, Callable

from flask import Blueprint, Response, current_app, g, jsonify, request

from inbox import agent_desk
from inbox.accounts import agent_for_token
from inbox.domain import ConversationStatus
from inbox.models import Conversation, Message, utcnow
from inbox.services import Services
from inbox.shop_data import CsvImportError, upsert_orders, upsert_products
from inbox.web.errors import error_response

logger = logging.getLogger(__name__)
bp = Blueprint("api", __name__, url_prefix="/api")
STATUSES = {s.value for s in ConversationStatus}


API_PAGE_SIZE = 100
API_MAX_PAGE_SIZE = 500


def _services() -> Services:
    return current_app.extensions["inbox"]


def token_required(view: Callable[..., Response]) -> Callable[..., Response]:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Response:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return error_response(401, "send 'Authorization: Bearer <token>'; see `flask --app app agents token`")
        with _services().db.session() as session:
            agent = agent_for_token(session, token.strip())
            if agent is None:
                return error_response(403, "unknown API token")
            session.expunge(agent)
        g.agent = agent
        return view(*args, **kwargs)

    return wrapped


def conversation_json(conversation: Conversation) -> dict[str, Any]:
    return {
        "id": conversation.id,
        "platform": conversation.platform,
        "status": conversation.status,
        "priority": conversation.priority,
        "flags": conversation.flags or [],
        "handover_reason": conversation.handover_reason,
        "assigned_agent": conversation.assigned_agent.email if conversation.assigned_agent else None,
        "waiting_since": _iso(conversation.waiting_since),
        "last_message_at": _iso(conversation.last_message_at),
        "contact": {
            "name": conversation.contact.display_name,
            "phone": conversation.contact.phone,
            "external_id": conversation.contact.external_id,
        },
    }


def message_json(message: Message) -> dict[str, Any]:
    return {
        "id": message.id,
        "direction": message.direction,
        "sender": message.sender_type,
        "text": message.text,
        "media": message.media or [],
        "created_at": _iso(message.created_at),
        "intent": message.intent,
        "confidence": message.confidence,
        "outcome": message.outcome,
        "delivery_status": message.delivery_status,
        "error": message.error,
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


@bp.get("/conversations")
@token_required
def list_conversations() -> Response:
    raw = request.args.get("status", ",".join(agent_desk.QUEUE_STATUSES))
    statuses = [s.strip() for s in raw.split(",") if s.strip()]
    unknown = [s for s in statuses if s not in STATUSES]
    if unknown or not statuses:
        return error_response(400, f"status must be among {', '.join(sorted(STATUSES))}")
    limit_text, offset_text = request.args.get("limit", str(API_PAGE_SIZE)), request.args.get("offset", "0")
    if not (limit_text.isdigit() and offset_text.isdigit() and len(limit_text) < 5 and len(offset_text) < 10):
        return error_response(400, f"limit (1-{API_MAX_PAGE_SIZE}) and offset must be whole numbers")
    limit, offset = min(max(1, int(limit_text)), API_MAX_PAGE_SIZE), int(offset_text)
    with _services().db.session() as session:
        total = agent_desk.count_conversations(session, statuses)
        rows = agent_desk.list_conversations(session, statuses, limit, offset=offset)
        return jsonify(
            {
                "conversations": [conversation_json(c) for c in rows],
                "total": total,
                "next_offset": offset + len(rows) if offset + len(rows) < total else None,
            }
        )


@bp.get("/conversations/<id:conversation_id>")
@token_required
def get_conversation(conversation_id: int) -> Response:
    with _services().db.session() as session:
        try:
            conversation = agent_desk.get_conversation(session, conversation_id)
        except LookupError:
            return error_response(404, "no such conversation")
        body = conversation_json(conversation)
        body["messages"] = [message_json(m) for m in agent_desk.history(session, conversation_id)]
        body["orders"] = [
            {"number": o.number, "status": o.status, "courier": o.courier, "tracking_number": o.tracking_number, "total": o.total}
            for o in agent_desk.orders_for(session, conversation)
        ]
        return jsonify(body)


@bp.post("/conversations/<id:conversation_id>/take")
@token_required
def take(conversation_id: int) -> Response:
    return _change(conversation_id, lambda session: agent_desk.take(session, conversation_id, g.agent))


@bp.post("/conversations/<id:conversation_id>/resolve")
@token_required
def resolve(conversation_id: int) -> Response:
    response = _change(conversation_id, lambda session: agent_desk.resolve(session, conversation_id, g.agent))
    if response.status_code == 200:
        _services().queue.submit("request_rating", conversation_id, g.agent.id)
    return response


def _change(conversation_id: int, change: Callable[[Any], Conversation]) -> Response:
    with _services().db.session() as session:
        try:
            conversation = change(session)
        except LookupError:
            return error_response(404, "no such conversation")
        except agent_desk.DeskError as exc:
            return error_response(409, str(exc))
        return jsonify(conversation_json(conversation))


@bp.post("/conversations/<id:conversation_id>/replies")
@token_required
def post_reply(conversation_id: int) -> Response:
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("text"), str):
        return error_response(400, 'send JSON like {"text": "...", "client_key": "..."}')
    key = request.headers.get("Idempotency-Key") or body.get("client_key")
    if not isinstance(key, str) or not key:
        return error_response(400, "client_key (or an Idempotency-Key header) is required, so a retry never sends twice")
    services = _services()
    with services.db.session() as session:
        try:
            message, created = agent_desk.reply(
                session, conversation_id, g.agent, body["text"], key, utcnow(),
                capabilities_for=services.pipeline.capabilities, target=body.get("target"),
            )
        except LookupError:
            return error_response(404, "no such conversation")
        except agent_desk.DeskError as exc:
            return error_response(409 if isinstance(exc, agent_desk.ConversationTaken) else 400, str(exc))
        payload = message_json(message)
    if created:
        services.queue.submit("send_outbound", payload["id"])
    response = jsonify(payload)
    response.status_code = 201 if created else 200
    return response


# -- orders from a shop system ---------------------------------------------------------------------

@bp.post("/orders")
def orders() -> Response:
    """Upsert orders by number; a status that moved on notifies the customer once (see shop_data)."""
    batch = _shop_batch("orders", 1000, '{"orders": [{"number": ..., "status": ...}, ...]} or one order')
    if isinstance(batch, Response):
        return batch
    services = _services()
    try:
        with services.db.session() as session:
            result = upsert_orders(session, batch)
    except CsvImportError as exc:
        return error_response(400, f"{exc} (nothing stored)")
    services.shop.invalidate()
    for notification_id in result.notifications:
        services.queue.submit("notify_order", notification_id)
    return jsonify({"created": result.created, "updated": result.updated,
                    "notifications": len(result.notifications)})


@bp.post("/products")
def products() -> Response:
    """Upsert catalogue rows by SKU (stock updates from a shop system); a SKU back in stock sends the
    restock notices customers asked for."""
    batch = _shop_batch("products", 5000, '{"products": [{"sku": ..., "name": ..., "price": ..., "stock": ...}]}')
    if isinstance(batch, Response):
        return batch
    services = _services()
    try:
        with services.db.session() as session:
            result = upsert_products(session, batch)
    except CsvImportError as exc:
        return error_response(400, f"{exc} (nothing stored)")
    services.shop.invalidate()
    for request_id in result.restocks:
        services.queue.submit("notify_restock", request_id)
    return jsonify({"created": result.created, "updated": result.updated, "restock_notices": len(result.restocks)})


def _shop_batch(noun: str, limit: int, shape: str) -> list[Any] | Response:
    """The objects a shop system sent (`{"<noun>": [...]}`, a list, or one object), or the answer
    refusing them: 403 for an unknown caller, 400 for another shape, 413 past `limit`."""
    if not _order_caller_ok():
        return error_response(403, "send 'Authorization: Bearer <token>' or a valid X-Inbox-Signature")
    body = request.get_json(silent=True)
    if isinstance(body, dict) and noun in body:
        body = body[noun]
    batch = [body] if isinstance(body, dict) else body
    if not isinstance(batch, list) or not batch:
        return error_response(400, f"expected JSON: {shape}")
    if len(batch) > limit:
        return error_response(413, f"at most {limit} {noun} per request")
    return batch


def _order_caller_ok() -> bool:
    """An agent's API token, or the shop system's HMAC-SHA256 of the raw body with ORDERS_WEBHOOK_SECRET."""
    secret = _services().settings.orders_webhook_secret
    signature = request.headers.get("X-Inbox-Signature", "")
    if secret and signature.startswith("sha256="):
        expected = hmac.new(secret.encode(), request.get_data(cache=True), hashlib.sha256).hexdigest()
        return hmac.compare_digest(signature[7:].strip().lower().encode(), expected.encode())
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return False
    with _services().db.session() as session:
        return agent_for_token(session, token.strip()) is not None


@bp.get("/stats")
@token_required
def stats() -> Response:
    """First response and first human response, unanswered customers: overall, per channel, per agent."""
    services = _services()
    now = utcnow()
    with services.db.session() as session:
        report = agent_desk.response_report(
            session, since=now - agent_desk.STATS_WINDOW, now=now, target_seconds=services.settings.response_target_seconds
        )
    return jsonify(
        {
            "since": _iso(now - agent_desk.STATS_WINDOW),
            "target_seconds": report.target_seconds,
            "overall": asdict(report.overall),
            "by_channel": {platform: asdict(figures) for platform, figures in report.by_channel},
            "by_agent": {name: asdict(figures) for name, figures in report.by_agent},
        }
    )
