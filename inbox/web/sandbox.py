"""/sandbox: write as a customer on any channel and see the bot's or an agent's answer as that
platform shows it. Each message goes through the channel's real webhook (signed as the platform
signs it) and the answer through the channel's real client to the built-in fake platform API.

On only while the sandbox is (`Settings.sandbox`), for signed-in agents, and only for channels that
run on the sandbox's credentials: a channel with real credentials is never written to from here.
"""
from __future__ import annotations

import secrets
from typing import Any

from flask import abort, current_app, jsonify, render_template, request, session
from sqlalchemy import select
from werkzeug.wrappers import Response

from inbox.models import Agent, Contact, Conversation, Message
from inbox.sandbox.customers import BY_KEY, CHANNELS, SandboxChannel, customer_external_id, webhook
from inbox.web.agents import _services, bp, login_required

SESSION_CUSTOMER = "sandbox_customer"
MAX_TEXT = 1000


def _sandbox_on() -> None:
    if not _services().settings.sandbox:
        abort(404, description="the sandbox is off here (INBOX_SANDBOX=1 turns it on)")


def _customer(new: bool = False) -> int:
    number = session.get(SESSION_CUSTOMER)
    if new or not isinstance(number, int):
        number = session[SESSION_CUSTOMER] = secrets.randbelow(90_000_000) + 10_000_000
    return number


def _available(channel: SandboxChannel) -> bool:
    services = _services()
    if channel.webhook == "webchat":
        return "webchat" in services.connectors
    return channel.webhook in services.sandbox_channels and channel.webhook in services.connectors


@bp.get("/sandbox")
@login_required
def sandbox() -> str:
    _sandbox_on()
    if request.args.get("new") == "1":
        _customer(new=True)
    chosen = BY_KEY.get(request.args.get("channel", ""), CHANNELS[0])
    return render_template(
        "sandbox.html",
        channels=[(channel, _available(channel)) for channel in CHANNELS],
        chosen=chosen,
        available=_available(chosen),
        customer=_customer(),
    )


@bp.post("/sandbox/send")
@login_required
def sandbox_send() -> Response:
    _sandbox_on()
    channel = BY_KEY.get(request.form.get("channel", ""))
    text = (request.form.get("text") or "").strip()
    if channel is None or channel.webhook == "webchat" or not _available(channel):
        return jsonify({"error": "this channel cannot be tried here"}), 400  # type: ignore[return-value]
    if not text or len(text) > MAX_TEXT:
        return jsonify({"error": f"write 1 to {MAX_TEXT} characters"}), 400  # type: ignore[return-value]
    services = _services()
    base = (services.settings.public_url or request.host_url).rstrip("/")
    signed = webhook(channel.webhook, text, _customer(), services.platform_env, base, comment=channel.comment)
    # The platform's call, through the app's own webhook view: verified, parsed, stored, queued.
    answer = current_app.test_client().post(signed.path, data=signed.body, headers=signed.headers, base_url=base)
    return jsonify({"status": answer.status_code}), (200 if answer.status_code == 200 else 502)  # type: ignore[return-value]


@bp.get("/sandbox/thread")
@login_required
def sandbox_thread() -> Response:
    """The sandbox customer's messages on one channel and what the shop answered, oldest first."""
    _sandbox_on()
    channel = BY_KEY.get(request.args.get("channel", ""))
    if channel is None or channel.webhook == "webchat":
        abort(400, description="unknown channel")
    external_id = customer_external_id(channel, _customer())
    with _services().db.session() as db:
        contact_ids = select(Contact.id).where(Contact.platform == channel.platform, Contact.external_id == external_id)
        threads = list(db.execute(select(Conversation).where(Conversation.contact_id.in_(contact_ids))).scalars())
        rows = db.execute(
            select(Message, Agent.name)
            .outerjoin(Agent, Agent.id == Message.agent_id)
            .where(Message.conversation_id.in_([t.id for t in threads]))
            .order_by(Message.id)
            .limit(300)
        ).all()
        return jsonify({
            "comments": channel.comment,
            "waiting": [{"id": t.id, "status": t.status} for t in threads if t.status in ("waiting", "assigned")],
            "messages": [_item(message, agent) for message, agent in rows],
        })


def _item(message: Message, agent_name: str | None) -> dict[str, Any]:
    return {
        "id": message.id,
        "from": "customer" if message.direction == "in" else message.sender_type,
        "agent": agent_name,
        "target": message.target or ("comment" if message.kind == "comment" else "message"),
        "reply_to": message.reply_to_id,
        "text": message.text,
        "delivery": message.delivery_status,
    }

