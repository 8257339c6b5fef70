"""A connector for a made-up platform with public comments and DMs, for core tests.

It declares every outbound kind and records what it is asked to do (errbot's test backend,
Rasa's CollectingOutputChannel): the pipeline's choices are checked here, while the real
platforms' request code is tested against the fake HTTP API in tests/connectors/.

Webhook body (JSON): {"id": "c1", "type": "comment" | "dm", "from": {"id": "u1", "name": "Budi"},
"text": "...", "post": "p1", "parent": "c0"}; header X-Test-Secret must match.
"""
from __future__ import annotations

import hmac
import itertools
import json
import threading
from datetime import timedelta
from typing import Any, Sequence

from connectors.base import Connector, Event, InboxPort, Route, WebhookRequest, WebhookResponse
from inbox.domain import (
    Capabilities,
    EventKind,
    InboundEvent,
    Outbound,
    OutboundKind,
    Post,
    Rate,
    Sender,
    SendResult,
    ThreadKind,
)
from inbox.errors import BadRequest

PLATFORM = "testsocial"
SECRET = "comments-secret"
CAPABILITIES = Capabilities(
    max_text_length=1000,
    reply_window=timedelta(hours=24),
    agent_window=timedelta(days=7),
    agent_window_tag="HUMAN_AGENT",
    outbound_kinds=frozenset(OutboundKind),
    rates=(Rate("account", 100, 1.0), Rate("private_reply", 750, 3600.0)),
)


class CommentsConnector(Connector):
    name = "testsocial"
    platforms = (PLATFORM,)
    capabilities = {PLATFORM: CAPABILITIES}
    # Its own endpoints besides the webhook, as a web chat has: a thread's history for the customer.
    routes = (Route(""), Route("/history", ("GET",), "history"), Route("/say", ("POST",), "say"))

    def __init__(self) -> None:
        self.sent: list[Outbound] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def verify(self, request: WebhookRequest) -> bool:
        return hmac.compare_digest((request.header("X-Test-Secret") or "").encode(), SECRET.encode())

    def parse(self, request: WebhookRequest) -> Sequence[Event]:
        try:
            body: dict[str, Any] = json.loads(request.body)
            author = Sender(external_id=str(body["from"]["id"]), display_name=body["from"].get("name"))
            if body["type"] == "dm":
                return [
                    InboundEvent(PLATFORM, EventKind.MESSAGE, body["id"], author.external_id, author, body["text"],
                                 None, message_id=body["id"])
                ]
            return [
                InboundEvent(
                    PLATFORM, EventKind.COMMENT, body["id"], author.external_id, author, body["text"], None,
                    message_id=body["id"], thread_key=body.get("parent") or body["id"],
                    thread_kind=ThreadKind.COMMENTS, post=Post(body["post"], caption="Flash sale 11.11"),
                )
            ]
        except (KeyError, TypeError, ValueError) as exc:
            raise BadRequest(f"bad test event: {exc}") from None

    def handle(self, endpoint: str, request: WebhookRequest, inbox: InboxPort) -> WebhookResponse:
        if not self.verify(request):
            return WebhookResponse(403, "no")
        if endpoint == "say":  # a customer's message through our own endpoint
            ids = inbox.store(self.parse(request))
            return WebhookResponse(200, json.dumps({"stored": len(ids)}), "application/json")
        messages = inbox.thread(PLATFORM, request.query.get("thread", ""))
        return WebhookResponse(200, json.dumps([{"text": m["text"], "from": m["sender_type"]} for m in messages]),
                               "application/json")

    def send(self, outbound: Outbound) -> SendResult:
        with self._lock:
            self.sent.append(outbound)
            return SendResult(message_id=f"out-{next(self._ids)}")


def comment(comment_id: str, text: str, *, author: str = "u1", name: str = "Budi", post: str = "p1",
            parent: str | None = None) -> dict[str, Any]:
    body = {"id": comment_id, "type": "comment", "from": {"id": author, "name": name}, "text": text, "post": post}
    if parent:
        body["parent"] = parent
    return body


def dm(message_id: str, text: str, *, author: str = "u1", name: str = "Budi") -> dict[str, Any]:
    return {"id": message_id, "type": "dm", "from": {"id": author, "name": name}, "text": text}
