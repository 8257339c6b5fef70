"""Blueprints and commands, registered by the app factory."""
from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter


class RowId(IntegerConverter):
    """A row id in a URL: a positive integer the id columns can hold; anything else is a 404,
    never a database error (PostgreSQL refuses integers past 32 bits in an integer column)."""

    def __init__(self, map: object) -> None:  # noqa: A002 - werkzeug's name
        super().__init__(map, min=1, max=2**31 - 1)  # type: ignore[arg-type]


def register_web(app: Flask) -> None:
    app.url_map.converters["id"] = RowId
    from inbox.web import accounts, agents, api, canned, channels, cli, files, health, live, reports, sandbox, webhooks  # noqa: F401 - these add routes to agents.bp
    from inbox.web.errors import register_error_handlers

    register_error_handlers(app)
    app.register_blueprint(webhooks.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(files.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(agents.bp)
    cli.register_commands(app)
