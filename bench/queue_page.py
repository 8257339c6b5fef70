"""The agents' queue at scale: the waiting view, a search and a conversation page with N conversations.

    .venv/bin/python bench/queue_page.py [--conversations 100000] [--messages 5] [--runs 7]

Seeds N conversations (each with a contact and a few messages, 90 days of history, a few thousand
open ones, some orders) into a temporary SQLite file, and into PostgreSQL when TEST_DATABASE_URL
is set (a schema of its own, dropped at the end). Each request goes through Flask's test client
as a logged-in agent; printed: the median server time of several runs, then the same requests
again with the queue indexes (migration 0007) dropped, in the same run, as the baseline. The
target is 100 ms per request at 100,000 conversations.
"""
from __future__ import annotations

import argparse
import importlib.util
import logging
import os
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, text  # noqa: E402

from app import create_app  # noqa: E402
from inbox.accounts import create_agent  # noqa: E402
from inbox.models import Contact, Conversation, Message, Order, utcnow  # noqa: E402

TARGET_MS = 100.0
PASSWORD = "bench-password-1"
PLATFORMS = ("whatsapp_twilio", "whatsapp_twilio", "telegram", "instagram", "facebook", "whatsapp_cloud", "x")
QUESTIONS = ("ready kak?", "brp ongkir ke medan", "pesanan {order} sudah dikirim?", "barang rusak, mau retur",
             "bisa cod?", "size L masih ada?", "kok belum sampai ya", "mau ganti alamat kirim")
ANSWERS = ("Ready kak, silakan diorder", "Ongkir ke Medan Rp18.000", "Sedang kami cek ya kak", "Bisa COD kak")
CHUNK = 5000


