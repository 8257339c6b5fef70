"""Blueprints and commands, registered by the app factory."""
from __future__ import annotations

from flask import Flask


def register_web(app: Flask) -> None:
    from inbox.web import agents, api, canned, cli, health, webhooks  # noqa: F401 - canned adds routes to agents.bp
    from inbox.web.errors import register_error_handlers

    register_error_handlers(app)
    app.register_blueprint(webhooks.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(agents.bp)
    cli.register_commands(app)
