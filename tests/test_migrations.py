"""Upgrading a database made by an earlier schema keeps every row, on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable

from flask import Flask
from sqlalchemy import text

from inbox.db import Database
from tests.conftest import post_telegram, telegram_update

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=timezone.utc).isoformat()

# Rows as the first schema (revision 0001) held them: one conversation per contact.
SNAPSHOT_0001 = [
    "INSERT INTO agents (id, email, name, password_hash, is_admin, created_at) VALUES (1, 'sari@toko.id', 'Sari', 'x', true, :now)",
    "INSERT INTO contacts (id, platform, external_id, display_name, phone, created_at) VALUES"
    " (1, 'whatsapp_twilio', 'whatsapp:+6281234567890', 'Budi', '+6281234567890', :now),"
    " (2, 'telegram', '512345678', 'Sari', NULL, :now),"
    " (3, 'telegram', '777', 'Grup', NULL, :now)",
    "INSERT INTO conversations (id, contact_id, platform, chat_id, status, priority, flags, assigned_agent_id,"
    " last_inbound_at, created_at) VALUES"
    " (1, 1, 'whatsapp_twilio', 'whatsapp:+6281234567890', 'assigned', 1, '[\"priority\"]', 1, :now, :now),"
    " (2, 2, 'telegram', '512345678', 'bot', 0, '[]', NULL, :now, :now),"
    " (3, 3, 'telegram', '-1001234567890', 'waiting', 0, '[]', NULL, :now, :now)",
    "INSERT INTO messages (id, conversation_id, platform, direction, kind, sender_type, external_id,"
    " platform_message_id, text, media, created_at, outcome, attempts) VALUES"
    " (1, 1, 'whatsapp_twilio', 'in', 'message', 'customer', 'SM1', 'SM1', 'barang rusak', '[]', :now, 'escalated', 1),"
    " (2, 2, 'telegram', 'in', 'message', 'customer', '400001', '41', 'ongkir ke medan?', '[]', :now, 'auto_replied', 1),"
    " (3, 3, 'telegram', 'in', 'message', 'customer', '400002', '52', 'ready kak?', '[]', :now, NULL, 0)",
    "INSERT INTO messages (id, conversation_id, platform, direction, kind, sender_type, agent_id, external_id, text,"
    " media, created_at, idempotency_key, reply_to_id, delivery_status, attempts) VALUES"
    " (4, 2, 'telegram', 'out', 'message', 'bot', NULL, '512345678:42', 'Ongkir ke Medan Rp18.000', '[]', :now,"
    " 'reply:2', 2, 'delivered', 1),"
    " (5, 1, 'whatsapp_twilio', 'out', 'message', 'agent', 1, 'SM5', 'Mohon maaf kak', '[]', :now,"
    " 'agent:1:k1', 1, 'sent', 1)",
    "INSERT INTO delivery_events (id, platform, message_external_id, status, received_at) VALUES"
    " (1, 'telegram', '512345678:42', 'delivered', :now)",
    "INSERT INTO canned_responses (id, shortcut, text) VALUES (1, 'ongkir', 'Ongkir dari Jakarta ya kak')",
    "INSERT INTO products (id, sku, name, variant, price, stock, updated_at) VALUES (1, 'KB-01', 'Kemeja Batik', 'L', 189000, 3, :now)",
    "INSERT INTO orders (id, number, number_key, customer_phone, status, created_at, updated_at) VALUES"
    " (1, 'INV-0099', 'inv0099', '+6281234567890', 'shipped', :now, :now)",
]
TABLES = ("agents", "contacts", "conversations", "messages", "delivery_events", "canned_responses", "products", "orders")


def counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as connection:
        return {table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() for table in TABLES}


def rows(db: Database, sql: str) -> list[tuple[Any, ...]]:
    with db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def test_upgrade_from_the_first_schema_keeps_every_row(database_url: str, make_app: Callable[..., Flask]) -> None:
    db = Database(database_url)
    db.upgrade("0001")
    with db.engine.begin() as connection:
        for statement in SNAPSHOT_0001:
            connection.execute(text(statement), {"now": NOW})
        if connection.dialect.name == "postgresql":  # explicit ids: move the sequences past them
            for table in TABLES:
                connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), 100)"))
    before = counts(db)

    db.upgrade()

    assert counts(db) == before
    assert rows(db, "SELECT id, thread_key, thread_kind, chat_id, status, assigned_agent_id FROM conversations ORDER BY id") == [
        (1, "whatsapp:+6281234567890", "direct", "whatsapp:+6281234567890", "assigned", 1),
        (2, "512345678", "direct", "512345678", "bot", None),
        (3, "-1001234567890", "group", "-1001234567890", "waiting", None),
    ]
    assert rows(db, "SELECT id, contact_id, address, target, idempotency_key FROM messages ORDER BY id") == [
        (1, 1, "whatsapp:+6281234567890", None, None),
        (2, 2, "512345678", None, None),
        (3, 3, "-1001234567890", None, None),
        (4, 2, "512345678", "message", "reply:2:private"),
        (5, 1, "whatsapp:+6281234567890", "message", "agent:1:k1"),
    ]
    # Each conversation with a customer message is one need for the reports (none resolved yet).
    assert rows(db, "SELECT conversation_id, platform, CASE WHEN ended_at IS NULL THEN 'open' ELSE 'ended' END"
                    " FROM episodes ORDER BY conversation_id") == [
        (1, "whatsapp_twilio", "open"), (2, "telegram", "open"), (3, "telegram", "open")]
    db.dispose()

    # The app carries on where the old data left off: the same chat is the same thread.
    app = make_app(database_url=database_url)
    post_telegram(app.test_client(), telegram_update("bisa bayar cod kak?", chat_id=512345678))
    services = app.extensions["inbox"]
    assert services.queue.drain(timeout=15)
    db = services.db
    assert rows(db, "SELECT count(*) FROM conversations") == [(3,)]
    assert rows(db, "SELECT conversation_id, direction FROM messages WHERE id > 5 ORDER BY id") == [(2, "in"), (2, "out")]
    assert rows(db, "SELECT count(*) FROM episodes WHERE conversation_id = 2 AND first_response_at IS NOT NULL") == [(1,)]