def load_migration() -> Any:
    path = ROOT / "migrations" / "versions" / "0007_queue_indexes.py"
    spec = importlib.util.spec_from_file_location("queue_indexes", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def chunks(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def seed(app: Any, conversations: int, messages_each: int, history_days: float = 90) -> dict[str, Any]:
    """Bulk rows through SQLAlchemy Core, spread over `history_days`; returns what the requests look for."""
    rng = random.Random(7)
    services = app.extensions["inbox"]
    now = utcnow()
    with services.db.session() as db:
        agent_ids = [create_agent(db, f"agent{i}@toko.example", PASSWORD, name=f"Agen {i}").id for i in range(5)]
    waiting = max(1, conversations // 50)  # 2% waiting for a person, 1% taken, 10% with the bot, the rest resolved
    assigned = max(1, conversations // 100)
    with_bot = conversations // 10
    engine = services.db.engine

    def status_of(i: int) -> str:
        if i < waiting:
            return "waiting"
        if i < waiting + assigned:
            return "assigned"
        if i < waiting + assigned + with_bot:
            return "bot"
        return "resolved"

    def started(i: int) -> Any:
        # Open ones are today's; the rest spread over 90 days.
        if status_of(i) in ("waiting", "assigned"):
            return now - timedelta(seconds=rng.uniform(30, 86400))
        return now - timedelta(days=rng.uniform(0, history_days))

    starts = [started(i) for i in range(conversations)]
    with engine.begin() as connection:
        for batch in chunks(
            {"id": i + 1, "platform": PLATFORMS[i % len(PLATFORMS)], "external_id": f"ext-{i}",
             "display_name": f"Pelanggan {i}", "phone": f"+628{i:010d}" if i % 3 else None, "created_at": starts[i]}
            for i in range(conversations)
        ):
            connection.execute(insert(Contact.__table__), batch)
        for batch in chunks(
            {"id": i + 1, "contact_id": i + 1, "platform": PLATFORMS[i % len(PLATFORMS)], "thread_key": f"chat-{i}",
             "thread_kind": "direct", "chat_id": f"chat-{i}", "status": status_of(i),
             "priority": 1 if i % 17 == 0 else 0, "flags": [], "handover_reason": None,
             "assigned_agent_id": agent_ids[i % len(agent_ids)] if status_of(i) == "assigned" else None,
             "waiting_since": starts[i] if status_of(i) == "waiting" else None,
             "last_inbound_at": starts[i], "last_message_at": starts[i] + timedelta(minutes=messages_each),
             "created_at": starts[i]}
            for i in range(conversations)
        ):
            connection.execute(insert(Conversation.__table__), batch)

        def message_rows() -> Iterator[dict[str, Any]]:
            message_id = 0
            for i in range(conversations):
                question_id = None
                for n in range(messages_each):
                    message_id += 1
                    at = starts[i] + timedelta(minutes=n)
                    inbound = n % 2 == 0
                    sender = "customer" if inbound else ("agent" if n == 3 else "bot")
                    order = f"INV-{(i * 7 + n) % 20000:05d}"
                    body = (rng.choice(QUESTIONS).format(order=order) if inbound else rng.choice(ANSWERS))
                    yield {
                        "id": message_id, "conversation_id": i + 1, "platform": PLATFORMS[i % len(PLATFORMS)],
                        "direction": "in" if inbound else "out", "kind": "message", "sender_type": sender,
                        "agent_id": agent_ids[0] if sender == "agent" else None,
                        "external_id": f"m-{message_id}" if inbound else None, "contact_id": i + 1,
                        "address": f"chat-{i}", "text": body, "media": [], "created_at": at,
                        "outcome": ("auto_replied" if n == 0 else "escalated") if inbound else None,
                        "target": None if inbound else "message", "reply_to_id": None if inbound else question_id,
                        "delivery_status": None if inbound else "delivered",
                        "sent_at": None if inbound else at + timedelta(seconds=rng.uniform(1, 300)),
                        "idempotency_key": None if inbound else f"k-{message_id}", "attempts": 0,
                    }
                    if inbound:
                        question_id = message_id

        for batch in chunks(message_rows()):
            connection.execute(insert(Message.__table__), batch)
        for batch in chunks(
            {"number": f"INV-{n:05d}", "number_key": f"inv{n:05d}", "customer_phone": f"+628{(n * 5) % conversations:010d}",
             "status": "dikirim", "total": 150000, "created_at": now, "updated_at": now}
            for n in range(20000)
        ):
            connection.execute(insert(Order.__table__), batch)
        if connection.dialect.name == "postgresql":
            for table in ("contacts", "conversations", "messages", "orders"):
                connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    analyze(engine)
    return {"conversation": waiting // 2 + 1}


def analyze(engine: Any) -> None:
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))


def log_in(client: Any) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, "no login form"
    response = client.post("/login", data={"email": "agent0@toko.example", "password": PASSWORD,
                                           "csrf_token": token.group(1), "next": ""})
    assert response.status_code == 302, response.status_code


def timed(client: Any, path: str, runs: int) -> float:
    for _ in range(2):  # warm the caches the way a working desk has them
        assert client.get(path).status_code == 200, path
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, path
    return statistics.median(samples)


def requests_for(ids: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        ("waiting view", "/?tab=waiting"),
        ("open view, 2nd page", "/?tab=open&page=2"),
        ("search: message text, open tab", f"/?tab=open&q={quote('belum sampai')}"),
        ("search: order number, open tab", f"/?tab=open&q={quote('INV-00042')}"),
        ("search: name, all resolved", f"/?tab=resolved&q={quote('Pelanggan 4242')}"),
        ("search: message text, all resolved", f"/?tab=resolved&q={quote('ganti alamat')}"),
        ("conversation page", f"/conversations/{ids['conversation']}"),
    ]


def run(label: str, database_url: str, args: argparse.Namespace) -> None:
    migration = load_migration()
    app = create_app({"database_url": database_url, "secret_key": "bench", "redis_url": None})
    services = app.extensions["inbox"]
    started = time.perf_counter()
    ids = seed(app, args.conversations, args.messages)
    print(f"{label}: seeded {args.conversations:,} conversations, {args.conversations * args.messages:,} messages"
          f" in {time.perf_counter() - started:.0f} s")
    client = app.test_client()
    log_in(client)
    indexed = {name: timed(client, path, args.runs) for name, path in requests_for(ids)}
    with services.db.engine.begin() as connection:
        migration.drop_queue_indexes(connection)
    analyze(services.db.engine)
    plain = {name: timed(client, path, args.runs) for name, path in requests_for(ids)}
    for name, ms in indexed.items():
        verdict = "ok" if ms <= TARGET_MS else "OVER TARGET"
        print(f"{label}: {name:36s} {ms:7.1f} ms  (without the indexes {plain[name]:7.1f} ms,"
              f" {plain[name] / ms:5.1f}x)  {verdict}")
    services.close()


def on_each_database(label_run: Any, schema: str) -> None:
    """`label_run(label, database_url)` on a temporary SQLite file, then on PostgreSQL when
    TEST_DATABASE_URL is set (in a schema of its own, dropped at the end)."""
    with tempfile.TemporaryDirectory() as tmp:
        label_run("sqlite", f"sqlite:///{tmp}/{schema}.sqlite3")
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        print("postgresql: skipped (set TEST_DATABASE_URL to measure it too)")
        return
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        connection.execute(f"CREATE SCHEMA {schema}")
    try:
        separator = "&" if "?" in url else "?"
        label_run("postgresql", f"{url}{separator}options={quote(f'-csearch_path={schema}')}")
    finally:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=5, help="messages per conversation")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger().setLevel(logging.ERROR)
    on_each_database(lambda label, url: run(label, url, args), "bench_queue")
    return 0


if __name__ == "__main__":
    sys.exit(main())
