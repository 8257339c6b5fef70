"""GET /healthz (is anything stuck?) and GET /metrics (Prometheus text), for monitors and alerts."""
from __future__ import annotations

import hmac
import logging
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from inbox.monitoring import counts, stuck_reasons, work_state
from inbox.queue import RedisJobQueue
from inbox.services import Services

logger = logging.getLogger(__name__)
bp = Blueprint("health", __name__)
# What each worker.py refreshes every few seconds (see worker.py): it expires when the worker dies.
ALIVE_KEY_PATTERN = "inbox:worker-alive:*"


def _services() -> Services:
    return current_app.extensions["inbox"]


def live_workers(queue: RedisJobQueue) -> int:
    return sum(1 for _ in queue.redis.scan_iter(match=ALIVE_KEY_PATTERN, count=100))


@bp.get("/healthz")
def healthz() -> Response:
    """200 when the database and queue answer and no work is stuck; else 503 with the reasons."""
    services = _services()
    report: dict[str, Any] = {}
    problems: list[str] = []
    try:
        services.db.ping()
        report["database"] = f"ok ({services.db.engine.dialect.name})"
        with services.db.session() as session:
            state = work_state(session, services.pipeline.now())
        report["work"] = state.__dict__
        problems += stuck_reasons(state, services.settings.stuck_after_seconds, services.settings.reply_debounce_seconds)
    except Exception as exc:
        logger.warning("health: database check failed: %s", type(exc).__name__)
        report["database"] = "unreachable"
        problems.append("the database does not answer")
    try:
        report["queue"] = services.queue.check()
        if isinstance(services.queue, RedisJobQueue):
            report["workers_alive"] = workers = live_workers(services.queue)
            if not workers:
                problems.append("no worker.py is running: nothing will be answered")
    except Exception as exc:
        logger.warning("health: queue check failed: %s", type(exc).__name__)
        report["queue"] = "unreachable"
        problems.append("the queue does not answer")
    report["platforms"] = ", ".join(sorted(services.connectors)) or "none enabled"
    response = jsonify({"status": "stuck" if problems else "ok", "problems": problems, **report})
    response.status_code = 503 if problems else 200
    return response


@bp.get("/metrics")
def metrics() -> Response:
    """Prometheus exposition: counters and gauges from the database, the same whichever process answers."""
    services = _services()
    token = services.settings.metrics_token
    if token:
        sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(sent.encode(), token.encode()):
            return Response("metrics need 'Authorization: Bearer <INBOX_METRICS_TOKEN>'\n", 403, mimetype="text/plain")
    now = services.pipeline.now()
    with services.db.session() as session:
        state = work_state(session, now)
        totals = counts(session, now)
    lines: list[str] = []

    def metric(name: str, kind: str, help_text: str, samples: list[tuple[dict[str, str], float]]) -> None:
        lines.append(f"# HELP {name} {help_text}")
        lines.append(f"# TYPE {name} {kind}")
        for labels, value in samples:
            label_text = ",".join(f'{key}="{_escape(val)}"' for key, val in sorted(labels.items()))
            lines.append(f"{name}{{{label_text}}} {value}" if label_text else f"{name} {value}")

    metric("inbox_messages_received_total", "counter", "Customer messages stored, by platform.",
           [({"platform": p}, n) for p, n in sorted(totals.received.items())])
    metric("inbox_messages_decided_total", "counter", "Customer messages decided, by outcome (auto_replied, escalated...).",
           [({"outcome": o}, n) for o, n in sorted(totals.outcomes.items())])
    metric("inbox_replies_sent_total", "counter", "Outbound actions the platform accepted, by platform and sender.",
           [({"platform": p, "sender": s}, n) for (p, s), n in sorted(totals.sent.items())])
    metric("inbox_send_errors_total", "counter", "Outbound actions failed or of unknown outcome, by platform.",
           [({"platform": p, "status": s}, n) for (p, s), n in sorted(totals.send_errors.items())])
    metric("inbox_unprocessed_inbound", "gauge", "Customer messages waiting for the bot's decision.",
           [({}, state.unprocessed_inbound)])
    metric("inbox_waiting_conversations", "gauge", "Conversations waiting for a person.",
           [({}, state.waiting_conversations)])
    metric("inbox_oldest_unprocessed_inbound_seconds", "gauge", "Age of the oldest message waiting for the bot.",
           [({}, state.oldest_unprocessed_inbound_seconds or 0)])
    metric("inbox_oldest_pending_send_seconds", "gauge", "Age of the oldest reply not yet sent.",
           [({}, state.oldest_pending_send_seconds or 0)])
    metric("inbox_oldest_waiting_conversation_seconds", "gauge", "How long the longest-waiting customer has waited for a person.",
           [({}, state.oldest_waiting_conversation_seconds or 0)])
    try:
        depth = services.queue.depth()
        metric("inbox_queue_depth", "gauge", "Jobs waiting in the queue (delayed ones included).", [({}, depth)])
    except Exception:
        logger.warning("metrics: queue depth unavailable")
    waits = totals.first_response_seconds
    quantiles = [(q, waits[min(len(waits) - 1, int(len(waits) * q))]) for q in (0.5, 0.9, 0.99)] if waits else []
    metric("inbox_first_response_seconds", "summary", "Time to the first answer (bot or person), last hour.",
           [({"quantile": str(q)}, v) for q, v in quantiles])
    lines.append(f"inbox_first_response_seconds_count {len(waits)}")
    lines.append(f"inbox_first_response_seconds_sum {sum(waits):.3f}")
    return Response("\n".join(lines) + "\n", mimetype="text/plain; version=0.0.4")


def _escape(value: Any) -> str:
    return str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
