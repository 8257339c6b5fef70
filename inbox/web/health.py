"""GET /healthz: the database and the queue, each checked for real."""
from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, jsonify

logger = logging.getLogger(__name__)
bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    services = current_app.extensions["inbox"]
    checks: dict[str, str] = {}
    healthy = True
    try:
        services.db.ping()
        checks["database"] = f"ok ({services.db.engine.dialect.name})"
    except Exception as exc:
        logger.warning("health: database check failed: %s", exc)
        checks["database"] = "unreachable"
        healthy = False
    try:
        checks["queue"] = services.queue.check()
    except Exception as exc:
        logger.warning("health: queue check failed: %s", exc)
        checks["queue"] = "unreachable"
        healthy = False
    checks["platforms"] = ", ".join(sorted(services.connectors)) or "none enabled"
    response = jsonify({"status": "ok" if healthy else "degraded", **checks})
    response.status_code = 200 if healthy else 503
    return response
