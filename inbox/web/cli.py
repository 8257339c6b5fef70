"""`flask --app app ...` commands: agents, the shop's catalogue and orders, the database, the sweep."""
from __future__ import annotations

import io
import logging
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from connectors.telegram import TelegramConnector
from inbox.accounts import AccountError, agent_count, create_agent, disable_agent, issue_api_token, normalise_email
from inbox.errors import SendError
from inbox.models import Agent, CannedResponse, utcnow
from inbox.queue import InProcessJobQueue
from inbox.services import Services
from inbox.shop_data import CsvImportError, import_orders, import_products

logger = logging.getLogger(__name__)


def _services() -> Services:
    return current_app.extensions["inbox"]


def ensure_admin(services: Services) -> None:
    """Create the first admin from INBOX_ADMIN_EMAIL/INBOX_ADMIN_PASSWORD when no agent exists."""
    settings = services.settings
    if not (settings.admin_email and settings.admin_password):
        return
    try:
        with services.db.session() as session:
            if agent_count(session):
                return
            create_agent(session, settings.admin_email, settings.admin_password, is_admin=True)
    except AccountError as exc:
        if agent_exists(services, settings.admin_email):
            return  # another process started at the same moment made it
        logger.error("first admin not created: %s", exc)
        return
    except IntegrityError:
        logger.info("first admin: created by another process starting at the same time")
        return
    logger.info("first admin created: %s", settings.admin_email)


def agent_exists(services: Services, email: str) -> bool:
    with services.db.session() as session:
        return session.execute(select(Agent.id).where(Agent.email == normalise_email(email))).first() is not None


def register_commands(app: Flask) -> None:
    agents = AppGroup("agents", help="Agents' accounts.")
    shop = AppGroup("shop", help="The catalogue and orders the bot answers from.")
    canned = AppGroup("canned", help="Canned answers agents insert with one click.")
    db = AppGroup("db", help="The database schema.")
    telegram = AppGroup("telegram", help="Telegram set-up.")

    @agents.command("create")
    @click.argument("email")
    @click.option("--name", default=None)
    @click.option("--admin", is_flag=True, help="May manage canned answers and other agents.")
    @click.password_option(help="Asked for when not given.")
    def agents_create(email: str, name: str | None, admin: bool, password: str) -> None:
        with _services().db.session() as session:
            try:
                create_agent(session, email, password, name=name, is_admin=admin)
            except AccountError as exc:
                raise click.ClickException(str(exc)) from exc
        click.echo(f"agent {email} created; log in at /login")

    @agents.command("token")
    @click.argument("email")
    def agents_token(email: str) -> None:
        """Issue a new JSON API token (replaces the old one)."""
        with _services().db.session() as session:
            token = issue_api_token(_agent(session, email))
        click.echo(token)

    def _agent(session: Any, email: str) -> Agent:
        agent = session.execute(select(Agent).where(Agent.email == normalise_email(email))).scalar_one_or_none()
        if agent is None:
            raise click.ClickException(f"no agent with e-mail {email}")
        return agent

    @agents.command("unlock")
    @click.argument("email")
    def agents_unlock(email: str) -> None:
        """Let an address locked by failed logins log in again at once."""
        _services().login_throttle.unlock(email)
        click.echo(f"{normalise_email(email)} may log in again")

    @agents.command("disable")
    @click.argument("email")
    def agents_disable(email: str) -> None:
        """End the agent's sessions and API token at once; no more logins."""
        with _services().db.session() as session:
            disable_agent(_agent(session, email), utcnow())
        click.echo(f"{normalise_email(email)} disabled")

    @agents.command("enable")
    @click.argument("email")
    def agents_enable(email: str) -> None:
        with _services().db.session() as session:
            _agent(session, email).disabled_at = None
        click.echo(f"{normalise_email(email)} may log in again (issue a new API token if needed)")

    def _import(kind: str, path: str) -> None:
        importer = import_products if kind == "products" else import_orders
        services = _services()
        with open(path, "rb") as fh:
            stream = io.BytesIO(fh.read())  # bytes: the reader tells UTF-16 from UTF-8 itself

        def progress(count: int) -> None:
            click.echo(f"\r{kind}: {count} rows", nl=False, err=True)

        try:
            with services.db.session() as session:
                result = importer(session, stream, progress)
        except CsvImportError as exc:
            click.echo("", err=True)
            raise click.ClickException(f"{path}: {exc} (nothing imported)") from exc
        services.shop.invalidate()
        click.echo("", err=True)
        click.echo(f"{kind}: {result.created} created, {result.updated} updated")
        for notification_id in result.notifications:
            services.queue.submit("notify_order", notification_id)
        for request_id in result.restocks:
            services.queue.submit("notify_restock", request_id)
        if result.notifications or result.restocks:
            click.echo(f"queued: {len(result.notifications)} order notification(s), {len(result.restocks)} restock notice(s)")
            drain = getattr(services.queue, "drain", None)
            if drain is not None:  # the in-process queue dies with this command; Redis keeps its jobs
                drain(timeout=60)

    @shop.command("import-products")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    def shop_import_products(path: str) -> None:
        """CSV columns: sku,name,variant,price,stock."""
        _import("products", path)

    @shop.command("import-orders")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    def shop_import_orders(path: str) -> None:
        """CSV columns: number,status,courier,tracking_number,customer_phone,total."""
        _import("orders", path)

    @canned.command("add")
    @click.argument("shortcut")
    @click.argument("text")
    def canned_add(shortcut: str, text: str) -> None:
        with _services().db.session() as session:
            existing = session.execute(select(CannedResponse).where(CannedResponse.shortcut == shortcut)).scalar_one_or_none()
            if existing:
                existing.text = text
            else:
                session.add(CannedResponse(shortcut=shortcut[:64], text=text))
        click.echo(f"canned answer /{shortcut} saved")

    @db.command("upgrade")
    def db_upgrade() -> None:
        """Migrate to the newest schema (the app also does this at start)."""
        _services().db.upgrade()
        click.echo("database is at the newest revision")

    @telegram.command("set-webhook")
    def telegram_set_webhook() -> None:
        """Register PUBLIC_URL/webhooks/telegram with Telegram, with the secret token."""
        services = _services()
        connector = services.connectors.get("telegram")
        if not isinstance(connector, TelegramConnector):
            raise click.ClickException(f"Telegram is {services.disabled.get('telegram', 'not enabled')}")
        if not services.settings.public_url:
            raise click.ClickException("set PUBLIC_URL to the https address Telegram should call")
        url = f"{services.settings.public_url}/webhooks/telegram"
        try:
            connector.register_webhook(url)
        except SendError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Telegram now posts updates to {url}")

    @app.cli.command("sweep")
    def sweep() -> None:
        """Re-enqueue stored work that has no outcome (what the worker does periodically)."""
        services = _services()
        counts = services.pipeline.sweep()
        click.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))
        if isinstance(services.queue, InProcessJobQueue):
            # No Redis: the jobs run in this process, so wait for them before exiting.
            services.queue.drain(timeout=300)

    for group in (agents, shop, canned, db, telegram):
        app.cli.add_command(group)
