"""The least an ingest and a worker can do per message, as bench/production.py's second baselines.

Beside "bare Flask" and "empty RQ job" (the framework's floor), these say what a message must cost
at the least on the same layout, written plainly with the same libraries and none of the inbox:

- `minimal_app()`: a gunicorn-served Flask route that checks the Twilio signature, stores the
  message with one INSERT ... ON CONFLICT DO NOTHING and its commit (psycopg, no SQLAlchemy), and
  schedules its job with one ZADD. Nothing a webhook must do is left out but the conversation.
- `minimal_job(id)`: an RQ job that decides in one transaction (claims the stored message, inserts
  the answer), sends it through the inbox's own Twilio connector (the official client) and marks it
  sent: one transaction and one statement around the send, no reply engine.

Both keep the "stored once, sent once" shape (unique platform id, a compare-and-set claim), so
the ratio between them and their framework floor is what the goals in issue 13 can reach here.
"""
from __future__ import annotations

import os
import threading
import time

import psycopg
from flask import Flask, request
from redis import Redis
from twilio.request_validator import RequestValidator

WEBHOOK_PATH = "/webhooks/twilio"
DUE_KEY = "bench-minimal:due"
TABLES = (
    "CREATE TABLE IF NOT EXISTS minimal_inbound (id bigserial PRIMARY KEY, platform_id text UNIQUE NOT NULL,"
    " sender text NOT NULL, body text NOT NULL, received_at timestamptz NOT NULL, outcome text)",
    "CREATE TABLE IF NOT EXISTS minimal_outbound (id bigserial PRIMARY KEY, inbound_id bigint UNIQUE NOT NULL,"
    " text text NOT NULL, status text NOT NULL, external_id text)",
)


def create_tables(database_url: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as connection:
        for statement in TABLES:
            connection.execute(statement)


def minimal_app() -> Flask:
    app = Flask("minimal")
    database_url = os.environ["DATABASE_URL"]
    create_tables(database_url)
    redis = Redis.from_url(os.environ["REDIS_URL"])
    validator = RequestValidator(os.environ["TWILIO_AUTH_TOKEN"])
    url = os.environ["PUBLIC_URL"].rstrip("/") + WEBHOOK_PATH
    local = threading.local()  # one connection per gunicorn thread, as a pool would hand out

    @app.post(WEBHOOK_PATH)
    def receive() -> tuple[str, int, dict[str, str]]:
        form = request.form
        if not validator.validate(url, form, request.headers.get("X-Twilio-Signature", "")):
            return "bad signature", 403, {}
        connection = getattr(local, "connection", None)
        if connection is None:
            connection = local.connection = psycopg.connect(database_url)
        row = connection.execute(
            "INSERT INTO minimal_inbound (platform_id, sender, body, received_at) VALUES (%s, %s, %s, now())"
            " ON CONFLICT (platform_id) DO NOTHING RETURNING id",
            (form.get("MessageSid", ""), form.get("From", ""), form.get("Body", "")),
        ).fetchone()
        connection.commit()
        if row is not None:
            redis.zadd(DUE_KEY, {str(row[0]): time.time()})
        return "<Response/>", 200, {"Content-Type": "text/xml"}

    return app


_worker_state: dict[str, object] = {}


def minimal_job(inbound_id: int) -> None:
    from connectors.twilio_whatsapp import TwilioSettings, TwilioWhatsAppConnector
    from inbox.domain import Outbound, OutboundKind, Platform

    if not _worker_state:
        _worker_state["connection"] = psycopg.connect(os.environ["DATABASE_URL"])
        _worker_state["connector"] = TwilioWhatsAppConnector(TwilioSettings(
            os.environ["TWILIO_ACCOUNT_SID"], os.environ["TWILIO_AUTH_TOKEN"], os.environ["TWILIO_WHATSAPP_FROM"],
            api_base=os.environ["TWILIO_API_BASE"]))
    connection: psycopg.Connection = _worker_state["connection"]  # type: ignore[assignment]
    connector: TwilioWhatsAppConnector = _worker_state["connector"]  # type: ignore[assignment]
    claimed = connection.execute(
        "UPDATE minimal_inbound SET outcome = 'auto_reply' WHERE id = %s AND outcome IS NULL RETURNING sender",
        (inbound_id,)).fetchone()
    if claimed is None:
        connection.rollback()
        return  # decided already: nothing twice
    text = "Halo kak! Ada yang bisa kami bantu? 🙏"
    outbound_id = connection.execute(
        "INSERT INTO minimal_outbound (inbound_id, text, status) VALUES (%s, %s, 'sending') RETURNING id",
        (inbound_id, text)).fetchone()[0]  # type: ignore[index]
    connection.commit()
    result = connector.send(Outbound(platform=Platform.WHATSAPP_TWILIO, kind=OutboundKind.MESSAGE,
                                     chat_id=claimed[0], text=text))
    connection.execute("UPDATE minimal_outbound SET status = 'sent', external_id = %s WHERE id = %s",
                       (result.message_id, outbound_id))
    connection.commit()


def store_inbound_rows(database_url: str, count: int) -> list[int]:
    """Messages for `minimal_job` to answer, as the minimal ingest would have stored them."""
    create_tables(database_url)
    with psycopg.connect(database_url) as connection:
        with connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(max(id), 0) FROM minimal_inbound")
            start = int(cursor.fetchone()[0])  # type: ignore[index]
            cursor.executemany(
                "INSERT INTO minimal_inbound (platform_id, sender, body, received_at) VALUES (%s, %s, %s, now())",
                [(f"SMminimal{start + i:08d}", f"whatsapp:+62812{i:07d}", "brp kak?") for i in range(count)])
            cursor.execute("SELECT id FROM minimal_inbound WHERE id > %s ORDER BY id", (start,))
            return [int(row[0]) for row in cursor.fetchall()]
