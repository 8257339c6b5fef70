"""Clear 4xx answers with a reason, JSON for APIs and webhooks, text elsewhere; never a 500 for bad input."""
from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, request
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

logger = logging.getLogger(__name__)


def error_response(status: int, reason: str) -> Response:
    response = jsonify({"error": reason, "status": status})
    response.status_code = status
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        reason = exc.description or exc.name
        if exc.code == 413:
            reason = f"request body larger than {app.config.get('MAX_CONTENT_LENGTH')} bytes"
        status = exc.code or 400
        if request.path.startswith(("/api/", "/webhooks/", "/healthz")) or request.accept_mimetypes.best == "application/json":
            return error_response(status, reason)
        return Response(f"{status} {exc.name}: {reason}\n", status=status, mimetype="text/plain")

    @app.errorhandler(RecursionError)
    def too_deep(exc: RecursionError) -> Response:
        # A JSON body nested thousands deep: the parser gives up; the request is the problem.
        return error_response(400, "the body is nested too deeply")

    @app.errorhandler(DBAPIError)
    def database_error(exc: DBAPIError) -> Response:
        if exc.connection_invalidated:
            # The database restarted under a pooled connection; the pool has reconnected, and a
            # platform sends the webhook again on a 5xx: nothing is lost.
            logger.warning("database connection lost on %s %s; the next request reconnects", request.method, request.path)
            return error_response(503, "database connection lost; try again")
        logger.exception("database error on %s %s", request.method, request.path)
        return error_response(500, "internal error; it has been logged")

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        logger.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "internal error; it has been logged")
