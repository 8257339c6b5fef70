"""The owners' report over a million messages: build_report and the /reports page, 30 days.

    .venv/bin/python bench/reports.py [--conversations 200000] [--messages 5] [--runs 3]

Seeds N conversations of M messages each (N x M messages, all inside the last 30 days, with their
resolutions and the episodes the report reads) into a temporary SQLite file, and into PostgreSQL when TEST_DATABASE_URL is set (a
schema of its own, dropped at the end). Printed per database: the median time of `build_report`
for 30 days and of the page as an admin sees it, beside the baseline measured in the same run: one
plain pass over the period's messages (`SELECT count(*) ... WHERE created_at >= since`), the least
any report over those messages must read.
"""
from __future__ import annotations

import argparse
import importlib.util
import logging
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select  # noqa: E402

from app import create_app  # noqa: E402
from bench.queue_page import CHUNK, log_in, on_each_database, seed  # noqa: E402
from inbox.models import Conversation, ConversationEvent, Message, utcnow  # noqa: E402
from inbox.reports import build_report  # noqa: E402

DAYS = 30


def median_ms(step: Callable[[], Any], runs: int) -> float:
    step()  # warm: the first run reads from disk
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        step()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def add_resolutions(app: Any) -> None:
    """Each resolved conversation was resolved ten minutes after its last message."""
    db = app.extensions["inbox"].db
    with db.session() as session:
        rows = session.execute(select(Conversation.id, Conversation.last_message_at)
                               .where(Conversation.status == "resolved")).all()
    with db.engine.begin() as connection:
        for start in range(0, len(rows), CHUNK):
            connection.execute(insert(ConversationEvent.__table__), [
                {"conversation_id": cid, "kind": "resolved", "mentions": [], "created_at": last + timedelta(minutes=10)}
                for cid, last in rows[start:start + CHUNK]])


def add_episodes(app: Any) -> None:
    """The seed writes messages in bulk, past the code that keeps episodes: build them as the
    migration that introduced them does, from the messages and resolutions."""
    spec = importlib.util.spec_from_file_location("episodes_migration", ROOT / "migrations/versions/0012_episodes.py")
    assert spec and spec.loader
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    with app.extensions["inbox"].db.engine.begin() as connection:
        migration.backfill(connection)


def run(label: str, database_url: str, args: argparse.Namespace) -> None:
    app = create_app({"database_url": database_url, "secret_key": "bench", "redis_url": None})
    services = app.extensions["inbox"]
    started = time.perf_counter()
    seed(app, args.conversations, args.messages, history_days=DAYS - 1)
    add_resolutions(app)
    add_episodes(app)
    with services.db.session() as session:
        session.execute(select(func.count()).select_from(Message)).scalar()
        # agent0 of the seed is made an admin to see the page
        from inbox.models import Agent
        session.execute(select(Agent).where(Agent.email == "agent0@toko.example")).scalar_one().is_admin = True
    print(f"{label}: seeded {args.conversations:,} conversations, {args.conversations * args.messages:,} messages"
          f" in {time.perf_counter() - started:.0f} s")
    since = utcnow() - timedelta(days=DAYS)

    def baseline() -> None:
        with services.db.session() as session:
            session.execute(select(func.count(), func.min(Message.created_at)).where(Message.created_at >= since)).one()

    def report() -> None:
        with services.db.session() as session:
            build_report(session, utcnow(), DAYS, services.engine.pack.timezone)

    client = app.test_client()
    log_in(client)

    def page() -> None:
        assert client.get(f"/reports?days={DAYS}").status_code == 200

    bare = median_ms(baseline, args.runs)
    built = median_ms(report, args.runs)
    shown = median_ms(page, args.runs)
    print(f"{label}: one pass over the period's messages (baseline) {bare:8.0f} ms")
    print(f"{label}: build_report, {DAYS} days                   {built:8.0f} ms  ({built / bare:4.1f}x the baseline)")
    print(f"{label}: /reports?days={DAYS} page                      {shown:8.0f} ms  ({shown / bare:4.1f}x the baseline)")
    services.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=200_000)
    parser.add_argument("--messages", type=int, default=5, help="messages per conversation")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger().setLevel(logging.ERROR)
    on_each_database(lambda label, url: run(label, url, args), "bench_reports")
    return 0


if __name__ == "__main__":
    sys.exit(main())
